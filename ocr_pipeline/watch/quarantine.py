"""Setting a file aside: ``QUARANTINE/<tenant>/<name>`` with ``<name>.error.json`` beside it.

The note is written first, under a name claimed with exclusive creation, so two workers
quarantining files of the same name never take the same place and nothing is overwritten
(``scan.pdf``, then ``scan (2).pdf``…). Then the file is moved there. The note::

    {"file": "water_service/scan.pdf", "tenant": "012025", "sha256": "…" | null,
     "code": "unreadable", "reason": "ファイルが壊れているか、…", "detail": "<English>",
     "what_to_do": "スキャナーでもう一度…", "remedy": "<English>",
     "time": "2025-01-06T09:00:00+09:00", "source_file_id": 17 | null}
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..durable import fsync_dir
from .files import fit_name, move_durably, numbered
from .messages import explain

NOTE_SUFFIX = ".error.json"
MAX_TRIES = 10_000


@dataclass(frozen=True)
class QuarantineNote:
    """The content of ``<name>.error.json``; see the module docstring."""

    file: str
    tenant: str
    sha256: str | None
    code: str
    reason: str
    detail: str
    what_to_do: str
    remedy: str
    time: str
    source_file_id: int | None = None

    @classmethod
    def make(
        cls,
        *,
        file: str,
        tenant: str,
        code: str,
        detail: str,
        remedy: str = "",
        sha256: str | None = None,
        source_file_id: int | None = None,
    ) -> QuarantineNote:
        said = explain(code, detail)
        return cls(
            file=file,
            tenant=tenant,
            sha256=sha256,
            code=code,
            reason=said.reason,
            detail=detail,
            what_to_do=said.what_to_do,
            remedy=remedy,
            time=datetime.now().astimezone().isoformat(timespec="seconds"),
            source_file_id=source_file_id,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def note_path(target: Path) -> Path:
    return target.with_name(target.name + NOTE_SUFFIX)


def reserve(folder: Path, name: str, note: QuarantineNote) -> Path:
    """Claim a free place for ``name`` in ``folder`` by creating its note there (exclusive
    creation), write the note, and return the place for the file itself."""
    folder.mkdir(parents=True, exist_ok=True)
    base = fit_name(name.rsplit("/", 1)[-1])
    data = (json.dumps(note.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    for n in range(1, MAX_TRIES + 1):
        target = folder / numbered(base, n)
        if target.exists() or target.is_symlink():
            continue
        try:
            fd = os.open(note_path(target), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        try:
            os.write(fd, data)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            note_path(target).unlink(missing_ok=True)
            raise
        os.close(fd)
        fsync_dir(folder)
        return target
    raise FileExistsError(f"no free name for {base} in {folder}")


def unreserve(target: Path) -> None:
    """Give back a place whose file could not be moved there."""
    note_path(target).unlink(missing_ok=True)


def quarantine_file(src: Path, folder: Path, name: str, note: QuarantineNote) -> Path:
    """Move ``src`` into ``folder`` under ``name`` (or a numbered variant) with its note;
    return where it went. If the move fails the note is removed and the error raised."""
    target = reserve(folder, name, note)
    try:
        move_durably(src, target)
    except BaseException:
        unreserve(target)
        raise
    return target
