"""``formocr worker``: a Celery worker, in this process, reading files for every tenant.

Its prefork pool has ``concurrency`` processes, each with its own store connection and OCR
engine, loaded once when the process starts (:class:`~.reader.ItemReader`). It consumes the
default queue and one queue per tenant of the store, and looks for new tenants every
``TENANT_POLL`` seconds (a town added while the workers run is served without a restart).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from ..settings import Settings
from ..store import Store, StoreUnavailableError
from ..watch.identity import held_by_dead_local_worker
from ..watch.processor import ProcessorFactory
from ..watch.recover import release_items
from ..watch.watcher import worker_settings
from .app import DEFAULT_QUEUE, MAX_RETRIES, TASK_NAME, make_app, queue_name, retry_delay
from .reader import ItemReader, ReadResult

log = logging.getLogger(__name__)

TENANT_POLL = 5.0
_process: dict[str, Any] = {}
"""This process's configuration (set before the pool forks) and its reader (made after)."""


def _reader() -> ItemReader:
    reader = _process.get("reader")
    if reader is None or _process.get("pid") != os.getpid():
        reader = ItemReader.create(_process["settings"], _process["factory"])
        _process.update(reader=reader, pid=os.getpid())
    assert isinstance(reader, ItemReader)
    return reader


def read_task(task: Any, tenant: str, item_id: int) -> str:
    """The body of ``formocr.read``: read the item, retry with back-off after a passing
    fault (the item is back in the store's queue meanwhile)."""
    try:
        result = _reader().read(tenant, item_id)
    except StoreUnavailableError as exc:
        log.warning("work item %d of %s: store unavailable (%s); retrying", item_id, tenant, exc)
        raise task.retry(countdown=retry_delay(task.request.retries)) from exc
    if result is ReadResult.HANDED_BACK:
        raise task.retry(countdown=retry_delay(task.request.retries))
    return result.value


def register(app: Any) -> Any:
    """Register ``formocr.read`` and the tenant-queue step on ``app``; the task."""
    from celery import bootsteps
    from celery.signals import worker_process_init

    task = app.task(
        name=TASK_NAME,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        max_retries=MAX_RETRIES,
    )(read_task)

    class TenantQueues(bootsteps.StartStopStep):  # type: ignore[misc]
        requires = ("celery.worker.consumer.tasks:Tasks",)

        def __init__(self, parent: Any, **kwargs: Any) -> None:
            super().__init__(parent, **kwargs)
            self.tref: Any = None

        def start(self, c: Any) -> None:
            self.tref = c.timer.call_repeatedly(TENANT_POLL, follow_tenants, (c,), priority=10)

        def stop(self, c: Any) -> None:
            if self.tref is not None:
                self.tref.cancel()
                self.tref = None

    app.steps["consumer"].add(TenantQueues)

    def init_process(**_: Any) -> None:
        if "settings" in _process:
            _reader()  # load the engine now, not at the first file

    worker_process_init.connect(init_process, weak=False)
    return task


def follow_tenants(consumer: Any) -> None:
    """Start consuming the queue of every tenant the store has and this worker does not."""
    try:
        with Store.from_settings(_process["settings"]) as store:
            tenants = store.tenants()
    except Exception as exc:  # the store is down: try at the next poll
        log.warning("cannot list the tenants: %s", exc)
        return
    active = set(consumer.app.amqp.queues.consume_from or {})
    for tenant in tenants:
        name = queue_name(tenant)
        if name not in active:
            log.info("now reading for tenant %s (queue %s)", tenant, name)
            consumer.add_task_queue(name)


def worker_argv(concurrency: int, queues: list[str], loglevel: str) -> list[str]:
    return [
        "worker",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        f"--queues={','.join(queues)}",
        f"--hostname=formocr-{os.getpid()}@%h",
        f"--loglevel={loglevel}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]


def run_worker(
    settings: Settings,
    concurrency: int,
    factory: ProcessorFactory,
    *,
    loglevel: str = "INFO",
) -> None:
    """Run a Celery worker until it is stopped (SIGTERM: warm shutdown, files finish)."""
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the store is opened at every poll
    _process.clear()
    _process.update(settings=worker_settings(settings, concurrency), factory=factory)
    with Store.from_settings(settings) as store:
        tenants = store.tenants()
        # Items held by worker processes of this machine that are gone (a node restarted).
        release_items(store, held_by_dead_local_worker, crashed=False)
    app = make_app(settings)
    register(app)
    queues = [DEFAULT_QUEUE, *(queue_name(t) for t in tenants)]
    app.worker_main(worker_argv(concurrency, queues, loglevel))
