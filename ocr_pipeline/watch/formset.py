"""Noticing that the forms changed while the watcher runs (an administrator saved a new form
on the review UI's 帳票作成 page, or edited a form folder): the watcher then takes files in the
new form folders and has its workers start again with the new forms."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from form_schemas.registry import SCHEMA_FILE, FormDefinitionError, FormRegistry

log = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]


def forms_signature(dirs: Iterable[Path]) -> Signature:
    """What changes when a form folder under ``dirs`` is added, removed or edited: each
    ``form.yaml`` and template with its size and modification time."""
    seen: list[tuple[str, int, int]] = []
    for directory in dirs:
        if not directory.is_dir():
            continue
        folders = (p for p in directory.iterdir() if not p.name.startswith("."))
        for folder in sorted(p for p in folders if (p / SCHEMA_FILE).is_file()):
            for path in sorted(folder.iterdir()):
                try:
                    st = path.stat()
                except OSError:
                    continue
                seen.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(seen)


def reload_forms(dirs: list[Path]) -> list[str] | None:
    """The ids of the forms now installed, or ``None`` (logged) when a form folder is broken:
    the watcher then goes on with the forms it has."""
    try:
        return list(FormRegistry.from_dirs(dirs).ids)
    except FormDefinitionError as exc:
        log.warning("the forms changed but cannot be loaded, keeping the old ones: %s", exc)
        return None
