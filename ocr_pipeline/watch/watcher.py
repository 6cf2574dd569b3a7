"""The watcher: one loop that finds settled files in the inbox, takes them, and keeps the worker
pool busy, reporting one :class:`~.outcome.FileOutcome` per file.

::

    watcher = Watcher(settings, WatchOptions.from_settings(settings, once=True))
    summary = watcher.run()                    # --once: until the inbox and the queue are empty

    stop = threading.Event()                   # or run it in a thread and stop it
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start(); watcher.ready.wait(); ...; watcher.wait_idle(60); stop.set(); thread.join()

The loop never dies on a file: a file that cannot be taken now is tried again later (with a
growing pause); a worker process that dies is replaced and its file handed back (and
quarantined after ``max_crashes`` deaths). It stops when ``stop`` is set (the CLI sets it on
SIGTERM/SIGINT): workers finish their page, hand their file back and exit. It raises
:class:`WatchFatalError` when the workers cannot work at all (an engine that does not load,
poppler missing) and :class:`~ocr_pipeline.store.StoreUnavailableError` when the store cannot be
opened at the start.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from form_schemas.registry import FormRegistry

from ..ingest import PopplerMissingError
from ..settings import Settings
from ..store import Store, StoreUnavailableError
from .dispatch import Dispatcher, FolderLock, Shares
from .events import ALL, InboxEvents
from .formset import Signature, forms_signature, reload_forms
from .identity import held_by_dead_local_worker
from .intake import Intake, NotSettledError
from .layout import InboxEntry, tenant_folders
from .layout import scan_tenant as list_tenant
from .lease import WorkerOptions
from .options import RunSummary, WatchFatalError, WatchOptions
from .outcome import FileOutcome
from .paths import WatchPaths
from .pool import Message, WorkerConfig, WorkerPool, parent_log_levels
from .processor import ProcessorFactory, pipeline_processor
from .recover import (
    finish_quarantine_moves,
    finish_received,
    release_items,
    remove_stray_notes,
)
from .settle import SettleTracker, signature
from .single import only_watcher
from .status import backlog
from .worker import Worker

log = logging.getLogger(__name__)

MAX_RETRY_PAUSE = 600.0
ONCE_GIVE_UP = 3
"""With ``once``, an entry that failed this many times is left in the inbox (with a warning)."""


class Watcher:
    """See the module docstring. ``report`` receives every file's outcome (in the watcher's
    thread); ``processor_factory`` makes each worker's :class:`~.processor.FileProcessor`
    (a picklable module-level function when ``workers`` > 0). With a ``dispatcher`` the
    watcher starts no workers: the dispatcher hands the queued files to readers elsewhere
    (``task_backend = celery``). ``lock`` is held for the whole run (default: the file lock
    ``ARCHIVE/.watch.lock``). With ``shares`` the watcher takes (and puts right after a crash)
    only the files of the municipalities its share names at the moment."""

    def __init__(
        self,
        settings: Settings,
        options: WatchOptions | None = None,
        *,
        report: Callable[[FileOutcome], None] | None = None,
        processor_factory: ProcessorFactory = pipeline_processor,
        paths: WatchPaths | None = None,
        dispatcher: Dispatcher | None = None,
        lock: FolderLock = only_watcher,
        shares: Shares | None = None,
    ) -> None:
        self.settings = settings
        self.options = options or WatchOptions.from_settings(settings)
        self.paths = paths or WatchPaths.from_settings(settings)
        self.summary = RunSummary()
        self.ready = threading.Event()
        """Set once the first scan is done and every worker has loaded its engine."""
        self._sink = report
        self._factory = processor_factory
        self._dispatcher = dispatcher
        self._lock = lock
        self._shares = shares
        self._owned: frozenset[str] | None = None if shares is None else frozenset()
        """The municipalities taken now (``None``: every one)."""
        self._first_share = True
        self._idle = threading.Event()
        self._scan_request = threading.Event()
        self._tracker = SettleTracker(self.options.settle)
        self._entries: dict[Path, InboxEntry] = {}
        self._failures: dict[Path, int] = {}
        self._given_up: set[Path] = set()
        self._warned: set[str] = set()
        self._next_rescan = 0.0
        self._forms_seen: Signature = ()
        self._next_backlog = 0.0
        self._backlog = 0
        self._idle_wanted = False
        self._inline_busy = False

    # -- public --------------------------------------------------------------------------

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until a full inbox scan started after this call found nothing to take and the
        queue is empty (nothing queued or running, all tenants). False on timeout."""
        self._idle_wanted = True
        self._scan_request.set()
        self._idle.clear()
        return self._idle.wait(timeout)

    def run(self, stop: threading.Event | None = None) -> RunSummary:
        """Watch until ``stop`` is set (or, with ``once``, until done); the summary."""
        stop = stop or threading.Event()
        self.paths.create()
        with self._lock(self.paths.archive):
            store = Store.from_settings(self.settings)
            try:
                self._run(store, stop)
            finally:
                store.close()
        return self.summary

    # -- the loop ------------------------------------------------------------------------

    def _run(self, store: Store, stop: threading.Event) -> None:
        self._forms_seen = forms_signature(self.settings.form_dirs)
        forms = list(FormRegistry.from_dirs(self.settings.form_dirs).ids)
        intake = Intake(store, self.paths, forms, self._report)
        self._recover_at_start(store)
        pool, inline = self._start_workers(store, stop)
        events = InboxEvents(self.paths.inbox)
        if self.options.events and not self.options.once:
            events.start()
        run = _Run(store, intake, forms, events, pool, inline, stop)
        try:
            self._follow_share(run)
            self._scan(forms, None)
            self._next_rescan = time.monotonic() + self.options.rescan
            while not stop.is_set():
                if pool is not None:
                    self._handle(pool.receive(self.options.tick))
                elif not self._inline_busy:
                    stop.wait(self.options.tick)
                try:
                    done = self._tick(run)
                except StoreUnavailableError as exc:
                    self._warn_once("store", f"store unavailable, retrying: {exc}")
                    stop.wait(2.0)
                    continue
                except PopplerMissingError:
                    raise  # an installation problem: every PDF would fail
                except Exception:
                    log.exception("the watcher's loop failed (a bug); going on")
                    stop.wait(1.0)
                    continue
                self._warned.discard("store")
                if done:
                    break
        finally:
            events.stop()
            if pool is not None:
                for dead in pool.stop(self.options.stop_timeout):
                    release_items(store, _held_by(dead.worker_id), crashed=False)
                self._handle(pool.leftover(), fatal_ok=True)

    def _recover_at_start(self, store: Store) -> None:
        if self._dispatcher is None:  # else the readers' own recovery counts their crashes
            release_items(store, held_by_dead_local_worker, crashed=False)
        if self._shares is None:  # else each municipality's when it is taken (_follow_share)
            self._recover(store, None)

    def _recover(self, store: Store, only: Collection[str] | None, *, notes: bool = True) -> None:
        """What a crash left put right (of the municipalities ``only`` names, when given);
        stray quarantine notes only with ``notes``."""
        finish_quarantine_moves(store, self.paths, only=only)
        if notes:
            remove_stray_notes(store, self.paths, only=only)
        finish_received(store, self.paths, self._report, only=only)

    def _follow_share(self, run: _Run) -> None:
        """With shares: the municipalities taken from now on. Files of those let go of are
        forgotten (another intake takes them); those newly taken are put right after a crash
        (their former intake may have died) and scanned."""
        if self._shares is None:
            return
        owned = self._shares.refresh(lambda: self._known_tenants(run.store))
        before = self._owned or frozenset()
        self._owned = owned
        lost, gained = before - owned, owned - before
        if lost or gained:
            run.events.follow(owned)
        if lost:
            for path, entry in list(self._entries.items()):
                if entry.tenant in lost:
                    self._tracker.forget(path)
                    del self._entries[path]
            log.info("no longer taking the files of %s", ", ".join(sorted(lost)))
        if gained:
            log.info("taking the files of %s", ", ".join(sorted(gained)))
            # Stray notes as a leader removes them: when it starts, not while it runs (a
            # worker's note is briefly alone while it quarantines a file).
            self._recover(run.store, gained, notes=self._first_share)
            self._first_share = False
            self._scan(run.forms, set(gained))

    def _known_tenants(self, store: Store) -> set[str]:
        """Every municipality known: a folder in the inbox or a tenant in the store."""
        folders, _ = tenant_folders(self.paths.inbox)
        return {tenant for tenant, _ in folders} | set(store.tenants())

    def _owns(self, tenant: str) -> bool:
        return self._owned is None or tenant in self._owned

    def _start_workers(
        self, store: Store, stop: threading.Event
    ) -> tuple[WorkerPool | None, Worker | None]:
        worker_options = WorkerOptions(self.options.lease, self.options.max_crashes)
        if self._dispatcher is not None:
            return None, None
        if self.options.workers == 0:
            from .identity import new_worker_id

            worker = Worker(
                store,
                self.paths,
                self._factory(self.settings),
                new_worker_id(),
                report=self._report,
                stop=stop.is_set,
                options=worker_options,
            )
            return None, worker
        levels = parent_log_levels()

        def config(token: str) -> WorkerConfig:
            return WorkerConfig(
                settings=worker_settings(self.settings, self.options.workers),
                paths=self.paths,
                processor_factory=self._factory,
                options=worker_options,
                token=token,
                parent_pid=os.getpid(),
                log_levels=levels,
            )

        pool = WorkerPool(config, self.options.workers)
        pool.start()
        return pool, None

    def _tick(self, run: _Run) -> bool:
        """One round; True when a ``once`` run is finished."""
        store, forms, pool = run.store, run.forms, run.pool
        now = time.monotonic()
        requested = self._scan_request.is_set()
        if requested:
            self._scan_request.clear()
        if requested or (not self.options.once and now >= self._next_rescan):
            self._rescan(run)
            self._next_rescan = now + self.options.rescan
        else:
            changed = run.events.take()
            if changed:
                self._scan(forms, None if ALL in changed else changed)
        self._follow_share(run)
        self._take_settled(run)
        if pool is not None:
            for dead in pool.reap():
                if dead.recycled:
                    log.info("worker %s stopped to load the changed forms", dead.worker_id)
                else:
                    self._warn(f"worker {dead.worker_id} died (exit code {dead.exitcode})")
                release_items(store, _held_by(dead.worker_id), crashed=not dead.recycled)
            if not self.ready.is_set() and pool.ready >= self.options.workers:
                self.ready.set()
        elif run.inline is not None:
            self._inline_busy = run.inline.step()
            self.ready.set()
        elif self._dispatcher is not None:
            self._dispatcher.tick(store)
            self.ready.set()
        return self._check_idle(store, requested)

    def _rescan(self, run: _Run) -> None:
        """The full round: forms followed, the whole inbox scanned, and (unless ``once``)
        what a crash left put right."""
        self._follow_forms(run)
        if self._owned is not None:
            run.events.follow(self._owned)  # a folder made since is watched from now on
        self._scan(run.forms, None)
        if not self.options.once:
            if self._dispatcher is None:  # else the readers' own recovery counts the crashes
                release_items(run.store, held_by_dead_local_worker, crashed=False)
            finish_received(run.store, self.paths, self._report, only=self._owned)

    def _follow_forms(self, run: _Run) -> None:
        """When a form was added, removed or edited since the last look: take files in the
        folders of the forms now installed, and restart the workers with them."""
        now = forms_signature(self.settings.form_dirs)
        if now == self._forms_seen:
            return
        self._forms_seen = now
        ids = reload_forms(self.settings.form_dirs)
        if ids is None:
            return
        run.forms[:] = ids  # the same list as the intake's
        log.info("the forms changed (now: %s); restarting the workers", ", ".join(sorted(ids)))
        if run.pool is not None:
            run.pool.recycle()
        elif run.inline is not None:
            run.inline.processor = self._factory(self.settings)

    def _check_idle(self, store: Store, scanned: bool) -> bool:
        if not (self.options.once or self._idle_wanted):
            return False
        nothing_to_take = len(self._tracker) == 0
        now = time.monotonic()
        if not nothing_to_take:
            # A file is being taken: the queue count is stale from the moment it is queued.
            self._next_backlog = 0.0
        if nothing_to_take and (scanned or now >= self._next_backlog):
            self._backlog = backlog(store)
            self._next_backlog = now + 0.5
        idle = nothing_to_take and self._backlog == 0
        if idle and not self._scan_request.is_set():
            self._idle.set()
        elif not idle:
            self._idle.clear()
        return self.options.once and idle

    def _scan(self, forms: list[str], tenants: set[str] | None) -> None:
        folders, ignored = tenant_folders(self.paths.inbox)
        for item in ignored:
            self._warn_once(str(item.path), f"{item.path}: {item.why}")
        for tenant, folder in folders:
            if (tenants is not None and tenant not in tenants) or not self._owns(tenant):
                continue
            for entry in list_tenant(folder, tenant, forms):
                if entry.path in self._given_up or entry.path in self._tracker:
                    continue
                self._entries[entry.path] = entry
                self._tracker.see(entry.path, signature(entry.path, entry.is_dir))

    def _take_settled(self, run: _Run) -> None:
        intake, stop = run.intake, run.stop
        for path in self._tracker.due():
            if stop.is_set():
                return
            self._follow_share(run)  # a long round of files: the share is checked meanwhile
            entry = self._entries.get(path)
            if entry is None or not self._owns(entry.tenant):
                self._tracker.forget(path)
                self._entries.pop(path, None)
                continue
            if not self._tracker.check(path, signature(path, entry.is_dir)):
                if path not in self._tracker:
                    self._entries.pop(path, None)
                continue
            try:
                outcome = intake.take(entry)
            except NotSettledError:
                self._tracker.postpone(path, self.options.settle)
                continue
            except Exception as exc:
                self._failed(path, entry, exc)
                continue
            self._tracker.forget(path)
            self._entries.pop(path, None)
            self._failures.pop(path, None)
            if outcome is not None:
                self._report(outcome)

    def _failed(self, path: Path, entry: InboxEntry, exc: Exception) -> None:
        n = self._failures.get(path, 0) + 1
        self._failures[path] = n
        if self.options.once and n >= ONCE_GIVE_UP:
            self._warn(f"{entry.tenant}/{entry.name}: left in the inbox after {n} tries: {exc}")
            self._tracker.forget(path)
            self._entries.pop(path, None)
            self._given_up.add(path)
            return
        pause = min(MAX_RETRY_PAUSE, max(1.0, self.options.settle) * 2 ** min(n, 10))
        if isinstance(exc, OSError | StoreUnavailableError):
            self._warn(
                f"{entry.tenant}/{entry.name}: cannot be taken now ({exc}); "
                f"trying again in {pause:.0f} s"
            )
        else:
            log.exception(
                "%s/%s: taking it failed; trying again in %.0f s", entry.tenant, entry.name, pause
            )
        self._tracker.postpone(path, pause)

    # -- reports -------------------------------------------------------------------------

    def _handle(self, messages: list[Message], fatal_ok: bool = False) -> None:
        for message in messages:
            kind = message[0]
            if kind == "outcome":
                self._report(message[1])
            elif kind == "log":
                _, level, name, text = message
                logging.getLogger(name).log(level, "%s", text)
            elif kind == "fatal" and not fatal_ok:
                _, worker_id, text, remedy, code = message
                raise WatchFatalError(f"worker {worker_id}: {text}", remedy, code)

    def _report(self, outcome: FileOutcome) -> None:
        self.summary.files.append(outcome)
        if self._sink is None:
            log.info("%s", outcome.line())
            return
        try:
            self._sink(outcome)
        except Exception:
            log.exception("the outcome report failed")

    def _warn(self, text: str) -> None:
        log.warning("%s", text)

    def _warn_once(self, key: str, text: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning("%s", text)


@dataclass(frozen=True)
class _Run:
    """What one run of the loop works with."""

    store: Store
    intake: Intake
    forms: list[str]
    events: InboxEvents
    pool: WorkerPool | None
    inline: Worker | None
    stop: threading.Event


def _held_by(worker_id: str) -> Callable[[str | None], bool]:
    return lambda held: held == worker_id


def worker_settings(settings: Settings, workers: int) -> Settings:
    """The settings a worker process runs with: unless ``threads`` was set, the cores are
    shared among the workers (two workers with one thread each read more pages a minute than
    two with two threads fighting over two cores; see bench/README.md)."""
    if "threads" in settings.model_fields_set or workers < 1:
        return settings
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return settings.model_copy(update={"threads": max(1, (cores or 1) // workers)})
