"""What every part of :class:`~ocr_pipeline.store.api.TenantStore` shares: the tenant it is
scoped to, the database, the clock, and the helpers that find a row *of this tenant* (or raise
:class:`NotFoundError`, the same for another tenant's id as for no id at all) and append audit
events inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from random import Random, SystemRandom
from typing import Any, TypedDict, cast

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.orm import Session

from form_schemas.spec import FormSpec

from . import _convert as conv
from ._sealed import Sealer, mentions_my_number
from .db import Database
from .errors import ConflictError, NotFoundError
from .images import ImageFiles
from .keys import Keyring
from .models import AuditEventRow, DocumentRow, FieldRow, PageRow, SourceFileRow
from .states import Action, DocumentStatus
from .views import Document

_CHUNK = 500
AUDIT_EVENTS = cast(Table, AuditEventRow.__table__)
Clock = Callable[[], datetime]
FormResolver = Callable[[str, int], FormSpec]
"""``(form id, version) -> FormSpec``; raises :class:`FormMissingError` when not installed."""


class About(TypedDict):
    """What an audit event about a document says of it."""

    source_file_id: int
    document_id: int
    doc_version: int | None


def insert_events(conn: Connection, events: list[dict[str, Any]]) -> None:
    """Append audit events (:meth:`TenantBase._event`) with one INSERT, without the ORM's
    unit of work (the intake's hot path)."""
    if events:
        conn.execute(insert(AUDIT_EVENTS), events)


def about(doc: DocumentRow, versioned: bool = True) -> About:
    """An event about ``doc`` names its source file, the document, and (``versioned``: for a
    change) the version the change made, which is how a later conflict names the change."""
    return {
        "source_file_id": doc.source_file_id,
        "document_id": doc.id,
        "doc_version": doc.version if versioned else None,
    }


class TenantBase:
    """State and helpers shared by the parts of a tenant's store."""

    def __init__(
        self,
        db: Database,
        images: ImageFiles,
        forms: FormResolver,
        tenant_id: str,
        clock: Clock,
        *,
        keys: Keyring,
        audit_random: Random | None = None,
    ) -> None:
        self._db = db
        # Draws the sampling audit (:mod:`._sampling`); seeded only in tests.
        self._audit_random = audit_random or SystemRandom()
        self._images = images
        self._forms = forms
        self._tenant = tenant_id
        self._clock = clock
        self._sealer = Sealer(keys, tenant_id)

    @property
    def tenant_id(self) -> str:
        return self._tenant

    def _now(self) -> datetime:
        return self._clock()

    def _audit(
        self,
        s: Session,
        action: Action,
        actor: str,
        *,
        source_file_id: int | None = None,
        document_id: int | None = None,
        field_id: str | None = None,
        doc_version: int | None = None,
        old: Any = None,
        new: Any = None,
        detail: str = "",
        sensitive: bool = False,
    ) -> None:
        """Append an event; ``sensitive``: it is about a sealed field (:mod:`._sealed`), so
        its ``old``, ``new`` and ``detail`` are sealed (so are they when ``detail``, a
        person's words, holds what may be a 個人番号)."""
        s.add(
            AuditEventRow(
                **self._event(
                    action,
                    actor,
                    source_file_id=source_file_id,
                    document_id=document_id,
                    field_id=field_id,
                    doc_version=doc_version,
                    old=old,
                    new=new,
                    detail=detail,
                    sensitive=sensitive,
                )
            )
        )

    def _event(
        self,
        action: Action,
        actor: str,
        *,
        source_file_id: int | None = None,
        document_id: int | None = None,
        field_id: str | None = None,
        doc_version: int | None = None,
        old: Any = None,
        new: Any = None,
        detail: str = "",
        sensitive: bool = False,
    ) -> dict[str, Any]:
        """The columns of an audit event as :meth:`_audit` appends it (for an INSERT
        without the ORM, :func:`insert_events`)."""
        return {
            "tenant_id": self._tenant,
            "at": self._now(),
            "actor": actor,
            "action": action.value,
            "source_file_id": source_file_id,
            "document_id": document_id,
            "field_id": field_id,
            "doc_version": doc_version,
            **self._sealed_event(
                document_id, field_id, old=old, new=new, detail=detail, sensitive=sensitive
            ),
        }

    def _audit_document(
        self,
        s: Session,
        action: Action,
        actor: str,
        doc: DocumentRow,
        *,
        field_id: str | None = None,
        old: Any = None,
        new: Any = None,
        detail: str = "",
        sensitive: bool = False,
        versioned: bool = True,
    ) -> None:
        """Append an event about ``doc`` (and ``field_id`` of it); see :meth:`_audit` and
        :func:`about`."""
        self._audit(
            s,
            action,
            actor,
            **about(doc, versioned),
            field_id=field_id,
            old=old,
            new=new,
            detail=detail,
            sensitive=sensitive,
        )

    def _sealed_event(
        self,
        document_id: int | None,
        field_id: str | None,
        *,
        old: Any,
        new: Any,
        detail: str,
        sensitive: bool,
    ) -> dict[str, Any]:
        """An audit event's ``old``, ``new`` and ``detail`` as stored."""
        seal = self._sealer
        sensitive = sensitive or mentions_my_number(detail)
        return {
            "old": seal.json_in(old, sensitive, document_id, field_id, "audit.old"),
            "new": seal.json_in(new, sensitive, document_id, field_id, "audit.new"),
            "detail": seal.text_in(
                detail, sensitive and bool(detail), document_id, field_id, "audit.detail"
            ),
        }

    def _source(self, s: Session, source_file_id: int, lock: bool = False) -> SourceFileRow:
        q = select(SourceFileRow).where(
            SourceFileRow.tenant_id == self._tenant, SourceFileRow.id == source_file_id
        )
        row = s.scalars(q.with_for_update() if lock else q).first()
        if row is None:
            raise NotFoundError("source file", source_file_id)
        return row

    def _has_pages(self, s: Session, source_file_id: int) -> bool:
        q = select(PageRow.id).where(
            PageRow.tenant_id == self._tenant, PageRow.source_file_id == source_file_id
        )
        return s.scalars(q.limit(1)).first() is not None

    def _document(self, s: Session, document_id: int, lock: bool = False) -> DocumentRow:
        q = select(DocumentRow).where(
            DocumentRow.tenant_id == self._tenant, DocumentRow.id == document_id
        )
        row = s.scalars(q.with_for_update() if lock else q).first()
        if row is None:
            raise NotFoundError("document", document_id)
        return row

    def _view(self, s: Session, doc: DocumentRow) -> Document:
        """The document with its fields and pages, as this transaction sees it."""
        return self._views(s, [doc])[0]

    def _views(self, s: Session, docs: Sequence[DocumentRow]) -> list[Document]:
        """Documents with fields and pages, loaded in a few queries per chunk of documents."""
        t = self._tenant
        out: list[Document] = []
        for start in range(0, len(docs), _CHUNK):
            chunk = docs[start : start + _CHUNK]
            ids = [d.id for d in chunk]
            fields: dict[int, list[FieldRow]] = {i: [] for i in ids}
            pages: dict[int, list[PageRow]] = {i: [] for i in ids}
            for f in s.scalars(
                select(FieldRow).where(FieldRow.tenant_id == t, FieldRow.document_id.in_(ids))
            ):
                fields[f.document_id].append(f)
            for p in s.scalars(
                select(PageRow).where(PageRow.tenant_id == t, PageRow.document_id.in_(ids))
            ):
                assert p.document_id is not None
                pages[p.document_id].append(p)
            source_ids = {d.source_file_id for d in chunk}
            names = {
                sid: name
                for sid, name in s.execute(
                    select(SourceFileRow.id, SourceFileRow.original_name).where(
                        SourceFileRow.tenant_id == t, SourceFileRow.id.in_(source_ids)
                    )
                )
            }
            out.extend(
                conv.document(
                    d, names.get(d.source_file_id, ""), fields[d.id], pages[d.id], self._sealer
                )
                for d in chunk
            )
        return out

    def _lock_document(
        self,
        s: Session,
        document_id: int,
        expected_version: int,
        allowed: frozenset[DocumentStatus],
        doing: str,
    ) -> DocumentRow:
        """The document, locked, its version raised by one: the caller's change is based on
        ``expected_version`` and the document is in one of the ``allowed`` statuses, or
        :class:`ConflictError` says what changed since."""
        doc = self._document(s, document_id, lock=True)
        if doc.version != expected_version:
            raise self._conflict(s, doc, expected_version)
        if doc.status not in allowed:
            wanted = " or ".join(sorted(allowed))
            raise ConflictError(
                f"document {document_id} is {doc.status}; {doing} needs it to be {wanted}",
                "reload the document; only documents in those states can be changed this way",
            )
        doc.version = expected_version + 1
        doc.updated_at = self._now()
        return doc

    def _conflict(self, s: Session, doc: DocumentRow, expected: int) -> ConflictError:
        rows = s.scalars(
            select(AuditEventRow)
            .where(
                AuditEventRow.tenant_id == self._tenant,
                AuditEventRow.document_id == doc.id,
                AuditEventRow.doc_version > expected,
            )
            .order_by(AuditEventRow.id)
        ).all()
        changes = tuple(
            " ".join(p for p in (r.action, r.field_id or "") if p)
            + f" by {r.actor} at {r.at:%Y-%m-%d %H:%M:%S} UTC"
            for r in rows
        )
        listed = "; ".join(changes) or "no recorded change"
        return ConflictError(
            f"document {doc.id} changed since version {expected} (now {doc.version}): {listed}",
            "reload the document, look at what changed, and make your change again",
            changes=changes,
        )
