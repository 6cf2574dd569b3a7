"""The durable work queue with leases.

A worker claims an item (``running``, ``lease_until = now + lease``, ``attempts + 1``), renews
the lease with :meth:`heartbeat` while it works, and ends with :meth:`complete` or :meth:`fail`.
If the worker dies (kill -9, power cut), its lease runs out and the item is claimed again; the
store's idempotent :meth:`save_result` makes the second run harmless. A claim is one
transaction: on PostgreSQL ``SELECT ... FOR UPDATE SKIP LOCKED``, on SQLite ``BEGIN IMMEDIATE``
(writers take turns), so no item is ever held by two workers at once. Queue moves are
operational state, not record changes: they are not audit events.

Times come from the store's clock: workers on several machines need synchronised clocks (NTP).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy.orm import Session

from ..errors import BadArgumentsError
from . import _convert as conv
from ._base import TenantBase
from .errors import LeaseLostError, NotFoundError
from .models import SourceFileRow, WorkItemRow
from .states import SourceState, WorkState
from .views import WorkItem

log = logging.getLogger(__name__)

PROCESS = "process"


def add_work_item(s: Session, source: SourceFileRow, now: datetime, kind: str = PROCESS) -> None:
    s.add(
        WorkItemRow(
            tenant_id=source.tenant_id,
            source_file_id=source.id,
            kind=kind,
            state=WorkState.QUEUED.value,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
    )
    if source.state == SourceState.RECEIVED:
        source.state, source.updated_at = SourceState.QUEUED.value, now


def _claimable(now: datetime) -> Any:
    return or_(
        WorkItemRow.state == WorkState.QUEUED.value,
        and_(WorkItemRow.state == WorkState.RUNNING.value, WorkItemRow.lease_until < now),
    )


def _set_source_state(s: Session, item: WorkItemRow, state: SourceState, now: datetime) -> None:
    s.execute(
        update(SourceFileRow)
        .where(
            SourceFileRow.tenant_id == item.tenant_id,
            SourceFileRow.id == item.source_file_id,
            SourceFileRow.state.notin_([SourceState.QUARANTINED.value, SourceState.DONE.value]),
        )
        .values(state=state.value, updated_at=now)
    )


def check_lease(lease_seconds: float, worker_id: str) -> None:
    if not 1 <= lease_seconds <= 86400 or not isinstance(worker_id, str) or not worker_id:
        raise BadArgumentsError(
            f"bad lease ({lease_seconds} s) or worker id ({worker_id!r})",
            "use a lease of 1 s to 1 day and a worker id unique per process (host:pid:uuid)",
        )


def claim(
    s: Session,
    tenant_id: str | None,
    worker_id: str,
    lease_seconds: float,
    now: datetime,
    *,
    item_id: int | None = None,
) -> WorkItem | None:
    """The oldest claimable item (of ``tenant_id``, or of any tenant; item ``item_id`` only
    when given), now held by ``worker_id``; ``None`` when there is none."""
    q = select(WorkItemRow).where(_claimable(now)).order_by(WorkItemRow.id).limit(1)
    if tenant_id is not None:
        q = q.where(WorkItemRow.tenant_id == tenant_id)
    if item_id is not None:
        q = q.where(WorkItemRow.id == item_id)
    item = s.scalars(q.with_for_update(skip_locked=True)).first()
    if item is None:
        return None
    if item.state == WorkState.RUNNING:
        log.warning("work item %d: lease of %s ran out, claimed again", item.id, item.worker_id)
    item.state, item.worker_id = WorkState.RUNNING.value, worker_id
    item.attempts += 1
    item.lease_until = now + timedelta(seconds=lease_seconds)
    item.updated_at = now
    _set_source_state(s, item, SourceState.PROCESSING, now)
    return conv.work(item)


def release_expired(s: Session, tenant_id: str | None, now: datetime) -> int:
    """Put running items whose lease ran out back in the queue; how many."""
    q = select(WorkItemRow).where(
        WorkItemRow.state == WorkState.RUNNING.value, WorkItemRow.lease_until < now
    )
    if tenant_id is not None:
        q = q.where(WorkItemRow.tenant_id == tenant_id)
    items = s.scalars(q.with_for_update(skip_locked=True)).all()
    for item in items:
        item.state, item.worker_id, item.lease_until = WorkState.QUEUED.value, None, None
        item.updated_at = now
        _set_source_state(s, item, SourceState.QUEUED, now)
    return len(items)


class QueueMixin(TenantBase):
    def enqueue(self, source_file_id: int, kind: str = PROCESS) -> WorkItem:
        """The ``kind`` work item of a source file, made ``queued`` if it has none (an
        existing item is returned as it is, whatever its state)."""
        with self._db.write() as s:
            source = self._source(s, source_file_id, lock=True)
            item = self._item_of(s, source.id, kind)
            if item is None:
                add_work_item(s, source, self._now(), kind)
                s.flush()
                item = self._item_of(s, source.id, kind)
            assert item is not None
            return conv.work(item)

    def _item_of(self, s: Session, source_file_id: int, kind: str) -> WorkItemRow | None:
        return s.scalars(
            select(WorkItemRow).where(
                WorkItemRow.tenant_id == self._tenant,
                WorkItemRow.source_file_id == source_file_id,
                WorkItemRow.kind == kind,
            )
        ).first()

    def claim_next(self, worker_id: str, lease_seconds: float = 300.0) -> WorkItem | None:
        """Claim this tenant's oldest queued item (or running one whose lease ran out)."""
        check_lease(lease_seconds, worker_id)
        with self._db.write() as s:
            return claim(s, self._tenant, worker_id, lease_seconds, self._now())

    def claim_item(
        self, item_id: int, worker_id: str, lease_seconds: float = 300.0
    ) -> WorkItem | None:
        """Claim this tenant's item ``item_id`` if it is claimable (queued, or running with
        its lease run out); ``None`` if it is not (done, failed, held by a live lease, being
        claimed by another worker this very moment, or not this tenant's). For a worker told
        which item to read (``task_backend = celery``)."""
        check_lease(lease_seconds, worker_id)
        with self._db.write() as s:
            return claim(s, self._tenant, worker_id, lease_seconds, self._now(), item_id=item_id)

    def get_work(self, item_id: int) -> WorkItem:
        """This tenant's work item ``item_id`` (:class:`NotFoundError` if there is none)."""
        with self._db.read() as s:
            item = s.scalars(
                select(WorkItemRow).where(
                    WorkItemRow.tenant_id == self._tenant, WorkItemRow.id == item_id
                )
            ).first()
            if item is None:
                raise NotFoundError("work item", item_id)
            return conv.work(item)

    def _held(self, s: Session, item_id: int, worker_id: str) -> WorkItemRow:
        item = s.scalars(
            select(WorkItemRow)
            .where(WorkItemRow.tenant_id == self._tenant, WorkItemRow.id == item_id)
            .with_for_update()
        ).first()
        if item is None:
            raise NotFoundError("work item", item_id)
        if item.state != WorkState.RUNNING or item.worker_id != worker_id:
            raise LeaseLostError(item_id, worker_id)
        return item

    def heartbeat(self, item_id: int, worker_id: str, lease_seconds: float = 300.0) -> WorkItem:
        """Extend the lease of an item ``worker_id`` holds; :class:`LeaseLostError` if it no
        longer does."""
        check_lease(lease_seconds, worker_id)
        with self._db.write() as s:
            item = self._held(s, item_id, worker_id)
            now = self._now()
            item.lease_until, item.updated_at = now + timedelta(seconds=lease_seconds), now
            return conv.work(item)

    def complete(self, item_id: int, worker_id: str) -> WorkItem:
        """Finish an item ``worker_id`` holds (``done``); its source file is ``done`` unless
        quarantined. :class:`LeaseLostError` if the worker no longer holds it."""
        with self._db.write() as s:
            item = self._held(s, item_id, worker_id)
            now = self._now()
            item.state, item.lease_until, item.updated_at = WorkState.DONE.value, None, now
            _set_source_state(s, item, SourceState.DONE, now)
            return conv.work(item)

    def fail(
        self, item_id: int, worker_id: str, error: dict[str, Any], *, retry: bool = False
    ) -> WorkItem:
        """Give up an item ``worker_id`` holds, keeping ``error``. With ``retry`` it goes back
        in the queue at once (a worker shutting down, a passing fault); without, it is
        ``failed`` and the error is also put on its source file. To refuse the file, call
        :meth:`quarantine` instead: it fails open items itself, in the same transaction."""
        conv.check_json("error", error)
        with self._db.write() as s:
            item = self._held(s, item_id, worker_id)
            now = self._now()
            item.last_error, item.lease_until, item.updated_at = error, None, now
            if retry:
                item.state, item.worker_id = WorkState.QUEUED.value, None
                _set_source_state(s, item, SourceState.QUEUED, now)
            else:
                item.state = WorkState.FAILED.value
                source = self._source(s, item.source_file_id)
                source.error, source.updated_at = error, now
            return conv.work(item)

    def release_expired_leases(self) -> int:
        """Put this tenant's running items whose lease ran out back in the queue."""
        with self._db.write() as s:
            return release_expired(s, self._tenant, self._now())

    def list_work(self, state: WorkState | None = None, limit: int = 100) -> list[WorkItem]:
        """This tenant's work items, oldest first, optionally of one state."""
        conv.check_limit(limit)
        q = select(WorkItemRow).where(WorkItemRow.tenant_id == self._tenant)
        if state is not None:
            q = q.where(WorkItemRow.state == WorkState(state).value)
        with self._db.read() as s:
            return [conv.work(r) for r in s.scalars(q.order_by(WorkItemRow.id).limit(limit))]


