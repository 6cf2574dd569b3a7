"""Initial schema: tenants, source files, work queue, page images, documents, pages, fields,
append-only audit events, exports.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types as the models define them, written out so that this migration never changes when the
# models do.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON(none_as_null=True)


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", BIG_ID, nullable=False)


def _tenant(table: str) -> list[SchemaItem]:
    return [
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants"
        ),
    ]


def _ref(table: str, column: str, target: str, target_column: str = "id") -> SchemaItem:
    return sa.ForeignKeyConstraint(
        ["tenant_id", column],
        [f"{target}.tenant_id", f"{target}.{target_column}"],
        name=f"fk_{table}_tenant_id_{column}_{target}",
    )


def _pk(table: str, *columns: str) -> SchemaItem:
    return sa.PrimaryKeyConstraint(*(columns or ("id",)), name=f"pk_{table}")


def _unique(table: str, *columns: str) -> SchemaItem:
    return sa.UniqueConstraint(*columns, name=f"uq_{table}_{'_'.join(columns)}")


def _tables() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        _pk("tenants"),
    )
    op.create_table(
        "source_files",
        _id(),
        *_tenant("source_files"),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("received_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("error", JSON, nullable=True),
        sa.Column("stored_path", sa.Text(), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=True),
        _pk("source_files"),
        _unique("source_files", "tenant_id", "id"),
        _unique("source_files", "tenant_id", "sha256"),
    )
    op.create_table(
        "work_items",
        _id(),
        *_tenant("work_items"),
        sa.Column("source_file_id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", _time(), nullable=True),
        sa.Column("worker_id", sa.String(200), nullable=True),
        sa.Column("last_error", JSON, nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        _ref("work_items", "source_file_id", "source_files"),
        _pk("work_items"),
        _unique("work_items", "source_file_id", "kind"),
    )
    op.create_table(
        "page_images",
        *_tenant("page_images"),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rel_path", sa.Text(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        _pk("page_images", "tenant_id", "sha256"),
    )
    op.create_table(
        "documents",
        _id(),
        *_tenant("documents"),
        sa.Column("source_file_id", BIG_ID, nullable=False),
        sa.Column("first_page", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("open_fields", sa.Integer(), nullable=False),
        sa.Column("min_confidence", sa.Float(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        _ref("documents", "source_file_id", "source_files"),
        _pk("documents"),
        _unique("documents", "source_file_id", "first_page"),
        _unique("documents", "tenant_id", "id"),
    )
    op.create_table(
        "pages",
        _id(),
        *_tenant("pages"),
        sa.Column("source_file_id", BIG_ID, nullable=False),
        sa.Column("page_no", sa.Integer(), nullable=False),
        sa.Column("document_id", BIG_ID, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("form_id", sa.String(64), nullable=True),
        sa.Column("form_version", sa.Integer(), nullable=True),
        sa.Column("image_sha256", sa.String(64), nullable=True),
        sa.Column("registration", JSON, nullable=True),
        sa.Column("timings", JSON, nullable=True),
        _ref("pages", "document_id", "documents"),
        _ref("pages", "image_sha256", "page_images", "sha256"),
        _ref("pages", "source_file_id", "source_files"),
        _pk("pages"),
        _unique("pages", "source_file_id", "page_no"),
    )
    op.create_table(
        "fields",
        _id(),
        *_tenant("fields"),
        sa.Column("document_id", BIG_ID, nullable=False),
        sa.Column("field_id", sa.String(128), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("page_no", sa.Integer(), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("ocr_value", JSON, nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("char_confidences", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("bbox", JSON, nullable=True),
        sa.Column("updated_at", _time(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        _ref("fields", "document_id", "documents"),
        _pk("fields"),
        _unique("fields", "document_id", "field_id"),
    )
    op.create_table(
        "audit_events",
        _id(),
        *_tenant("audit_events"),
        sa.Column("at", _time(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("source_file_id", BIG_ID, nullable=True),
        sa.Column("document_id", BIG_ID, nullable=True),
        sa.Column("field_id", sa.String(128), nullable=True),
        sa.Column("doc_version", sa.Integer(), nullable=True),
        sa.Column("old", JSON, nullable=True),
        sa.Column("new", JSON, nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        _pk("audit_events"),
    )
    op.create_table(
        "exports",
        _id(),
        *_tenant("exports"),
        sa.Column("profile", sa.String(64), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", _time(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("document_count", sa.Integer(), nullable=False),
        _pk("exports"),
        _unique("exports", "tenant_id", "id"),
    )
    op.create_table(
        "export_items",
        _id(),
        *_tenant("export_items"),
        sa.Column("export_id", BIG_ID, nullable=False),
        sa.Column("document_id", BIG_ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _ref("export_items", "document_id", "documents"),
        _ref("export_items", "export_id", "exports"),
        _pk("export_items"),
        _unique("export_items", "document_id"),
        _unique("export_items", "export_id", "position"),
    )


def _indexes() -> None:
    op.create_index("ix_source_files_tenant_state", "source_files", ["tenant_id", "state", "id"])
    op.create_index("ix_work_items_state", "work_items", ["state", "id"])
    op.create_index("ix_work_items_tenant_state", "work_items", ["tenant_id", "state", "id"])
    op.create_index("ix_documents_queue", "documents", ["tenant_id", "status", "id"])
    op.create_index(
        "ix_documents_queue_form", "documents", ["tenant_id", "status", "form_id", "id"]
    )
    # most open fields first, then the least sure of them, then the oldest
    hard: list[str | sa.ColumnElement[Any]] = [
        sa.literal_column("open_fields DESC"),
        "min_confidence",
        "id",
    ]
    op.create_index("ix_documents_hard", "documents", ["tenant_id", "status", *hard])
    op.create_index(
        "ix_documents_hard_form", "documents", ["tenant_id", "status", "form_id", *hard]
    )
    op.create_index("ix_pages_document", "pages", ["tenant_id", "document_id", "page_no"])
    op.create_index("ix_audit_events_document", "audit_events", ["tenant_id", "document_id", "id"])
    op.create_index("ix_audit_events_source", "audit_events", ["tenant_id", "source_file_id", "id"])


_REFUSE = "audit_events is append-only"


def _append_only_audit() -> None:
    """The database itself refuses to change or delete an audit event."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END"
            )


def upgrade() -> None:
    _tables()
    _indexes()
    _append_only_audit()


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_events_append_only() CASCADE")
    for table in (
        "export_items",
        "exports",
        "audit_events",
        "fields",
        "pages",
        "documents",
        "page_images",
        "work_items",
        "source_files",
        "tenants",
    ):
        op.drop_table(table)  # SQLite drops a table's triggers and indexes with it
