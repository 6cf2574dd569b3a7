"""Sampling audit of auto-accepted fields: each tenant's sampling rate (``tenants.audit_rate``,
0 = off) and the truth about every field drawn (``audit_samples``: what the machine had
accepted, and what the reviewer found).

Revision ID: 0005
Revises: 0004_training
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004_training"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types as the models define them, written out so that this migration never changes when the
# models do.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON(none_as_null=True)


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite allows it with a default): a batch copy of ``tenants``
    # would trip the foreign keys of every table that refers to it.
    op.add_column(
        "tenants", sa.Column("audit_rate", sa.Float(), nullable=False, server_default=sa.text("0"))
    )
    op.create_table(
        "audit_samples",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("document_id", BIG_ID, nullable=False),
        sa.Column("field_id", sa.String(128), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("char_confidences", JSON, nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("decided_at", _time(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_audit_samples_tenant_id_tenants"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "document_id"],
            ["documents.tenant_id", "documents.id"],
            name="fk_audit_samples_tenant_id_document_id_documents",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_samples"),
        sa.UniqueConstraint(
            "document_id", "field_id", name="uq_audit_samples_document_id_field_id"
        ),
    )
    op.create_index("ix_audit_samples_created", "audit_samples", ["tenant_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_samples_created", table_name="audit_samples")
    op.drop_table("audit_samples")
    op.drop_column("tenants", "audit_rate")  # SQLite 3.35+ drops a column in place
