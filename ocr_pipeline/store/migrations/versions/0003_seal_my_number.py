"""The 個人番号 sealed at rest: values a database of an older version holds in clear (fields,
blind entries, audit events of 個人番号 fields) are sealed with the installation's key
(:mod:`ocr_pipeline.store.keys`). No table changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import context, op

from ocr_pipeline.store._reseal import seal_clear, unseal_all

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    seal_clear(op.get_bind(), context.config.attributes.get("keys"))


def downgrade() -> None:
    unseal_all(op.get_bind(), context.config.attributes.get("keys"))
