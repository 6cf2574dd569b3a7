"""Users of the review UI and their tenants, blind entries of double-entry fields, uploads
through the review UI, and an index for queue filters by day.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types as the models define them, written out so that this migration never changes when the
# models do.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON(none_as_null=True)


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants"
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", _time(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("login", name="uq_users_login"),
    )
    op.create_table(
        "user_tenants",
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_tenants_user_id_users"),
        _tenant_fk("user_tenants"),
        sa.PrimaryKeyConstraint("user_id", "tenant_id", name="pk_user_tenants"),
    )
    op.create_index("ix_user_tenants_tenant", "user_tenants", ["tenant_id", "user_id"])
    op.create_table(
        "field_entries",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("document_id", BIG_ID, nullable=False),
        sa.Column("field_id", sa.String(128), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        _tenant_fk("field_entries"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "document_id"],
            ["documents.tenant_id", "documents.id"],
            name="fk_field_entries_tenant_id_document_id_documents",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_field_entries"),
        sa.UniqueConstraint(
            "document_id", "field_id", "actor", name="uq_field_entries_document_id_field_id_actor"
        ),
    )
    op.create_index(
        "ix_field_entries_document", "field_entries", ["tenant_id", "document_id", "field_id"]
    )
    op.create_table(
        "uploads",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", _time(), nullable=False),
        _tenant_fk("uploads"),
        sa.PrimaryKeyConstraint("id", name="pk_uploads"),
    )
    op.create_index("ix_uploads_actor", "uploads", ["tenant_id", "actor", "id"])
    op.create_index("ix_uploads_sha256", "uploads", ["tenant_id", "sha256"])
    op.create_index("ix_documents_created", "documents", ["tenant_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_documents_created", table_name="documents")
    for table in ("uploads", "field_entries", "user_tenants", "users"):
        op.drop_table(table)
