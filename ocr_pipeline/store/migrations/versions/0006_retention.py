"""Retention and purge of residents' documents: each tenant's retention period
(``tenants.retention_days``, 0 = keep forever), an index on when a document finished
(``documents.updated_at`` by status), the journal of files a purge has still to remove
(``purge_files``), and the one change the database allows to an audit event: erasing its
values (``old``, ``new`` and ``detail`` set to NULL, NULL and ``'$purged'``) while who, when,
what, which document and which field stay exactly as they were. Every other UPDATE, every
DELETE (and TRUNCATE) is still refused.

Revision ID: 0006_retention
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_retention"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, so that this migration never changes when the code does.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
REFUSE = "audit_events is append-only"
PURGED = "$purged"
_KEPT = ("tenant_id", "at", "actor", "action", "source_file_id", "document_id", "field_id",
         "doc_version")  # fmt: skip


def _erasing_only(same: str) -> str:
    """The condition under which an UPDATE of an audit event is an erasure and nothing else
    (``same``: the null-safe equality operator of the dialect)."""
    kept = " AND ".join(f"NEW.{c} {same} OLD.{c}" for c in ("id", *_KEPT))
    return f"{kept} AND NEW.old IS NULL AND NEW.new IS NULL AND NEW.detail = '{PURGED}'"


def _postgres_function(body: str) -> None:
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {body} END $$"
    )


def _triggers(erasing: bool) -> None:
    refuse = f"RAISE EXCEPTION '{REFUSE}';"
    if op.get_context().dialect.name == "postgresql":
        if erasing:
            cond = _erasing_only("IS NOT DISTINCT FROM")
            _postgres_function(f"IF TG_OP = 'UPDATE' AND {cond} THEN RETURN NEW; END IF; {refuse}")
        else:
            _postgres_function(refuse)
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    when = f"WHEN NOT ({_erasing_only('IS')}) " if erasing else ""
    op.execute(
        f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events {when}"
        f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"
    )


def upgrade() -> None:
    # A plain ADD COLUMN (see 0005): a batch copy of ``tenants`` would trip foreign keys.
    op.add_column(
        "tenants",
        sa.Column("retention_days", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.create_index("ix_documents_finished", "documents", ["tenant_id", "status", "updated_at"])
    op.create_table(
        "purge_files",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_purge_files_tenant_id_tenants"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_purge_files"),
    )
    op.create_index("ix_purge_files_tenant", "purge_files", ["tenant_id", "id"])
    _triggers(erasing=True)


def downgrade() -> None:
    _triggers(erasing=False)
    op.drop_index("ix_purge_files_tenant", table_name="purge_files")
    op.drop_table("purge_files")
    op.drop_index("ix_documents_finished", table_name="documents")
    op.execute("ALTER TABLE tenants DROP COLUMN retention_days")
