"""Scan files in: recording a file before it is touched, duplicates, quarantine, archiving.
Saving the pipeline's results is in :mod:`._results`."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ..errors import BadArgumentsError
from . import _convert as conv
from ._base import TenantBase, insert_events
from ._queue import PROCESS, add_work_item
from .errors import ConflictError, NotFoundError
from .models import SourceFileRow, TenantRow, WorkItemRow
from .states import Action, SourceState, WorkState
from .views import SourceFile

log = logging.getLogger(__name__)

SYSTEM = "system"
SOURCES = cast(Table, SourceFileRow.__table__)
WORK_ITEMS = cast(Table, WorkItemRow.__table__)


class IngestMixin(TenantBase):
    def register_source(
        self,
        sha256: str,
        name: str,
        size: int,
        *,
        actor: str = SYSTEM,
        enqueue: bool = True,
        resume: bool = False,
    ) -> tuple[SourceFile, bool]:
        """Record a scan file by its SHA-256 before anything else happens to it.

        Returns ``(source file, is_duplicate)``. A file whose SHA-256 this tenant has seen
        before is not recorded again: the existing source file comes back with
        ``is_duplicate=True`` and a ``duplicate`` audit event names the new arrival. A new file
        is ``received`` and, with ``enqueue``, gets its ``process`` work item in the same
        transaction (state ``queued``). With ``resume``, a file recorded before and still
        ``received`` (a take that stopped before queueing it) is the same take resumed, not a
        duplicate arrival: it comes back with ``is_duplicate=True`` and no audit event.
        Raises :class:`NotFoundError` for an unknown tenant.
        """
        conv.check_sha256(sha256)
        conv.check_actor(actor)
        if not isinstance(name, str) or not name or size < 0:
            raise BadArgumentsError(
                f"bad file record (name {name!r}, size {size})", "give the file's name and size"
            )
        for attempt in (1, 2):
            try:
                with self._db.write_rows() as conn:
                    return self._register(
                        conn,
                        sha256,
                        name,
                        size,
                        actor=actor,
                        enqueue=enqueue,
                        resume=resume,
                        check_tenant=attempt == 2,
                    )
            except IntegrityError:
                # Another worker recorded the same file between our look-up and insert, or
                # the tenant does not exist (the second attempt looks first and says so).
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _register(
        self,
        conn: Connection,
        sha256: str,
        name: str,
        size: int,
        *,
        actor: str,
        enqueue: bool,
        resume: bool,
        check_tenant: bool,
    ) -> tuple[SourceFile, bool]:
        """One file's record, written without the ORM's unit of work (every file scanned in
        passes here). The tenant is looked up only when ``check_tenant``: otherwise its
        foreign key refuses a record of an unknown tenant (``IntegrityError``) and the
        caller tries again with the look-up, which names the missing tenant."""
        if (
            check_tenant
            and conn.execute(select(TenantRow.id).where(TenantRow.id == self._tenant)).first()
            is None
        ):
            raise NotFoundError("tenant", self._tenant)
        now = self._now()
        found = conn.execute(
            select(SOURCES).where(SOURCES.c.tenant_id == self._tenant, SOURCES.c.sha256 == sha256)
        ).first()
        if found is not None and resume and found.state == SourceState.RECEIVED:
            return conv.source(found), True
        if found is not None:
            new = {"name": name, "size": size, "at": now.isoformat()}
            event = self._event(
                Action.DUPLICATE,
                actor,
                source_file_id=found.id,
                new=new,
                detail=f"{name} is the same file as {found.original_name}",
            )
            insert_events(conn, [event])
            log.info("%s: duplicate of source file %d (%s)", name, found.id, found.original_name)
            return conv.source(found), True
        state = SourceState.QUEUED if enqueue else SourceState.RECEIVED
        source_id: int = conn.execute(
            insert(SOURCES)
            .values(
                tenant_id=self._tenant,
                sha256=sha256,
                original_name=name,
                size=size,
                received_at=now,
                updated_at=now,
                state=state.value,
            )
            .returning(SOURCES.c.id)
        ).scalar_one()
        event = self._event(
            Action.RECEIVED,
            actor,
            source_file_id=source_id,
            new={"name": name, "size": size, "sha256": sha256},
        )
        insert_events(conn, [event])
        if enqueue:
            insert_work_item(conn, self._db.is_postgres, self._tenant, source_id, now)
        view = SourceFile(
            id=source_id,
            sha256=sha256,
            name=name,
            size=size,
            received_at=now,
            state=state,
            error=None,
            stored_path=None,
            page_count=None,
        )
        return view, False

    def quarantine(
        self,
        source_file_id: int,
        error: dict[str, Any],
        path: str | None = None,
        *,
        actor: str = SYSTEM,
    ) -> SourceFile:
        """Refuse a source file: state ``quarantined`` with ``error`` (what went wrong, for the
        clerk) and ``path`` (where the watcher moved it). Its open work items fail with the same
        error, in the same transaction. A file whose pages were saved cannot be quarantined
        (:class:`ConflictError`); quarantining twice changes nothing."""
        conv.check_json("error", error)
        conv.check_actor(actor)
        with self._db.write() as s:
            row = self._source(s, source_file_id, lock=True)
            if row.state == SourceState.QUARANTINED:
                return conv.source(row)
            if self._has_pages(s, row.id):
                raise ConflictError(
                    f"source file {row.id} has saved pages and cannot be quarantined",
                    "return its documents instead",
                )
            now = self._now()
            old = {"state": row.state}
            row.state, row.error, row.stored_path, row.updated_at = (
                SourceState.QUARANTINED.value,
                error,
                path,
                now,
            )
            for item in s.scalars(
                select(WorkItemRow).where(
                    WorkItemRow.tenant_id == self._tenant,
                    WorkItemRow.source_file_id == row.id,
                    WorkItemRow.state.in_([WorkState.QUEUED.value, WorkState.RUNNING.value]),
                )
            ):
                item.state, item.last_error, item.lease_until = WorkState.FAILED.value, error, None
                item.updated_at = now
            self._audit(
                s,
                Action.QUARANTINED,
                actor,
                source_file_id=row.id,
                old=old,
                new={"state": row.state, "error": error, "path": path},
            )
            return conv.source(row)

    def requeue(self, source_file_id: int, *, actor: str) -> SourceFile:
        """Give a quarantined file, or one whose work failed, another run (after the cause was
        fixed): the source file is ``queued`` again, its error cleared (kept in the audit
        event), its work item ``queued``. Anything else raises :class:`ConflictError`."""
        conv.check_actor(actor)
        with self._db.write() as s:
            row = self._source(s, source_file_id, lock=True)
            item = s.scalars(
                select(WorkItemRow).where(
                    WorkItemRow.tenant_id == self._tenant,
                    WorkItemRow.source_file_id == row.id,
                    WorkItemRow.kind == PROCESS,
                )
            ).first()
            failed = item is not None and item.state == WorkState.FAILED
            if row.state != SourceState.QUARANTINED and not failed:
                raise ConflictError(
                    f"source file {row.id} is {row.state} and its work has not failed",
                    "only quarantined files and failed work can be queued again",
                )
            now = self._now()
            old = {"state": row.state, "error": row.error}
            row.state, row.error, row.updated_at = SourceState.RECEIVED.value, None, now
            if item is None:
                add_work_item(s, row, now)
            else:
                item.state, item.worker_id, item.lease_until = WorkState.QUEUED.value, None, None
                item.updated_at = now
                row.state = SourceState.QUEUED.value
            self._audit(
                s,
                Action.REQUEUED,
                actor,
                source_file_id=row.id,
                old=old,
                new={"state": row.state},
            )
            return conv.source(row)

    def archive(
        self, source_file_id: int, path: str, *, actor: str = SYSTEM, enqueue: bool = False
    ) -> SourceFile:
        """Record where the watcher moved a processed file (``stored_path``); with
        ``enqueue``, also give it its ``process`` work item in the same transaction (as
        :meth:`enqueue` does: an existing item stays as it is). Written without the ORM's
        unit of work (every file scanned in passes here)."""
        conv.check_actor(actor)
        if not isinstance(path, str) or not path:
            raise BadArgumentsError("archive needs the path the file was moved to", "pass it")
        with self._db.write_rows() as conn:
            row = conn.execute(
                select(SOURCES)
                .where(SOURCES.c.tenant_id == self._tenant, SOURCES.c.id == source_file_id)
                .with_for_update()
            ).first()
            if row is None:
                raise NotFoundError("source file", source_file_id)
            now = self._now()
            event = self._event(
                Action.ARCHIVED,
                actor,
                source_file_id=row.id,
                old={"path": row.stored_path},
                new={"path": path},
            )
            state = SourceState(row.state)
            if (
                enqueue
                and insert_work_item(conn, self._db.is_postgres, self._tenant, row.id, now)
                and state is SourceState.RECEIVED
            ):
                state = SourceState.QUEUED
            conn.execute(
                update(SOURCES)
                .where(SOURCES.c.tenant_id == self._tenant, SOURCES.c.id == row.id)
                .values(stored_path=path, updated_at=now, state=state.value)
            )
            insert_events(conn, [event])
            return replace(conv.source(row), stored_path=path, state=state)


def insert_work_item(
    conn: Connection, postgres: bool, tenant_id: str, source_file_id: int, now: datetime
) -> bool:
    """Give a source file its ``process`` work item (``queued``) unless it has one; whether
    it was given (one statement: an existing item stays as it is)."""
    dialect_insert = pg_insert if postgres else sqlite_insert
    made = conn.execute(
        dialect_insert(WORK_ITEMS)
        .values(
            tenant_id=tenant_id,
            source_file_id=source_file_id,
            kind=PROCESS,
            state=WorkState.QUEUED.value,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["source_file_id", "kind"])
        .returning(WORK_ITEMS.c.id)
    ).first()
    return made is not None
