"""Saving what the pipeline read from a source file: pages, page images, documents, fields,
and an ``ocr`` audit event for every field, in one transaction.

Grouping: every form the project knows is one template page, so each page read as a form
(status ``ok``) is one document, linked to its source file and page number. Pages that are
blank, unclassified, unregistered or failed are recorded with their status and reason and
belong to no document. :func:`group_pages` is the one place to change when multi-page forms
arrive (consecutive pages of one form instance would then form one document).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..errors import BadArgumentsError
from ..results import FieldResult, FieldStatus, PageResult, PageStatus, RegistrationInfo
from . import _convert as conv
from . import _sampling as sampling
from ._base import TenantBase
from ._sealed import Sealer, is_sensitive
from .errors import ConflictError
from .images import PngInfo, png_info, relative_path
from .models import (
    AuditEventRow,
    AuditSampleRow,
    Base,
    DocumentRow,
    FieldRow,
    PageImageRow,
    PageRow,
    SourceFileRow,
    TenantRow,
)
from .states import Action, DocumentStatus, FieldState, SourceState

OCR_ACTOR = "system:ocr"


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


DOCUMENTS = _table(DocumentRow)


def group_pages(pages: Sequence[PageResult]) -> list[list[PageResult]]:
    """The pages of each document, in page order: one document per page read as a form."""
    return [[p] for p in sorted(pages, key=lambda p: p.page) if p.status is PageStatus.OK]


def _check_pages(pages: Sequence[PageResult], images: Mapping[int, bytes]) -> dict[int, PngInfo]:
    numbers = [p.page for p in pages]
    if not pages or len(set(numbers)) != len(numbers) or min(numbers) < 1:
        raise BadArgumentsError(
            f"save_result needs distinct page numbers from 1 (got {numbers})",
            "a file refused as a whole (page 0) is quarantined, not saved",
        )
    for p in pages:
        if p.status is PageStatus.OK and (p.form is None or p.form_version is None):
            raise BadArgumentsError(f"page {p.page} is ok but names no form", "a pipeline bug")
    unknown = sorted(set(images) - set(numbers))
    if unknown:
        raise BadArgumentsError(f"images for pages not given: {unknown}", "pass matching pages")
    return {n: png_info(data) for n, data in images.items()}


def _field_row(
    seal: Sealer,
    doc_id: int,
    page_no: int,
    f: FieldResult,
    now: datetime,
    *,
    reader_model: str | None = None,
) -> dict[str, Any]:
    """A field as inserted; a sensitive one's value and reading sealed (:mod:`._sealed`)."""
    secret = is_sensitive(f.type)
    return {
        "tenant_id": seal.tenant,
        "document_id": doc_id,
        "field_id": f.id,
        "type": f.type,
        "page_no": page_no,
        "value": seal.json_in(f.value, secret, doc_id, f.id, "field.value"),
        "ocr_value": seal.json_in(f.value, secret, doc_id, f.id, "field.ocr_value"),
        "raw": seal.text_in(f.raw, secret, doc_id, f.id, "field.raw"),
        "confidence": float(f.confidence),
        "char_confidences": [float(c) for c in f.char_confidences],
        "status": FieldState(f.status.value).value,
        "reasons": conv.reasons_json(f.reasons),
        "bbox": list(f.bbox) if f.bbox else None,
        "updated_at": now,
        "updated_by": OCR_ACTOR,
        "reader_model": reader_model,
    }


def _registration(info: RegistrationInfo | None) -> dict[str, Any] | None:
    """A page's registration as stored: the matrix at full precision (JSON keeps every bit
    of a float), so that a field's crop can be cut again exactly from the page image (the
    six decimals of ``to_dict`` move a few pixels by a few grey levels)."""
    if info is None:
        return None
    return {**info.to_dict(), "matrix": [[float(v) for v in row] for row in info.matrix]}


