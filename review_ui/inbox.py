"""Putting uploaded scans into the watched inbox, ``INBOX/<tenant>/`` (or
``INBOX/<tenant>/<form_id>/`` when the clerk names the form), exactly as the shared folder
receives them: through the watcher's own :func:`~ocr_pipeline.watch.drop_file` (hidden name
while writing, renamed when complete, never replacing a file)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ocr_pipeline.settings import Settings
from ocr_pipeline.watch import drop_file

ACCEPTED_SUFFIXES = ("pdf", "tif", "tiff", "jpg", "jpeg", "png")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Saved:
    """An uploaded file as written into the inbox."""

    name: str
    path: Path
    sha256: str
    size: int


def root_for(settings: Settings) -> Path:
    """The watched folder (the ``inbox_dir`` setting, by default ``runtime/inbox`` in
    ``data_dir``)."""
    return settings.inbox_path


def save_upload(
    root: Path, tenant: str, name: str, data: bytes, form_id: str | None = None
) -> Saved:
    """Write ``data`` into the tenant's inbox under ``name`` (numbered if taken)."""
    path = drop_file(root, tenant, name, data=data, form_id=form_id)
    return Saved(path.name, path, hashlib.sha256(data).hexdigest(), len(data))
