"""One worker: claim a file from the store's queue, read it, save its pages, finish.

Runs inside a worker process (:mod:`.pool`) or, with ``workers=0``, in the watcher's own process.
Every end of a claimed item is one of:

- **saved** (``save_result`` then ``complete``): one document per page read as a form; blank,
  unclassified, unregistered and failed pages recorded with their status and reason;
- **quarantined** (the file cannot be read, its worker process died ``max_crashes`` times on
  it, its archived copy is missing, or its form folder names no form): ``quarantine`` in the
  store, then the file moved beside its ``.error.json``;
- **handed back** (``fail(retry=True)``): the worker is stopping, or a passing fault (database
  unreachable, disk full) — the item goes back in the queue as it was.

``save_result`` is idempotent per source file and a file already saved is completed without
being read again, so a worker killed at any moment leaves nothing twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import BadArgumentsError, InputUnreadableError, ModelMissingError, RefusalCode
from ..ingest import PopplerMissingError
from ..store import (
    LeaseLostError,
    SourceFile,
    SourceState,
    Store,
    StoreUnavailableError,
    WorkItem,
    WorkQueueStore,
)
from .codes import HandBackCode, QuarantineCode
from .files import move_durably
from .layout import form_hint
from .lease import Heartbeat, StopRequestedError, WorkerOptions, crashes_of
from .outcome import FileOutcome
from .paths import WatchPaths
from .processor import FileProcessor, ProcessedFile, ReaderSwitch
from .quarantine import QuarantineNote, note_path, quarantine_file, unreserve

log = logging.getLogger(__name__)

Report = Callable[[FileOutcome], None]
TRANSIENT_BACKOFF = (2.0, 60.0)
"""Seconds a worker waits after a passing fault: first, and at most (doubling between)."""


class Worker:
    """Claims and processes items of every tenant. ``stop()`` is polled between pages."""

    def __init__(
        self,
        store: Store,
        paths: WatchPaths,
        processor: FileProcessor,
        worker_id: str,
        *,
        report: Report,
        stop: Callable[[], bool],
        options: WorkerOptions | None = None,
    ) -> None:
        self.store = store
        self.paths = paths
        self.processor = processor
        self.worker_id = worker_id
        self.report = report
        self.stop = stop
        self.options = options or WorkerOptions()
        self._backoff = 0.0
        self._resume_at = 0.0

    def step(self) -> bool:
        """Claim and finish one item; False when there was none (or the worker must wait)."""
        if self.stop() or time.monotonic() < self._resume_at:
            return False
        item = self.store.claim_next(self.worker_id, self.options.lease_seconds)
        if item is None:
            return False
        self.handle(item)
        return True

    def handle(self, item: WorkItem) -> None:
        town = self.store.for_tenant(item.tenant_id)
        started = time.monotonic()
        try:
            outcome = self._work(town, item, started)
        except StopRequestedError:
            self._hand_back(town, item, HandBackCode.HANDED_BACK)
            return
        except LeaseLostError:
            log.warning("work item %d was taken over by another worker; dropped", item.id)
            return
        except PopplerMissingError:
            self._hand_back(town, item, HandBackCode.POPPLER_MISSING)
            raise
        except (StoreUnavailableError, OSError) as exc:
            self._transient(town, item, exc)
            return
        except Exception as exc:
            log.exception("work item %d (source %d) failed", item.id, item.source_file_id)
            self._hand_back(town, item, HandBackCode.ERROR, crashed=True, detail=repr(exc)[:500])
            return
        self._backoff = 0.0
        if outcome is not None:
            self.report(outcome)

    def _transient(self, town: WorkQueueStore, item: WorkItem, exc: Exception) -> None:
        self._backoff = min(TRANSIENT_BACKOFF[1], max(TRANSIENT_BACKOFF[0], self._backoff * 2))
        self._resume_at = time.monotonic() + self._backoff
        log.warning(
            "work item %d (source %d): %s; handed back, this worker waits %.0f s",
            item.id,
            item.source_file_id,
            exc,
            self._backoff,
        )
        self._hand_back(town, item, HandBackCode.TRANSIENT)

    def _hand_back(
        self,
        town: WorkQueueStore,
        item: WorkItem,
        code: HandBackCode,
        *,
        crashed: bool = False,
        detail: str | None = None,
    ) -> None:
        """Put ``item`` back in the queue with ``code``; ``crashed`` counts one more crash."""
        error: dict[str, Any] = {"code": code, "crashes": crashes_of(item) + (1 if crashed else 0)}
        if detail is not None:
            error["detail"] = detail
        try:
            town.fail(item.id, self.worker_id, error, retry=True)
        except Exception as exc:  # the lease runs out and the item is claimed again
            log.warning(
                "work item %d could not be handed back (%s); its lease will run out", item.id, exc
            )

    def _work(self, town: WorkQueueStore, item: WorkItem, started: float) -> FileOutcome | None:
        source = town.get_source(item.source_file_id)
        if source.state is SourceState.DONE:  # saved by a worker that died before completing
            town.complete(item.id, self.worker_id)
            return self._saved_outcome(town, source, started)
        crashes = crashes_of(item)
        path = Path(source.stored_path) if source.stored_path else None
        if crashes >= self.options.max_crashes:
            detail = f"reading this file stopped {crashes} times (its worker died or failed)"
            return self._quarantine(town, source, QuarantineCode.CRASHED, detail, started)
        if path is None or not path.is_file():
            detail = f"the archived copy {path} is missing"
            return self._quarantine(town, source, QuarantineCode.MISSING_FILE, detail, started)
        return self._read(town, item, source, path, started)

    def _read(
        self, town: WorkQueueStore, item: WorkItem, source: SourceFile, path: Path, started: float
    ) -> FileOutcome:
        form_id = form_hint(source.name)
        self._select_reader(town)
        with Heartbeat(town, item.id, self.worker_id, self.options.lease_seconds) as beat:

            def check() -> None:
                if self.stop():
                    raise StopRequestedError
                if beat.lost.is_set():
                    raise LeaseLostError(item.id, self.worker_id)

            try:
                done = self.processor.process(path, form_id, check)
            except PopplerMissingError:
                raise
            except InputUnreadableError as exc:
                return self._quarantine(
                    town,
                    source,
                    QuarantineCode.UNREADABLE,
                    exc.reason,
                    started,
                    refusal=exc.code,
                    remedy=exc.remedy,
                )
            except BadArgumentsError as exc:
                if form_id is None:
                    raise
                return self._quarantine(
                    town, source, QuarantineCode.UNKNOWN_FORM, exc.message, started
                )
            if not done.pages:
                return self._quarantine(
                    town, source, QuarantineCode.UNREADABLE, "no pages", started
                )
            ids = town.save_result(source.id, done.pages, done.images)
        town.complete(item.id, self.worker_id)
        stored = self._back_to_archive(town, source, path)
        return self._outcome(town, source, done, documents=len(ids), started=started, stored=stored)

    def _select_reader(self, town: WorkQueueStore) -> None:
        """The municipality's active second reader model, looked up for every file (so that a
        switch takes effect without a restart). A model that is missing or altered is not
        used: the file is read with the packaged model (fields record which) and the log
        says why."""
        if not isinstance(self.processor, ReaderSwitch):
            return
        model_id = town.reader_model()
        try:
            self.processor.use_reader(town.tenant_id, model_id)
        except ModelMissingError as exc:
            log.error(
                "municipality %s: its second reader model %s cannot be used (%s); reading "
                "with the packaged model",
                town.tenant_id,
                model_id,
                exc,
            )
            self.processor.use_reader(town.tenant_id, None)

    def _back_to_archive(self, town: WorkQueueStore, source: SourceFile, path: Path) -> Path:
        """A quarantined file given another run (``requeue``) and now read goes back to the
        archive, its note removed."""
        if not path.is_relative_to(self.paths.quarantine):
            return path
        target = self.paths.archive_file(town.tenant_id, source.sha256, source.name)
        try:
            move_durably(path, target)
            town.archive(source.id, str(target))
            unreserve(path)
        except (OSError, StoreUnavailableError) as exc:
            log.warning("source %d was read; %s stays in the quarantine: %s", source.id, path, exc)
            return path
        return target

    def _outcome(
        self,
        town: WorkQueueStore,
        source: SourceFile,
        done: ProcessedFile,
        *,
        documents: int,
        started: float,
        stored: Path,
    ) -> FileOutcome:
        return FileOutcome.read(
            town.tenant_id,
            source.name,
            started=started,
            source_id=source.id,
            documents=documents,
            pages=[(p.page, p.status.value) for p in done.pages],
            fields_to_review=sum(len(p.needs_review) for p in done.pages),
            path=str(stored),
        )

    def _saved_outcome(
        self, town: WorkQueueStore, source: SourceFile, started: float
    ) -> FileOutcome:
        pages = town.source_pages(source.id)
        doc_ids = sorted({p.document_id for p in pages if p.document_id is not None})
        return FileOutcome.read(
            town.tenant_id,
            source.name,
            started=started,
            source_id=source.id,
            documents=len(doc_ids),
            pages=[(p.page_no, p.status) for p in pages],
            fields_to_review=sum(town.get_document(d).open_fields for d in doc_ids),
            path=source.stored_path,
        )

    def _quarantine(
        self,
        town: WorkQueueStore,
        source: SourceFile,
        code: QuarantineCode,
        detail: str,
        started: float,
        *,
        refusal: RefusalCode | None = None,
        remedy: str = "",
    ) -> FileOutcome:
        """Quarantine a claimed file: recorded in the store first, then moved (its note is
        written even when the file is gone, so that the clerk sees what happened)."""
        note = QuarantineNote.make(
            file=source.name,
            tenant=town.tenant_id,
            code=code,
            detail=detail,
            refusal=refusal,
            remedy=remedy,
            sha256=source.sha256,
            source_file_id=source.id,
        )
        path = Path(source.stored_path) if source.stored_path else None
        has_file = path is not None and path.is_file()

        def record(place: Path) -> None:
            town.quarantine(source.id, note.to_dict(), str(place) if has_file else None)

        folder = self.paths.quarantine_folder(town.tenant_id)
        target = quarantine_file(path if has_file else None, folder, source.name, note, record)
        moved = path is not None and has_file and not path.exists()
        if moved and path is not None and path.is_relative_to(self.paths.quarantine):
            unreserve(path)  # set aside before, given another run, set aside again
        shown = target if has_file else note_path(target)
        return FileOutcome.quarantined(note, started=started, path=str(shown))