class ResultsMixin(TenantBase):
    def save_result(
        self,
        source_file_id: int,
        pages: Sequence[PageResult],
        images: Mapping[int, bytes] | None = None,
    ) -> list[int]:
        """Store every page of a source file and make its documents; return their ids in
        page order. ``images`` maps page numbers to PNG bytes (any pages; each distinct image
        is stored once per tenant).

        Idempotent: a source file whose pages are already saved is left as it is and the ids of
        its documents come back, so a worker that crashed after saving can run again without
        duplicates. All or nothing: one transaction. The source file becomes ``done``. Raises
        :class:`NotFoundError` (not this tenant's file), :class:`ConflictError` (quarantined),
        :class:`BadArgumentsError` (page numbers, non-PNG images).
        """
        infos = _check_pages(pages, images or {})
        with self._db.read() as s:  # a first look, so that no file is written in vain
            saved = self._saved_or_refused(s, self._source(s, source_file_id))
        if saved is None:
            self._write_image_files(images or {}, infos)
        with self._db.write() as s:  # the look that counts
            source = self._source(s, source_file_id, lock=True)
            saved = self._saved_or_refused(s, source)
            if saved is not None:
                return saved
            self._record_images(s, infos)
            now = self._now()
            doc_of_page = self._create_documents(s, source.id, pages, now)
            s.connection().execute(
                insert(_table(PageRow)),
                [
                    {
                        "tenant_id": self._tenant,
                        "source_file_id": source.id,
                        "page_no": p.page,
                        "document_id": doc_of_page.get(p.page),
                        "status": p.status.value,
                        "reason": p.reason,
                        "form_id": p.form,
                        "form_version": p.form_version,
                        "image_sha256": infos[p.page].sha256 if p.page in infos else None,
                        "registration": _registration(p.registration),
                        "timings": {k: round(v, 4) for k, v in p.timings.items()},
                    }
                    for p in pages
                ],
            )
            source.state, source.page_count, source.updated_at = (
                SourceState.DONE.value,
                len(pages),
                now,
            )
            ids = sorted(set(doc_of_page.values()))
            summary = {str(p.page): p.status.value for p in sorted(pages, key=lambda p: p.page)}
            self._audit(
                s,
                Action.SAVED,
                OCR_ACTOR,
                source_file_id=source.id,
                new={"pages": summary, "documents": ids},
            )
            return ids

    def _saved_or_refused(self, s: Session, source: SourceFileRow) -> list[int] | None:
        """The document ids of a source file already saved, ``None`` if it is still to be
        saved; :class:`ConflictError` if it is quarantined."""
        if source.state == SourceState.QUARANTINED:
            raise ConflictError(
                f"source file {source.id} is quarantined; its results cannot be saved",
                "drop the results",
            )
        return self._document_ids(s, source.id) if self._has_pages(s, source.id) else None

    def _document_ids(self, s: Session, source_file_id: int) -> list[int]:
        return list(
            s.scalars(
                select(DocumentRow.id)
                .where(
                    DocumentRow.tenant_id == self._tenant,
                    DocumentRow.source_file_id == source_file_id,
                )
                .order_by(DocumentRow.first_page)
            )
        )

    def _write_image_files(self, images: Mapping[int, bytes], infos: dict[int, PngInfo]) -> None:
        """Before the transaction, so that no database lock is held while files are synced;
        harmless if the transaction then rolls back (see :mod:`.images`)."""
        for page_no, info in infos.items():
            self._images.write_once(relative_path(self._tenant, info.sha256), images[page_no])

    def _record_images(self, s: Session, infos: dict[int, PngInfo]) -> None:
        rows = {
            info.sha256: {
                "tenant_id": self._tenant,
                "sha256": info.sha256,
                "rel_path": relative_path(self._tenant, info.sha256),
                "width": info.width,
                "height": info.height,
                "byte_size": info.size,
                "created_at": self._now(),
            }
            for info in infos.values()
        }
        if rows:
            # Another worker may record the same image at the same moment: first one wins.
            dialect_insert = pg_insert if self._db.is_postgres else sqlite_insert
            s.execute(dialect_insert(PageImageRow).on_conflict_do_nothing(), list(rows.values()))

    def _create_documents(
        self, s: Session, source_id: int, pages: Sequence[PageResult], now: datetime
    ) -> dict[int, int]:
        doc_of_page: dict[int, int] = {}
        fields: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        samples: list[dict[str, Any]] = []
        conn = s.connection()
        rate = s.scalar(select(TenantRow.audit_rate).where(TenantRow.id == self._tenant)) or 0.0
        for group in group_pages(pages):
            first = group[0]
            assert first.form is not None and first.form_version is not None
            results = [(p.page, f) for p in group for f in p.fields.values()]
            drawn = set(sampling.draw([f for _, f in results], rate, self._audit_random))
            accepted = {f.id: f for _, f in results if f.id in drawn}
            results = [
                (n, sampling.disguise(f, self._audit_random) if f.id in drawn else f)
                for n, f in results
            ]
            models = {p.page: p.reader_model for p in group}
            open_conf = [f.confidence for _, f in results if f.status is FieldStatus.REVIEW]
            status = (DocumentStatus.REVIEW if open_conf else DocumentStatus.READY).value
            doc_id: int = conn.execute(
                insert(DOCUMENTS)
                .values(
                    tenant_id=self._tenant,
                    source_file_id=source_id,
                    first_page=first.page,
                    form_id=first.form,
                    form_version=first.form_version,
                    status=status,
                    version=1,
                    open_fields=len(open_conf),
                    min_confidence=min(open_conf, default=1.0),
                    created_at=now,
                    updated_at=now,
                )
                .returning(DOCUMENTS.c.id)
            ).scalar_one()
            doc_of_page.update((p.page, doc_id) for p in group)
            samples += [
                sampling.sample_row(self._tenant, doc_id, f, rate, now) for f in accepted.values()
            ]
            # One INSERT for all events (hundreds per file), so not through _audit_document.
            base = {
                "tenant_id": self._tenant,
                "at": now,
                "actor": OCR_ACTOR,
                "source_file_id": source_id,
                "document_id": doc_id,
                "doc_version": 1,
                "old": None,
                "detail": "",
            }
            events.append(
                {
                    **base,
                    "action": Action.CREATED.value,
                    "field_id": None,
                    "new": {
                        "form": first.form,
                        "form_version": first.form_version,
                        "status": status,
                        "pages": [p.page for p in group],
                    },
                }
            )
            for page_no, f in results:
                fields.append(
                    _field_row(self._sealer, doc_id, page_no, f, now, reader_model=models[page_no])
                )
                events.append(
                    {
                        **base,
                        "action": Action.OCR.value,
                        "field_id": f.id,
                        **self._sealed_event(
                            doc_id,
                            f.id,
                            old=None,
                            new=f.to_dict(detail=True),
                            detail="",
                            sensitive=is_sensitive(f.type),
                        ),
                    }
                )
        # Rows, not ORM objects (a file has hundreds): Core INSERTs on the session's
        # connection, in its transaction.
        if fields:
            conn.execute(insert(_table(FieldRow)), fields)
        if events:
            conn.execute(insert(_table(AuditEventRow)), events)
        if samples:
            conn.execute(insert(_table(AuditSampleRow)), samples)
        return doc_of_page
