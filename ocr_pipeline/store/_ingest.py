"""Scan files in: recording a file before it is touched, duplicates, quarantine, archiving.
Saving the pipeline's results is in :mod:`._results`."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import BadArgumentsError
from . import _convert as conv
from ._base import TenantBase
from ._queue import PROCESS, add_work_item
from .errors import ConflictError, NotFoundError
from .models import SourceFileRow, TenantRow, WorkItemRow
from .states import Action, SourceState, WorkState
from .views import SourceFile

log = logging.getLogger(__name__)

SYSTEM = "system"


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
                with self._db.write() as s:
                    return self._register(
                        s, sha256, name, size, actor=actor, enqueue=enqueue, resume=resume
                    )
            except IntegrityError:
                # Another worker recorded the same file between our look-up and insert.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _register(
        self,
        s: Session,
        sha256: str,
        name: str,
        size: int,
        *,
        actor: str,
        enqueue: bool,
        resume: bool,
    ) -> tuple[SourceFile, bool]:
        if s.get(TenantRow, self._tenant) is None:
            raise NotFoundError("tenant", self._tenant)
        now = self._now()
        row = s.scalars(
            select(SourceFileRow).where(
                SourceFileRow.tenant_id == self._tenant, SourceFileRow.sha256 == sha256
            )
        ).first()
        if row is not None and resume and row.state == SourceState.RECEIVED:
            return conv.source(row), True
        if row is not None:
            new = {"name": name, "size": size, "at": now.isoformat()}
            self._audit(
                s,
                Action.DUPLICATE,
                actor,
                source_file_id=row.id,
                new=new,
                detail=f"{name} is the same file as {row.original_name}",
            )
            log.info("%s: duplicate of source file %d (%s)", name, row.id, row.original_name)
            return conv.source(row), True
        row = SourceFileRow(
            tenant_id=self._tenant,
            sha256=sha256,
            original_name=name,
            size=size,
            received_at=now,
            updated_at=now,
            state=SourceState.RECEIVED.value,
        )
        s.add(row)
        s.flush()
        self._audit(
            s,
            Action.RECEIVED,
            actor,
            source_file_id=row.id,
            new={"name": name, "size": size, "sha256": sha256},
        )
        if enqueue:
            add_work_item(s, row, now)
        return conv.source(row), False

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
        :meth:`enqueue` does: an existing item stays as it is)."""
        conv.check_actor(actor)
        if not isinstance(path, str) or not path:
            raise BadArgumentsError("archive needs the path the file was moved to", "pass it")
        with self._db.write() as s:
            row = self._source(s, source_file_id, lock=True)
            old = {"path": row.stored_path}
            now = self._now()
            row.stored_path, row.updated_at = path, now
            self._audit(
                s, Action.ARCHIVED, actor, source_file_id=row.id, old=old, new={"path": path}
            )
            if enqueue and not _has_item(s, self._tenant, row.id):
                add_work_item(s, row, now)
            return conv.source(row)


def _has_item(s: Session, tenant_id: str, source_file_id: int) -> bool:
    q = select(WorkItemRow.id).where(
        WorkItemRow.tenant_id == tenant_id,
        WorkItemRow.source_file_id == source_file_id,
        WorkItemRow.kind == PROCESS,
    )
    return s.scalars(q.limit(1)).first() is not None
