"""What became of one file: the event the watcher reports once per file it finishes with.

Sinks (the CLI's stderr line, ``--json`` on stdout, a test collecting them) receive
:class:`FileOutcome` objects; :meth:`FileOutcome.line` is the one log line per file. Each
outcome has one constructor (:meth:`FileOutcome.read`, :meth:`~FileOutcome.quarantined`,
:meth:`~FileOutcome.duplicate`, :meth:`~FileOutcome.vanished`), which takes the monotonic
clock reading of when the file's handling started.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..results import PageStatus
from .codes import QuarantineCode

if TYPE_CHECKING:
    from .quarantine import QuarantineNote


class Outcome(StrEnum):
    """``documents``: read and saved (``documents`` may be 0 when no page was a known form);
    ``quarantined``: moved to the quarantine folder with its ``.error.json``; ``duplicate``:
    the same bytes were taken before, this copy archived and not read again; ``vanished``: the
    file was recorded but disappeared before it could be archived."""

    DOCUMENTS = "documents"
    QUARANTINED = "quarantined"
    DUPLICATE = "duplicate"
    VANISHED = "vanished"


@dataclass(frozen=True)
class FileOutcome:
    """One file, finished. ``name`` is its path inside the tenant's inbox folder (``scan.pdf``
    or ``water_service/scan.pdf``); ``path`` is where the file is now (archive or quarantine);
    ``source_id`` is its source file in the store (``None`` for a file refused before it was
    recorded, e.g. a symbolic link); ``pages`` counts its pages by status, and ``error_pages``
    are the numbers (1-based) of its pages with status ``error`` — a damaged page of a file
    whose other pages were read, to be scanned again; ``code`` and ``reason`` say why a file
    was quarantined (``code`` as in ``.error.json``)."""

    tenant: str
    name: str
    outcome: Outcome
    seconds: float
    source_id: int | None = None
    documents: int = 0
    pages: dict[str, int] = field(default_factory=dict)
    error_pages: list[int] = field(default_factory=list)
    fields_to_review: int = 0
    code: QuarantineCode | None = None
    reason: str | None = None
    path: str | None = None
    duplicate_of: int | None = None

    @classmethod
    def read(
        cls,
        tenant: str,
        name: str,
        *,
        started: float,
        source_id: int,
        documents: int,
        pages: Iterable[tuple[int, str]],
        fields_to_review: int,
        path: str | None,
    ) -> FileOutcome:
        """A file read and saved; ``pages`` are its pages' (number, status)."""
        pages = list(pages)
        counts: dict[str, int] = {}
        for _, status in pages:
            counts[str(status)] = counts.get(str(status), 0) + 1
        return cls(
            tenant=tenant,
            name=name,
            outcome=Outcome.DOCUMENTS,
            seconds=time.monotonic() - started,
            source_id=source_id,
            documents=documents,
            pages=counts,
            error_pages=[n for n, status in pages if status == PageStatus.ERROR],
            fields_to_review=fields_to_review,
            path=path,
        )

    @classmethod
    def quarantined(
        cls,
        note: QuarantineNote,
        *,
        started: float,
        path: str,
        duplicate_of: int | None = None,
    ) -> FileOutcome:
        """A file set aside with ``note`` (its code, English detail, file, tenant, source);
        ``path`` is where it (or, without a file, its note) now is."""
        return cls._noted(Outcome.QUARANTINED, note, started, path, duplicate_of)

    @classmethod
    def duplicate(
        cls, tenant: str, name: str, *, started: float, first: int, reason: str, path: str
    ) -> FileOutcome:
        """A copy of bytes taken before (source ``first``), archived and not read again."""
        return cls(
            tenant=tenant,
            name=name,
            outcome=Outcome.DUPLICATE,
            seconds=time.monotonic() - started,
            source_id=first,
            reason=reason,
            path=path,
            duplicate_of=first,
        )

    @classmethod
    def vanished(cls, note: QuarantineNote, *, started: float) -> FileOutcome:
        """A file recorded but gone before it was archived; ``note`` is what was recorded."""
        return cls._noted(Outcome.VANISHED, note, started)

    @classmethod
    def _noted(
        cls,
        outcome: Outcome,
        note: QuarantineNote,
        started: float,
        path: str | None = None,
        duplicate_of: int | None = None,
    ) -> FileOutcome:
        return cls(
            tenant=note.tenant,
            name=note.file,
            outcome=outcome,
            seconds=time.monotonic() - started,
            source_id=note.source_file_id,
            code=note.code,
            reason=note.detail,
            path=path,
            duplicate_of=duplicate_of,
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["outcome"] = self.outcome.value
        out["seconds"] = round(self.seconds, 3)
        return out

    def line(self) -> str:
        """``tenant=… file="…" outcome=… … seconds=…``: one line, English, key=value."""
        parts = [f"tenant={self.tenant}", f"file={_quote(self.name)}", f"outcome={self.outcome}"]
        if self.outcome is Outcome.DOCUMENTS:
            pages = " ".join(f"{k}:{n}" for k, n in sorted(self.pages.items()))
            parts += [
                f"documents={self.documents}",
                f"pages={_quote(pages)}",
                f"review_fields={self.fields_to_review}",
            ]
            if self.error_pages:
                parts.append(f"error_pages={_quote(','.join(map(str, self.error_pages)))}")
        if self.duplicate_of is not None:
            parts.append(f"duplicate_of={self.duplicate_of}")
        if self.code is not None:
            parts.append(f"code={self.code}")
        if self.reason is not None:
            parts.append(f"reason={_quote(self.reason)}")
        if self.source_id is not None:
            parts.append(f"source={self.source_id}")
        if self.path is not None:
            parts.append(f"to={_quote(self.path)}")
        parts.append(f"seconds={self.seconds:.2f}")
        return " ".join(parts)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
