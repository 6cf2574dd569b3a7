"""The intake's side of ``task_backend = celery``: send one ``formocr.read`` message per queued
work item, and send again what the broker may have lost.

- **New items** (:meth:`CeleryDispatcher.tick`, every round of the watcher): the store's queued
  items above the highest id seen so far, oldest first, each to its tenant's queue. A new
  dispatcher (an intake that starts or takes over) starts its mark at the highest item queued
  now and leaves those items to the reconciler, which sends only what the broker lacks; so a
  take-over does not send the whole backlog again.
- **Reconciling** (every ``reconcile_seconds``): items whose lease ran out are handed back to
  the queue, one crash counted (a worker node died); then, per tenant, the items queued in the
  store are compared with the messages waiting in the broker. Where the broker holds fewer,
  the oldest queued items not sent within ``resend_after`` seconds are sent again, as many as
  are missing. This covers a Redis restarted without persistence, a message dropped after its
  retries, an item handed back or requeued (its id is below the mark), and an item committed
  late by a concurrent transaction. A message sent twice is harmless: the second finds the
  item claimed or done.
- **Shares** (``intake_split = tenant``): an intake sends and reconciles for the
  municipalities of its share only (``only``), and reconciles at once when it takes one over.
- A broker that is down is warned about once and tried again at the next round; the store's
  queue keeps everything meanwhile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from ..settings import Settings
from ..store import LeaseLostError, Store, WorkItem, WorkState
from ..watch.codes import HandBackCode
from ..watch.lease import crashes_of
from .app import TASK_NAME, make_app, queue_name
from .broker import queue_depths, redis_client

log = logging.getLogger(__name__)

BATCH = 1000


class CeleryDispatcher:
    """A :class:`~ocr_pipeline.watch.dispatch.Dispatcher` sending to Celery workers."""

    def __init__(
        self,
        settings: Settings,
        *,
        app: Any = None,
        reconcile_seconds: float = 10.0,
        resend_after: float = 30.0,
    ) -> None:
        self.app = app if app is not None else make_app(settings)
        self.reconcile_seconds = reconcile_seconds
        self.resend_after = resend_after
        self._redis = redis_client(settings.broker_url)
        self._mark: int | None = None
        self._sent_at: dict[int, float] = {}
        self._next_reconcile = 0.0
        self._down = False
        self.sent = 0
        self.resent = 0
        self.only: Callable[[], frozenset[str]] | None = None
        """The municipalities this intake sends for (``intake_split = tenant``: its share;
        ``None``: every one)."""
        self._owned: frozenset[str] | None = None

    def _mine(self, tenant: str) -> bool:
        return self._owned is None or tenant in self._owned

    def tick(self, store: Store) -> None:
        if self.only is not None:
            owned = self.only()
            if self._owned is None or not owned <= self._owned:
                self._next_reconcile = 0.0  # newly taken: what its former intake left
            self._owned = owned
        try:
            self._send_new(store)
            now = time.monotonic()
            if now >= self._next_reconcile:
                self.reconcile(store)
                self._next_reconcile = now + self.reconcile_seconds
        except Exception as exc:
            if not _broker_fault(exc):
                raise
            if not self._down:
                log.warning("the broker is unavailable (%s); files stay queued in the store", exc)
            self._down = True
            return
        if self._down:
            log.info("the broker is back")
        self._down = False

    def _send(self, item: WorkItem, producer: Any) -> None:
        self.app.send_task(
            TASK_NAME,
            args=(item.tenant_id, item.id),
            queue=queue_name(item.tenant_id),
            producer=producer,
        )
        self._sent_at[item.id] = time.monotonic()
        self.sent += 1

    def _send_new(self, store: Store) -> None:
        if self._mark is None:
            self._mark = last_queued(store)
            self._next_reconcile = 0.0  # what was queued before is the reconciler's
            return
        while True:
            items = store.queued_after(self._mark, BATCH, self._owned)
            if items:
                # One producer (and its broker connection) for the round's messages, not
                # one taken from the pool and given back per message.
                with self.app.producer_or_acquire() as producer:
                    for item in items:
                        self._send(item, producer)
                        self._mark = item.id
            if len(items) < BATCH:
                return

    def reconcile(self, store: Store) -> int:
        """Send again the queued items the broker may have lost; how many were sent."""
        released = release_lapsed(store, self._mine)
        if released:
            log.info("%d work item(s) whose lease ran out are queued again", released)
        counts = store.work_counts()
        queued = {t: c.get(WorkState.QUEUED.value, 0) for t, c in counts.items() if self._mine(t)}
        waiting = queue_depths(self._redis, [t for t, n in queued.items() if n])
        now = time.monotonic()
        self._sent_at = {i: t for i, t in self._sent_at.items() if now - t < self.resend_after}
        resent = 0
        for tenant, depth in waiting.items():
            want = min(queued[tenant] - depth, BATCH - resent)
            if want > 0:
                resent += self._resend(store, tenant, want)
        if resent:
            log.info("%d queued work item(s) sent again (missing from the broker)", resent)
        self.resent += resent
        return resent

    def _resend(self, store: Store, tenant: str, want: int) -> int:
        """Send again up to ``want`` of ``tenant``'s queued items not sent lately."""
        sent = 0
        items = store.for_tenant(tenant).list_work(WorkState.QUEUED, limit=BATCH)
        with self.app.producer_or_acquire() as producer:
            for item in items:
                if sent >= want:
                    break
                if item.id not in self._sent_at:
                    self._send(item, producer)
                    sent += 1
        return sent


def last_queued(store: Store) -> int:
    """The highest id of the items queued now (0 if none)."""
    mark = 0
    while items := store.queued_after(mark, BATCH):
        mark = items[-1].id
    return mark


def release_lapsed(store: Store, mine: Callable[[str], bool] = lambda _t: True) -> int:
    """Hand back every item (of the tenants ``mine`` picks) whose lease ran out, one more
    crash counted (its worker most likely died, so a file that kills every worker that reads
    it ends quarantined after ``max_crashes``, as in the local mode); how many."""
    released = 0
    for item in store.expired_leases():
        if item.worker_id is None or not mine(item.tenant_id):
            continue
        error = {"code": HandBackCode.LEASE_RAN_OUT, "crashes": crashes_of(item) + 1}
        try:
            store.for_tenant(item.tenant_id).fail(item.id, item.worker_id, error, retry=True)
        except LeaseLostError:
            continue  # claimed again meanwhile
        released += 1
    return released


def _broker_fault(exc: BaseException) -> bool:
    from kombu.exceptions import OperationalError
    from redis.exceptions import RedisError

    return isinstance(exc, OperationalError | RedisError | ConnectionError | TimeoutError)
