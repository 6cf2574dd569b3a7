"""Putting uploaded scans into the watched inbox, ``INBOX/<tenant>/`` (or
``INBOX/<tenant>/<form_id>/`` when the clerk names the form), exactly as the shared folder
receives them: through the watcher's own :func:`~ocr_pipeline.watch.drop_file` (hidden name
while writing, renamed when complete, never replacing a file)."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ocr_pipeline.ingest import SUPPORTED_SUFFIXES
from ocr_pipeline.ingest.limits import MAX_UPLOAD_MB
from ocr_pipeline.settings import Settings
from ocr_pipeline.watch import drop_file
from ocr_pipeline.watch.layout import is_ignorable

ACCEPTED_SUFFIXES = tuple(sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES))
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
RENAME = "名前を変えてから提出してください。"


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


def refusal(name: str) -> str | None:
    """Why a file named ``name`` cannot go into the inbox (in Japanese), or ``None``.

    The watcher's own rule decides (:func:`~ocr_pipeline.watch.layout.is_ignorable`): a name it
    never reads (hidden, temporary, system files) is refused here, so that no upload is
    accepted and then waits for ever. Names with folder separators or control characters, and
    formats the pipeline does not read, are refused too."""
    if not name.strip():
        return "ファイル名がありません。" + RENAME
    if "/" in name or "\\" in name:
        return "ファイル名にフォルダの区切り（/ や \\）が含まれています。" + RENAME
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in name):
        return "ファイル名に制御文字が含まれています。" + RENAME
    if is_ignorable(name):
        return (
            "「.」や「~$」で始まる名前、「~」・.tmp・.part などで終わる名前、Thumbs.db などは"
            "一時ファイル・システムファイルとみなされ、読み取られません。" + RENAME
        )
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    if suffix not in ACCEPTED_SUFFIXES:
        return (
            "PDF・TIFF・JPEG・PNG のファイルだけ提出できます"
            "（拡張子 .pdf .tif .tiff .jpg .jpeg .png）。"
        )
    return None


def shown_name(name: str) -> str:
    """``name`` for the screen: control characters replaced by ``?``."""
    return "".join("?" if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in name)


def save_upload(
    root: Path, tenant: str, name: str, data: bytes, form_id: str | None = None
) -> Saved:
    """Write ``data`` into the tenant's inbox under ``name`` (numbered if taken)."""
    path = drop_file(root, tenant, name, data=data, form_id=form_id)
    return Saved(path.name, path, hashlib.sha256(data).hexdigest(), len(data))
