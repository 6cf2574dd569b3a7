"""Exports: approved records not yet exported, and the record of each export.

A document is exported once: :meth:`record_export` moves it from ``approved`` to ``exported``
and a unique constraint on ``export_items.document_id`` keeps it in one export only. An export
is repeated (for a core system that lost its import) by writing the same file again from
:meth:`export_items`; :meth:`record_export_repeat` logs that and checks it came out byte for
byte the same (by SHA-256). Exported documents cannot change any more, which is what makes a
repeat possible.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import BadArgumentsError
from . import _convert as conv
from ._base import TenantBase
from .errors import ConflictError, NotFoundError
from .models import DocumentRow, ExportItemRow, ExportRow
from .states import Action, DocumentStatus
from .views import Document, ExportRecord


class ExportsMixin(TenantBase):
    def approved_unexported(self, form_id: str, limit: int = 10000) -> list[Document]:
        """Approved documents of ``form_id`` not yet exported, oldest first, with fields."""
        conv.check_limit(limit, most=100000)
        with self._db.read() as s:
            rows = s.scalars(
                select(DocumentRow)
                .where(
                    DocumentRow.tenant_id == self._tenant,
                    DocumentRow.status == DocumentStatus.APPROVED.value,
                    DocumentRow.form_id == form_id,
                )
                .order_by(DocumentRow.id)
                .limit(limit)
            ).all()
            return self._views(s, rows)

    def record_export(
        self,
        profile: str,
        *,
        actor: str,
        file_name: str,
        sha256: str,
        size: int,
        document_ids: list[int],
        params: dict[str, Any] | None = None,
        form_id: str | None = None,
    ) -> int:
        """Record a written export file and mark its documents ``exported``; return its id.

        ``document_ids`` are in file order (kept as positions). ``params`` holds what is needed
        to write the file again (profile settings, options). All documents must be this
        tenant's (else :class:`NotFoundError`) and ``approved`` (else :class:`ConflictError`
        naming the others); then all are exported in one transaction, or none.
        """
        conv.check_actor(actor)
        conv.check_sha256(sha256)
        conv.check_json("params", params or {})
        ids = list(document_ids)
        if not ids or len(set(ids)) != len(ids) or size < 0 or not profile or not file_name:
            raise BadArgumentsError(
                "an export needs a profile, a file name, its size and distinct document ids",
                "pass the documents written to the file, in file order",
            )
        with self._db.write() as s:
            docs = self._lock_all(s, ids)
            not_approved = [f"{d.id} ({d.status})" for d in docs if d.status != "approved"]
            if not_approved:
                raise ConflictError(
                    "only approved documents can be exported; not approved: "
                    + ", ".join(not_approved),
                    "export approved_unexported() again and write the file from that",
                )
            row = ExportRow(
                tenant_id=self._tenant,
                profile=profile,
                form_id=form_id,
                actor=actor,
                at=self._now(),
                file_name=file_name,
                sha256=sha256,
                byte_size=size,
                params=params or {},
                document_count=len(ids),
            )
            s.add(row)
            s.flush()
            by_id = {d.id: d for d in docs}
            for position, doc_id in enumerate(ids):
                doc = by_id[doc_id]
                s.add(
                    ExportItemRow(
                        tenant_id=self._tenant,
                        export_id=row.id,
                        document_id=doc_id,
                        position=position,
                    )
                )
                doc.status, doc.version = DocumentStatus.EXPORTED.value, doc.version + 1
                doc.updated_at = self._now()
                self._audit_document(
                    s,
                    Action.EXPORTED,
                    actor,
                    doc,
                    old={"status": "approved"},
                    new={"status": doc.status, "export_id": row.id},
                )
            self._audit(
                s,
                Action.EXPORTED,
                actor,
                new={
                    "export_id": row.id,
                    "profile": profile,
                    "file": file_name,
                    "sha256": sha256,
                    "size": size,
                    "documents": ids,
                },
            )
            return row.id

    def _lock_all(self, s: Session, ids: list[int]) -> list[DocumentRow]:
        docs = list(
            s.scalars(
                select(DocumentRow)
                .where(DocumentRow.tenant_id == self._tenant, DocumentRow.id.in_(ids))
                .order_by(DocumentRow.id)
                .with_for_update()
            )
        )
        missing = sorted(set(ids) - {d.id for d in docs})
        if missing:
            raise NotFoundError("document", missing[0])
        return docs

    def record_export_repeat(self, export_id: int, actor: str, sha256: str) -> ExportRecord:
        """Log that export ``export_id`` was written again. Raises :class:`ConflictError` when
        the new file's SHA-256 differs from the original's (the repeat is not faithful)."""
        conv.check_actor(actor)
        conv.check_sha256(sha256)
        with self._db.write() as s:
            row = self._export(s, export_id)
            if sha256 != row.sha256:
                raise ConflictError(
                    f"the repeat of export {export_id} differs from the original "
                    f"(SHA-256 {sha256[:12]}… instead of {row.sha256[:12]}…)",
                    "write it with the recorded profile and parameters; report the difference",
                )
            self._audit(
                s, Action.EXPORT_REPEATED, actor, new={"export_id": export_id, "sha256": sha256}
            )
            return conv.export(row)

    def _export(self, s: Session, export_id: int) -> ExportRow:
        row = s.scalars(
            select(ExportRow).where(ExportRow.tenant_id == self._tenant, ExportRow.id == export_id)
        ).first()
        if row is None:
            raise NotFoundError("export", export_id)
        return row

    def export_log(self, limit: int = 100, offset: int = 0) -> list[ExportRecord]:
        """This tenant's exports, newest first."""
        conv.check_limit(limit, offset)
        with self._db.read() as s:
            rows = s.scalars(
                select(ExportRow)
                .where(ExportRow.tenant_id == self._tenant)
                .order_by(ExportRow.id.desc())
                .limit(limit)
                .offset(offset)
            )
            return [conv.export(r) for r in rows]

    def export_items(self, export_id: int) -> list[int]:
        """The document ids of an export, in file order."""
        with self._db.read() as s:
            self._export(s, export_id)
            return list(
                s.scalars(
                    select(ExportItemRow.document_id)
                    .where(
                        ExportItemRow.tenant_id == self._tenant,
                        ExportItemRow.export_id == export_id,
                    )
                    .order_by(ExportItemRow.position)
                )
            )
