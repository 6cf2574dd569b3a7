"""Setting a file aside: ``QUARANTINE/<tenant>/<name>`` with ``<name>.error.json`` beside it.

The note is written first, under a name claimed with exclusive creation, so two workers
quarantining files of the same name never take the same place and nothing is overwritten
(``scan.pdf``, then ``scan (2).pdf``…). Then the store records it (for a file it knows), then
the file is moved there: :func:`quarantine_file` is the one routine for every file quarantined. The
note::

    {"file": "water_service/scan.pdf", "tenant": "012025", "sha256": "…" | null,
     "code": "unreadable", "reason": "ファイルが壊れているか、…", "detail": "<English>",
     "what_to_do": "スキャナーでもう一度…", "remedy": "<English>",
     "time": "2025-01-06T09:00:00+09:00", "source_file_id": 17 | null}
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..durable import fsync_dir
from ..errors import RefusalCode
from .codes import QuarantineCode
from .files import fit_name, move_durably, numbered
from .messages import explain

log = logging.getLogger(__name__)

NOTE_SUFFIX = ".error.json"
MAX_TRIES = 10_000


@dataclass(frozen=True)
class QuarantineNote:
    """The content of ``<name>.error.json``; see the module docstring."""

    file: str
    tenant: str
    sha256: str | None
    code: QuarantineCode
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
        code: QuarantineCode,
        detail: str,
        refusal: RefusalCode | None = None,
        remedy: str = "",
        sha256: str | None = None,
        source_file_id: int | None = None,
    ) -> QuarantineNote:
        """The note for ``file``, the clerk's words chosen by ``code`` (and, for a file the
        reader refused, its ``refusal``); ``detail`` and ``remedy`` are the English ones."""
        code = QuarantineCode(code)
        said = explain(code, refusal)
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


def quarantine_file(
    src: Path | None,
    folder: Path,
    name: str,
    note: QuarantineNote,
    record: Callable[[Path], None] | None = None,
) -> Path:
    """Quarantine a file, the one way every file is set aside: claim its place in ``folder``
    under ``name`` (or a numbered variant) by writing ``note`` there, ``record(place)`` (the
    store's quarantine, for a file the store knows), then move ``src`` there (``None``: no
    file is left, the note alone tells the clerk). Returns the place.

    A failed ``record`` gives the place back and raises. A failed move without ``record``
    does too (nothing was recorded: the file stays where it was); with ``record`` the store
    already points at the place, so an ``OSError`` is logged and the next start of the
    watcher moves the file (``recover.finish_quarantine_moves``)."""
    target = reserve(folder, name, note)
    try:
        if record is not None:
            record(target)
    except BaseException:
        unreserve(target)
        raise
    if src is None:
        return target
    try:
        move_durably(src, target)
    except OSError as exc:
        if record is None:
            unreserve(target)
            raise
        log.error(
            "source %s: cannot move %s to %s (%s); the next start of the watcher moves it",
            note.source_file_id,
            src,
            target,
            exc,
        )
    except BaseException:
        if record is None:
            unreserve(target)
        raise
    return target
