"""How a watcher runs (:class:`WatchOptions`), what a run did (:class:`RunSummary`), and the
error that stops it (:class:`WatchFatalError`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import ExitCode, FormocrError
from ..settings import Settings
from .outcome import FileOutcome


class WatchFatalError(FormocrError):
    """The workers cannot work at all (their engine or a tool they need is missing)."""

    def __init__(self, message: str, remedy: str, exit_code: int) -> None:
        super().__init__(message, remedy)
        try:
            self.exit_code = ExitCode(exit_code)
        except ValueError:
            self.exit_code = ExitCode.UNEXPECTED


@dataclass(frozen=True)
class WatchOptions:
    """How the watcher runs. ``workers=0`` reads files in the watcher's own process (tests,
    debugging); ``once`` stops when everything that was in the inbox at the start is finished
    and the queue is empty; ``events=False`` relies on rescans alone."""

    workers: int = 2
    settle: float = 5.0
    rescan: float = 30.0
    once: bool = False
    lease: float = 120.0
    max_crashes: int = 3
    stop_timeout: float = 120.0
    tick: float = 0.2
    events: bool = True

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> WatchOptions:
        given = {k: v for k, v in overrides.items() if v is not None}
        base: dict[str, Any] = {
            "workers": settings.workers,
            "settle": settings.settle_seconds,
            "rescan": settings.rescan_seconds,
            "lease": settings.lease_seconds,
            "max_crashes": settings.max_crashes,
        }
        return cls(**{**base, **given})


@dataclass
class RunSummary:
    """What a run did: every file's outcome, in the order they were reported."""

    files: list[FileOutcome] = field(default_factory=list)

    @property
    def by_outcome(self) -> Counter[str]:
        return Counter(f.outcome.value for f in self.files)

    @property
    def documents(self) -> int:
        return sum(f.documents for f in self.files)