def count_by_state(s: Session, tenant_id: str) -> dict[str, int]:
    rows = s.execute(
        select(WorkItemRow.state, func.count())
        .where(WorkItemRow.tenant_id == tenant_id)
        .group_by(WorkItemRow.state)
    ).all()
    return {state: n for state, n in rows}


def queued_after(
    s: Session, after_id: int, limit: int, tenants: Collection[str] | None = None
) -> list[WorkItem]:
    """Queued items of every tenant (of ``tenants`` when given) with an id above
    ``after_id``, oldest first."""
    t = cast(Table, WorkItemRow.__table__)  # rows, not ORM objects: polled every round
    q = (
        select(t)
        .where(t.c.state == WorkState.QUEUED.value, t.c.id > after_id)
        .order_by(t.c.id)
        .limit(limit)
    )
    if tenants is not None:
        q = q.where(t.c.tenant_id.in_(sorted(tenants)))
    return [conv.work(r) for r in s.connection().execute(q)]


def work_counts(s: Session) -> dict[str, dict[str, int]]:
    """Work items by tenant and state (every tenant that has any)."""
    out: dict[str, dict[str, int]] = {}
    rows = s.execute(
        select(WorkItemRow.tenant_id, WorkItemRow.state, func.count()).group_by(
            WorkItemRow.tenant_id, WorkItemRow.state
        )
    ).all()
    for tenant, state, n in rows:
        out.setdefault(tenant, {})[state] = n
    return out


def expired(s: Session, now: datetime, limit: int) -> list[WorkItem]:
    """Running items of every tenant whose lease ran out, oldest first."""
    q = (
        select(WorkItemRow)
        .where(WorkItemRow.state == WorkState.RUNNING.value, WorkItemRow.lease_until < now)
        .order_by(WorkItemRow.id)
        .limit(limit)
    )
    return [conv.work(r) for r in s.scalars(q)]
