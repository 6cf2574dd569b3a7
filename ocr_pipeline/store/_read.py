"""Reading: documents, the review queue, counts, source files and their pages, page images,
audit trails. Nothing here changes anything."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from ..errors import BadArgumentsError
from . import _convert as conv
from ._base import TenantBase
from ._queue import count_by_state
from .errors import NotFoundError, StoreError
from .models import AuditEventRow, DocumentRow, PageImageRow, PageRow, SourceFileRow
from .states import DocumentStatus, SourceState
from .views import AuditEvent, Counts, Document, DocumentSummary, Order, PageInfo, SourceFile


class ReadMixin(TenantBase):
    def get_document(self, document_id: int) -> Document:
        """A document with its fields and pages; :class:`NotFoundError` if this tenant has
        none with that id."""
        with self._db.read() as s:
            return self._view(s, self._document(s, document_id))

    def list_documents(
        self,
        status: DocumentStatus | None = None,
        form_id: str | None = None,
        order: Order = "oldest",
        limit: int = 50,
        offset: int = 0,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[DocumentSummary]:
        """Documents (without fields), optionally of one status and form, made in
        ``[since, until)``. ``oldest``: in the order they were made; ``hardest``: most open
        fields first, then the least sure of them, then the oldest. Every combination is
        served by an index (``ix_documents_*``)."""
        conv.check_limit(limit, offset)
        d = DocumentRow
        q = self._filtered(select(d), status, form_id, since, until)
        if order == "oldest":
            q = q.order_by(d.id)
        elif order == "hardest":
            q = q.order_by(d.open_fields.desc(), d.min_confidence, d.id)
        else:
            raise BadArgumentsError(f"unknown order {order!r}", "use 'oldest' or 'hardest'")
        with self._db.read() as s:
            return [conv.summary(r, self._sealer) for r in s.scalars(q.limit(limit).offset(offset))]

    def count_documents(
        self,
        status: DocumentStatus | None = None,
        form_id: str | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many documents :meth:`list_documents` would page through with these filters."""
        q = select(func.count()).select_from(DocumentRow)
        q = self._filtered(q, status, form_id, since, until)
        with self._db.read() as s:
            return int(s.scalar(q) or 0)

    def _filtered(
        self,
        q: Select[Any],
        status: DocumentStatus | None,
        form_id: str | None,
        since: datetime | None,
        until: datetime | None,
    ) -> Select[Any]:
        d = DocumentRow
        q = q.where(d.tenant_id == self._tenant)
        if status is not None:
            q = q.where(d.status == DocumentStatus(status).value)
        if form_id is not None:
            q = q.where(d.form_id == form_id)
        if since is not None:
            q = q.where(d.created_at >= since)
        if until is not None:
            q = q.where(d.created_at < until)
        return q

    def counts(self) -> Counts:
        """Documents by status and by form, source files and work items by state."""
        t = self._tenant
        with self._db.read() as s:
            by_form: dict[str, dict[str, int]] = {}
            docs: dict[str, int] = {}
            for status, form, n in s.execute(
                select(DocumentRow.status, DocumentRow.form_id, func.count())
                .where(DocumentRow.tenant_id == t)
                .group_by(DocumentRow.status, DocumentRow.form_id)
            ):
                by_form.setdefault(form, {})[status] = n
                docs[status] = docs.get(status, 0) + n
            sources = {
                state: n
                for state, n in s.execute(
                    select(SourceFileRow.state, func.count())
                    .where(SourceFileRow.tenant_id == t)
                    .group_by(SourceFileRow.state)
                )
            }
            return Counts(
                documents=docs, by_form=by_form, sources=sources, work=count_by_state(s, t)
            )

    def audit_trail(self, document_id: int) -> list[AuditEvent]:
        """Every event of a document, oldest first (``ocr`` values, corrections, approval,
        export, reveals)."""
        with self._db.read() as s:
            self._document(s, document_id)
            return self._events(s, AuditEventRow.document_id == document_id)

    def source_history(self, source_file_id: int) -> list[AuditEvent]:
        """Every event of a source file, oldest first: received, duplicates, saved,
        quarantined, archived (and those of its documents)."""
        with self._db.read() as s:
            self._source(s, source_file_id)
            return self._events(s, AuditEventRow.source_file_id == source_file_id)

    def _events(self, s: Session, where: ColumnElement[bool]) -> list[AuditEvent]:
        q = select(AuditEventRow).where(AuditEventRow.tenant_id == self._tenant, where)
        return [conv.event(r, self._sealer) for r in s.scalars(q.order_by(AuditEventRow.id))]

    def get_source(self, source_file_id: int) -> SourceFile:
        with self._db.read() as s:
            return conv.source(self._source(s, source_file_id))

    def list_sources(
        self, state: SourceState | None = None, limit: int = 100, offset: int = 0
    ) -> list[SourceFile]:
        """Source files, newest first, optionally of one state."""
        conv.check_limit(limit, offset)
        q = select(SourceFileRow).where(SourceFileRow.tenant_id == self._tenant)
        if state is not None:
            q = q.where(SourceFileRow.state == SourceState(state).value)
        q = q.order_by(SourceFileRow.id.desc()).limit(limit).offset(offset)
        with self._db.read() as s:
            return [conv.source(r) for r in s.scalars(q)]

    def source_pages(self, source_file_id: int) -> list[PageInfo]:
        """Every page of a source file with its status, reason and document (if any)."""
        with self._db.read() as s:
            self._source(s, source_file_id)
            rows = s.scalars(
                select(PageRow)
                .where(PageRow.tenant_id == self._tenant, PageRow.source_file_id == source_file_id)
                .order_by(PageRow.page_no)
            )
            return [conv.page(r) for r in rows]

    def page_image(self, sha256: str) -> bytes:
        """The PNG bytes of one of this tenant's page images."""
        with self._db.read() as s:
            row = s.scalars(
                select(PageImageRow).where(
                    PageImageRow.tenant_id == self._tenant, PageImageRow.sha256 == sha256
                )
            ).first()
            if row is None:
                raise NotFoundError("page image", sha256)
            rel = row.rel_path
        try:
            return self._images.read(rel)
        except FileNotFoundError:
            raise StoreError(
                f"page image file {rel} is missing from {self._images.root}",
                "restore the images folder of data_dir from the backup",
            ) from None
