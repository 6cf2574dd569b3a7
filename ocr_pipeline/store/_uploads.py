"""Scan files put into the inbox through the review UI, and what became of each.

The review UI records an upload (:meth:`record_upload`) when it has written the file into the
tenant's inbox folder; the watcher then records the same bytes as a source file. The two are
joined by SHA-256, so a clerk sees the state of every file they submitted (queued, done,
quarantined with the reason) without the watcher knowing who uploaded what.
"""

from __future__ import annotations

from sqlalchemy import select

from ..errors import BadArgumentsError
from . import _convert as conv
from ._base import TenantBase
from .errors import NotFoundError
from .models import SourceFileRow, TenantRow, UploadRow
from .states import Action
from .views import Upload


class UploadsMixin(TenantBase):
    def record_upload(self, sha256: str, name: str, size: int, *, actor: str) -> Upload:
        """Record that ``actor`` put a file into this tenant's inbox (audit event
        ``uploaded``). Uploading the same bytes twice is recorded twice; the watcher keeps
        one source file for them."""
        conv.check_sha256(sha256)
        conv.check_actor(actor)
        if not isinstance(name, str) or not name or size < 0:
            raise BadArgumentsError(
                f"bad upload record (name {name!r}, size {size})", "give the file's name and size"
            )
        with self._db.write() as s:
            if s.get(TenantRow, self._tenant) is None:
                raise NotFoundError("tenant", self._tenant)
            row = UploadRow(
                tenant_id=self._tenant,
                sha256=sha256,
                name=name,
                size=size,
                actor=actor,
                at=self._now(),
            )
            s.add(row)
            s.flush()
            self._audit(
                s,
                Action.UPLOADED,
                actor,
                new={"upload_id": row.id, "name": name, "size": size, "sha256": sha256},
            )
            return Upload(row.id, sha256, name, size, actor, row.at, None)

    def uploads(self, actor: str | None = None, limit: int = 50, offset: int = 0) -> list[Upload]:
        """Uploads, newest first (only ``actor``'s when given), each with the source file the
        watcher made of it, if any."""
        conv.check_limit(limit, offset)
        q = select(UploadRow, SourceFileRow).outerjoin(
            SourceFileRow,
            (SourceFileRow.tenant_id == UploadRow.tenant_id)
            & (SourceFileRow.sha256 == UploadRow.sha256),
        )
        q = q.where(UploadRow.tenant_id == self._tenant)
        if actor is not None:
            q = q.where(UploadRow.actor == actor)
        q = q.order_by(UploadRow.id.desc()).limit(limit).offset(offset)
        with self._db.read() as s:
            return [
                Upload(
                    u.id,
                    u.sha256,
                    u.name,
                    u.size,
                    u.actor,
                    u.at,
                    conv.source(src) if src is not None else None,
                )
                for u, src in s.execute(q)
            ]
