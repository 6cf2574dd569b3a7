"""What a ``formocr worker`` process does with one message: read work item N of tenant T.

The store decides, the message only points: the item is claimed with the store's lease (the
same :class:`~ocr_pipeline.watch.worker.Worker` as the local mode reads it, saves its pages
idempotently and completes it), and a message for an item that is done, failed, quarantined
or held under a live lease by another worker is a no-op. An item held by a process of this
machine that no longer runs (a worker process killed; its message comes back through
``reject_on_worker_lost``) is taken over at once, its crash count one higher, as the local
watcher does.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from enum import StrEnum

from ..settings import Settings
from ..store import LeaseLostError, NotFoundError, Store, WorkState
from ..watch import FileOutcome, WatchPaths
from ..watch.codes import HandBackCode
from ..watch.identity import held_by_dead_local_worker, new_worker_id
from ..watch.lease import WorkerOptions, crashes_of
from ..watch.processor import ProcessorFactory, pipeline_processor
from ..watch.worker import Worker

log = logging.getLogger(__name__)


class ReadResult(StrEnum):
    READ = "read"
    """The item ended here: saved, or quarantined."""
    SKIPPED = "skipped"
    """Nothing to do: done or failed already, held by another worker, or unknown."""
    HANDED_BACK = "handed_back"
    """Back in the store's queue (a passing fault): the message is to be retried."""


def load_factory(spec: str | None) -> ProcessorFactory:
    """The processor factory ``module:function`` names (default: the OCR pipeline)."""
    if not spec:
        return pipeline_processor
    module, _, name = spec.partition(":")
    if not module or not name:
        from ..errors import BadArgumentsError

        raise BadArgumentsError(
            f"bad processor {spec!r}", "give it as MODULE:FUNCTION, e.g. mypkg.readers:make"
        )
    factory: ProcessorFactory = getattr(importlib.import_module(module), name)
    return factory


@dataclass
class ItemReader:
    """One per worker process: its store connection, its engine (loaded once) and id."""

    store: Store
    worker: Worker

    @classmethod
    def create(cls, settings: Settings, factory: ProcessorFactory) -> ItemReader:
        store = Store.from_settings(settings)
        worker = Worker(
            store,
            WatchPaths.from_settings(settings),
            factory(settings),
            new_worker_id(),
            report=_log_outcome,
            stop=lambda: False,  # a warm shutdown lets the file finish
            options=WorkerOptions(settings.lease_seconds, settings.max_crashes),
        )
        return cls(store, worker)

    @property
    def worker_id(self) -> str:
        return self.worker.worker_id

    def read(self, tenant: str, item_id: int) -> ReadResult:
        """Claim and read item ``item_id`` of ``tenant`` if it still needs reading.
        Raises :class:`~ocr_pipeline.store.StoreUnavailableError` (to be retried)."""
        town = self.store.for_tenant(tenant)
        lease = self.worker.options.lease_seconds
        item = town.claim_item(item_id, self.worker_id, lease)
        if item is None and self._take_over(tenant, item_id):
            item = town.claim_item(item_id, self.worker_id, lease)
        if item is None:
            log.debug("work item %d of %s: nothing to do", item_id, tenant)
            return ReadResult.SKIPPED
        return ReadResult.READ if self.worker.handle(item) else ReadResult.HANDED_BACK

    def _take_over(self, tenant: str, item_id: int) -> bool:
        """Hand back the item if a dead process of this machine holds it; True if it did."""
        town = self.store.for_tenant(tenant)
        try:
            item = town.get_work(item_id)
        except NotFoundError:
            return False
        if item.state is not WorkState.RUNNING or not held_by_dead_local_worker(item.worker_id):
            return False
        assert item.worker_id is not None
        error = {"code": HandBackCode.WORKER_DIED, "crashes": crashes_of(item) + 1}
        try:
            town.fail(item.id, item.worker_id, error, retry=True)
        except LeaseLostError:
            return False
        log.warning("work item %d of %s: its worker %s died; taken over", item_id, tenant,
                    item.worker_id)  # fmt: skip
        return True

    def close(self) -> None:
        self.store.close()


def _log_outcome(outcome: FileOutcome) -> None:
    log.info("%s", outcome.line())
