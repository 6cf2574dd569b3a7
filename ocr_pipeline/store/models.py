"""The tables of the store (SQLAlchemy 2 ORM). Private to ``ocr_pipeline.store``.

Every table carries ``tenant_id``, and every reference between tenant data is a composite
foreign key ``(tenant_id, x_id)``: the database itself refuses a page, field or export item that
points at another tenant's row. States are stored as text (see :mod:`.states`); times are UTC.

Audit events reference documents and source files by id without a foreign key, so that a purge
(:mod:`._retention`) can delete records while the trail of what happened to them stays. Actors are
free text (``"user:sato"``, ``"system:watcher"``). Users (``users``) are not tenant data: a login
is unique in the installation, and ``user_tenants`` says which tenants a user works for (one for
clerks and reviewers, one or more for administrators).

Any change here needs a new migration in ``migrations/versions`` (a test compares the two).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY is the auto rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")
# Plain JSON (text) also on PostgreSQL: JSONB would reorder keys, and what goes in (export
# parameters, audit values) must come back exactly as it was given.
Json = JSON(none_as_null=True)
Sha256 = String(64)
Tenant = String(64)
State = String(16)
ModelId = String(80)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps them as naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _tenant() -> Mapped[str]:
    return mapped_column(Tenant, ForeignKey("tenants.id"), nullable=False)


class TenantRow(Base):
    """A municipality. ``training_opt_in``: an administrator allowed its reviewed fields to be
    exported and trained on; ``reader_model``: the id of its own second reader model under
    ``<data_dir>/models/<tenant>/`` (empty: the packaged model)."""

    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(Tenant, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Share of auto-accepted fields sent to review as a sampling audit (0: none).
    audit_rate: Mapped[float] = mapped_column(
        Float, nullable=False, default=0.0, server_default=text("0")
    )
    training_opt_in: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    reader_model: Mapped[str | None] = mapped_column(ModelId, nullable=True)
    # Days a finished (exported or returned) document is kept before `formocr purge` removes
    # it (0: forever).
    retention_days: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )


class SourceFileRow(Base):
    __tablename__ = "source_files"
    __table_args__ = (
        UniqueConstraint("tenant_id", "sha256"),
        UniqueConstraint("tenant_id", "id"),
        Index("ix_source_files_tenant_state", "tenant_id", "state", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    sha256: Mapped[str] = mapped_column(Sha256, nullable=False)
    original_name: Mapped[str] = mapped_column(Text, nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    state: Mapped[str] = mapped_column(State, nullable=False)
    error: Mapped[Any] = mapped_column(Json, nullable=True)
    stored_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    page_count: Mapped[int | None] = mapped_column(Integer, nullable=True)


class WorkItemRow(Base):
    __tablename__ = "work_items"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "source_file_id"], ["source_files.tenant_id", "source_files.id"]
        ),
        UniqueConstraint("source_file_id", "kind"),
        Index("ix_work_items_state", "state", "id"),
        Index("ix_work_items_tenant_state", "tenant_id", "state", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    source_file_id: Mapped[int] = mapped_column(BigId, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    state: Mapped[str] = mapped_column(State, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    worker_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_error: Mapped[Any] = mapped_column(Json, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class PageImageRow(Base):
    """A page image file, stored once per tenant by the SHA-256 of its PNG bytes."""

    __tablename__ = "page_images"
    tenant_id: Mapped[str] = mapped_column(Tenant, ForeignKey("tenants.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(Sha256, primary_key=True)
    rel_path: Mapped[str] = mapped_column(Text, nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    byte_size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class DocumentRow(Base):
    """One filled form. ``version`` rises with every change (optimistic locking);
    ``open_fields`` and ``min_confidence`` (over open fields) order the review queue."""

    __tablename__ = "documents"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "source_file_id"], ["source_files.tenant_id", "source_files.id"]
        ),
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("source_file_id", "first_page"),
        Index("ix_documents_queue", "tenant_id", "status", "id"),
        Index("ix_documents_queue_form", "tenant_id", "status", "form_id", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    source_file_id: Mapped[int] = mapped_column(BigId, nullable=False)
    first_page: Mapped[int] = mapped_column(Integer, nullable=False)
    form_id: Mapped[str] = mapped_column(String(64), nullable=False)
    form_version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(State, nullable=False)
    return_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    open_fields: Mapped[int] = mapped_column(Integer, nullable=False)
    min_confidence: Mapped[float] = mapped_column(Float, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


# The "hardest first" order: most open fields, then the least sure of them, then the oldest.
Index(
    "ix_documents_hard",
    DocumentRow.tenant_id,
    DocumentRow.status,
    DocumentRow.open_fields.desc(),
    DocumentRow.min_confidence,
    DocumentRow.id,
)
Index(
    "ix_documents_hard_form",
    DocumentRow.tenant_id,
    DocumentRow.status,
    DocumentRow.form_id,
    DocumentRow.open_fields.desc(),
    DocumentRow.min_confidence,
    DocumentRow.id,
)

# Queue filters and dashboards by the day a document was made.
Index("ix_documents_created", DocumentRow.tenant_id, DocumentRow.created_at)
# Retention: finished documents by when they finished (a final status never changes again, so
# ``updated_at`` of an exported or returned document is when it became so).
Index("ix_documents_finished", DocumentRow.tenant_id, DocumentRow.status, DocumentRow.updated_at)


class PageRow(Base):
    """One page of a source file, whatever came of it; ``document_id`` is empty for pages that
    belong to no document (blank, unclassified, unregistered, error)."""

    __tablename__ = "pages"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "source_file_id"], ["source_files.tenant_id", "source_files.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "document_id"], ["documents.tenant_id", "documents.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "image_sha256"], ["page_images.tenant_id", "page_images.sha256"]
        ),
        UniqueConstraint("source_file_id", "page_no"),
        Index("ix_pages_document", "tenant_id", "document_id", "page_no"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    source_file_id: Mapped[int] = mapped_column(BigId, nullable=False)
    page_no: Mapped[int] = mapped_column(Integer, nullable=False)
    document_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    status: Mapped[str] = mapped_column(State, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    form_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    form_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    image_sha256: Mapped[str | None] = mapped_column(Sha256, nullable=True)
    registration: Mapped[Any] = mapped_column(Json, nullable=True)
    timings: Mapped[Any] = mapped_column(Json, nullable=True)


class FieldRow(Base):
    """One field of a document: current value, what OCR read, and its review state."""

    __tablename__ = "fields"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "document_id"], ["documents.tenant_id", "documents.id"]),
        UniqueConstraint("document_id", "field_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    document_id: Mapped[int] = mapped_column(BigId, nullable=False)
    field_id: Mapped[str] = mapped_column(String(128), nullable=False)
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    page_no: Mapped[int] = mapped_column(Integer, nullable=False)
    value: Mapped[Any] = mapped_column(Json, nullable=True)
    ocr_value: Mapped[Any] = mapped_column(Json, nullable=True)
    raw: Mapped[str] = mapped_column(Text, nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    char_confidences: Mapped[Any] = mapped_column(Json, nullable=False)
    status: Mapped[str] = mapped_column(State, nullable=False)
    reasons: Mapped[Any] = mapped_column(Json, nullable=False)
    bbox: Mapped[Any] = mapped_column(Json, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(200), nullable=False)
    # The second reader model that read the field when OCR saved it: "packaged" or a tenant
    # model id; empty when the second reader was off (or for rows older than this column).
    reader_model: Mapped[str | None] = mapped_column(ModelId, nullable=True)


class AuditEventRow(Base):
    """Append-only (database triggers refuse UPDATE and DELETE), but for one change: a purge
    erases the values of the events of the documents it removes (``old`` and ``new`` NULL,
    ``detail`` ``'$purged'``), keeping who, when, what and which field (migration 0006).
    ``doc_version`` is the document's version after the change, which is how a conflict names
    what changed."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_document", "tenant_id", "document_id", "id"),
        Index("ix_audit_events_source", "tenant_id", "source_file_id", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    source_file_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    document_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    field_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    doc_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    old: Mapped[Any] = mapped_column(Json, nullable=True)
    new: Mapped[Any] = mapped_column(Json, nullable=True)
    detail: Mapped[str] = mapped_column(Text, nullable=False)


class ExportRow(Base):
    __tablename__ = "exports"
    __table_args__ = (UniqueConstraint("tenant_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    profile: Mapped[str] = mapped_column(String(64), nullable=False)
    form_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    file_name: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(Sha256, nullable=False)
    byte_size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    params: Mapped[Any] = mapped_column(Json, nullable=False)
    document_count: Mapped[int] = mapped_column(Integer, nullable=False)


class ExportItemRow(Base):
    """A document in an export, at its row ``position``. A document is in one export at most."""

    __tablename__ = "export_items"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "export_id"], ["exports.tenant_id", "exports.id"]),
        ForeignKeyConstraint(["tenant_id", "document_id"], ["documents.tenant_id", "documents.id"]),
        UniqueConstraint("document_id"),
        UniqueConstraint("export_id", "position"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    export_id: Mapped[int] = mapped_column(BigId, nullable=False)
    document_id: Mapped[int] = mapped_column(BigId, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)


class UserRow(Base):
    """A person who logs in to the review UI. ``password_hash`` is an argon2id hash (never the
    password); ``failed_logins`` and ``locked_until`` slow down password guessing."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("login"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), nullable=False)
    display_name: Mapped[str] = mapped_column(Text, nullable=False)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(State, nullable=False)
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class UserTenantRow(Base):
    """A tenant a user works for."""

    __tablename__ = "user_tenants"
    __table_args__ = (Index("ix_user_tenants_tenant", "tenant_id", "user_id"),)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(Tenant, ForeignKey("tenants.id"), primary_key=True)


class FieldEntryRow(Base):
    """One blind entry of a double-entry field (ベリファイ入力), by one person. The second
    entry by another person decides the field, or sends it to a third person."""

    __tablename__ = "field_entries"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "document_id"], ["documents.tenant_id", "documents.id"]),
        UniqueConstraint("document_id", "field_id", "actor"),
        Index("ix_field_entries_document", "tenant_id", "document_id", "field_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    document_id: Mapped[int] = mapped_column(BigId, nullable=False)
    field_id: Mapped[str] = mapped_column(String(128), nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    value: Mapped[Any] = mapped_column(Json, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class UploadRow(Base):
    """A scan file a person put into the inbox through the review UI; the watcher's source
    file with the same SHA-256 tells what became of it."""

    __tablename__ = "uploads"
    __table_args__ = (
        Index("ix_uploads_actor", "tenant_id", "actor", "id"),
        Index("ix_uploads_sha256", "tenant_id", "sha256"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    sha256: Mapped[str] = mapped_column(Sha256, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class AuditSampleRow(Base):
    """An auto-accepted field drawn for the sampling audit and sent to review looking like an
    ordinary unsure field. Its row in ``fields`` shows the disguise; the truth is here: the
    confidence, character confidences and reasons the field was accepted with, the rate it was
    drawn at, and (``outcome``: ``right``, ``wrong`` or ``unreadable``) what the reviewer's
    decision showed of the accepted value (``fields.ocr_value``)."""

    __tablename__ = "audit_samples"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "document_id"], ["documents.tenant_id", "documents.id"]),
        UniqueConstraint("document_id", "field_id"),
        Index("ix_audit_samples_created", "tenant_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    document_id: Mapped[int] = mapped_column(BigId, nullable=False)
    field_id: Mapped[str] = mapped_column(String(128), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    rate: Mapped[float] = mapped_column(Float, nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    char_confidences: Mapped[Any] = mapped_column(Json, nullable=False)
    reasons: Mapped[Any] = mapped_column(Json, nullable=False)
    outcome: Mapped[str | None] = mapped_column(State, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class PurgeFileRow(Base):
    """A file a purge has still to remove, written in the transaction that removed its rows:
    ``kind`` ``image`` (``ref``: the page image's path under the image folder) or ``archive``
    (``ref``: the archived scan's ``stored_path``). The row goes once the file is gone, so a
    purge stopped between the two finishes at the next run."""

    __tablename__ = "purge_files"
    __table_args__ = (Index("ix_purge_files_tenant", "tenant_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = _tenant()
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    ref: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(Sha256, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
