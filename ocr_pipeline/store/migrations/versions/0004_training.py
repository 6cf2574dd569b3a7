"""Learning from reviewers (issue 13): per tenant, whether its reviewed fields may be exported
and trained on (``training_opt_in``) and which second reader model it reads with
(``reader_model``); per field, the second reader model that read it.

Revision ID: 0004_training
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_training"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column("training_opt_in", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("reader_model", sa.String(80), nullable=True))
    with op.batch_alter_table("fields") as batch:
        batch.add_column(sa.Column("reader_model", sa.String(80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fields") as batch:
        batch.drop_column("reader_model")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("reader_model")
        batch.drop_column("training_opt_in")
