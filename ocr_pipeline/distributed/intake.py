"""The intake role (``formocr watch`` with ``task_backend = celery``): the watcher without
worker processes, its queued files sent to ``formocr worker`` processes through the broker.

On PostgreSQL, with ``intake_split = store`` (the default), only the intake holding the
store's advisory lock (:mod:`.leader`) watches; the others wait as standby, trying every
``CHECK_SECONDS``, and one takes over when the leader's database session ends. With
``intake_split = tenant`` every intake watches, each the municipalities of its share
(:mod:`.shares`), and sends the messages of their files only. An intake whose session fails
stops its watcher (files being taken stay where the watcher's crash recovery finds them) and
becomes standby again (or joins again). On SQLite the watcher's file lock applies: a second
intake stops at once, as in the local mode.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..settings import Settings
from ..store import database_url
from ..watch import FileOutcome, RunSummary, Watcher, WatchOptions
from ..watch.dispatch import FolderLock
from ..watch.single import only_watcher
from .leader import CHECK_SECONDS, GRACE_SECONDS, PgLeadership, is_postgres
from .sender import CeleryDispatcher
from .shares import PgShares

log = logging.getLogger(__name__)


@contextmanager
def _no_file_lock(_archive: Path) -> Iterator[None]:
    yield  # the database lock is held instead (the archive may be on a network share)


class IntakeRunner:
    """Runs the intake until ``stop``; ``ready`` is set while it leads and has scanned once,
    ``standby`` while it waits for another intake to go. ``on_state`` hears ``"standby"``,
    ``"leading"`` (``"sharing"`` with ``intake_split = tenant``) and ``"stepped down"``.
    ``shares`` is the share of this intake while it runs (``intake_split = tenant``)."""

    def __init__(
        self,
        settings: Settings,
        options: WatchOptions,
        *,
        report: Callable[[FileOutcome], None] | None = None,
        on_state: Callable[[str], None] | None = None,
        dispatcher_factory: Callable[[Settings], CeleryDispatcher] = CeleryDispatcher,
    ) -> None:
        self.settings = settings
        self.options = options
        self.report = report
        self.on_state = on_state or (lambda _s: None)
        self.dispatcher_factory = dispatcher_factory
        self.summary = RunSummary()
        self.ready = threading.Event()
        self.standby = threading.Event()
        self.watcher: Watcher | None = None
        self.shares: PgShares | None = None

    def run(self, stop: threading.Event) -> RunSummary:
        url = database_url(self.settings)
        if not is_postgres(url):
            self._watch(stop, lock=None)
            return self.summary
        lead: PgLeadership | PgShares
        if self.settings.intake_split == "tenant":
            lead = self.shares = PgShares(url)
        else:
            lead = PgLeadership(url)
        try:
            while not stop.is_set():
                if not self._acquire(lead, stop):
                    break
                lost = self._lead(lead, stop)
                if not lost or self.options.once:
                    break
                self.on_state("stepped down")
        finally:
            lead.close()
        return self.summary

    def _acquire(self, lead: PgLeadership | PgShares, stop: threading.Event) -> bool:
        announced = False
        while not stop.is_set():
            try:
                if lead.try_acquire():
                    self.standby.clear()
                    return not stop.wait(GRACE_SECONDS)
            except Exception as exc:
                log.warning("cannot reach the database for the intake lock: %s", exc)
            if not announced:
                self.standby.set()
                self.on_state("standby")
                announced = True
            stop.wait(CHECK_SECONDS)
        return False

    def _lead(self, lead: PgLeadership | PgShares, stop: threading.Event) -> bool:
        """Watch while the lock holds; True if it was lost (not stopped)."""
        self.on_state("sharing" if isinstance(lead, PgShares) else "leading")
        inner = threading.Event()
        lost = threading.Event()

        def guard() -> None:
            while not inner.is_set():
                if stop.wait(CHECK_SECONDS):
                    break
                if not lead.still_leading():
                    lost.set()
                    break
            inner.set()

        thread = threading.Thread(target=guard, name="intake-lock", daemon=True)
        thread.start()
        try:
            self._watch(inner, lock=_no_file_lock, shares=self.shares)
        finally:
            inner.set()
            thread.join()
            self.ready.clear()
            lead.release()
        return lost.is_set()

    def _watch(
        self, stop: threading.Event, lock: FolderLock | None, shares: PgShares | None = None
    ) -> None:
        dispatcher = self.dispatcher_factory(self.settings)
        if shares is not None:
            dispatcher.only = shares.active
        watcher = Watcher(
            self.settings,
            self.options,
            report=self.report,
            dispatcher=dispatcher,
            lock=lock or only_watcher,
            shares=shares,
        )
        self.watcher = watcher
        relay = threading.Thread(target=self._relay_ready, args=(watcher, stop), daemon=True)
        relay.start()
        try:
            watcher.run(stop)
        finally:
            self.summary.files.extend(watcher.summary.files)

    def _relay_ready(self, watcher: Watcher, stop: threading.Event) -> None:
        while not stop.is_set():
            if watcher.ready.wait(0.2):
                self.ready.set()
                return
