"""What a corpus case is: the file's builder and the outcome expected of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .pages import Pages


class Outcome(StrEnum):
    """What ``formocr process FILE`` does with the file."""

    READ = "read"  # its pages come out, with the statuses the case lists
    REFUSED = "refused"  # the whole file is refused: exit code 3, one error line, page 0
    UNWRITABLE = "unwritable"  # the output cannot be written: exit code 7


class Fault(StrEnum):
    """Something the test does around the run, because the case is about timing or the
    machine rather than the file's bytes."""

    GROWING = "growing"  # the file is still being written when it is looked at
    VANISH = "vanish"  # the file is deleted after it was queued, before it is read
    DISK_FULL = "disk_full"  # every write of the output fails with ENOSPC


@dataclass(frozen=True)
class Target:
    """Where a builder writes: ``path`` is the case's file; ``aside`` is a folder outside the
    corpus folder for files the case only points at (a symbolic link's target)."""

    path: Path
    aside: Path
    pages: Pages


Builder = Callable[[Target], None]


@dataclass(frozen=True)
class Case:
    """One kind of bad input.

    ``kind`` is the short English name (the README's first column) and ``description`` says
    what the file is and where a real installation meets it. ``name`` is the file's name in
    the corpus folder (a name that is not valid UTF-8 is held with surrogate escapes, as
    ``os.fsdecode`` gives it). ``message`` is a fragment of the refusal reason, or of the page
    reasons of a read case whose pages are not ``ok``: of its ``error`` pages if it has any
    (one page of the file could not be read), else of all of them (what the clerk is told is
    in the README's "Bad input" table). ``pages`` are the statuses of a read file's pages in order
    (for a file whose output fails too), and ``form`` the form expected on its ``ok`` pages.
    """

    id: str
    kind: str
    description: str
    name: str
    build: Builder
    outcome: Outcome
    message: str = ""
    pages: tuple[str, ...] = ()
    form: str | None = None
    fault: Fault | None = None
    complete: Builder | None = None
    """For a ``GROWING`` case: the builder of the finished file, of which ``build`` writes
    the beginning (the watcher test writes the rest while the watcher looks)."""

    def path(self, folder: Path) -> Path:
        """Where this case's file is in ``folder``."""
        return folder / self.name
