"""Figures for the dashboard, computed in the database (a few grouped queries, whatever the
number of records): fields by form, type and state; documents made and approved per day;
documents that went straight through (no field needed a person)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from ._base import TenantBase
from .models import AuditEventRow, DocumentRow, FieldRow
from .states import Action, FieldState
from .views import DayCount, FieldStat

JST_HOURS = 9  # days are counted in Japan time


class StatsMixin(TenantBase):
    def field_stats(self) -> list[FieldStat]:
        """How many fields of each form and field type are in each state: ``accepted`` went
        straight through, ``corrected`` were changed by a person, ``confirmed`` were looked at
        and kept, ``review`` still wait, ``unreadable`` could not be read."""
        t = self._tenant
        q = (
            select(DocumentRow.form_id, FieldRow.type, FieldRow.status, func.count())
            .join(
                DocumentRow,
                (DocumentRow.tenant_id == FieldRow.tenant_id)
                & (DocumentRow.id == FieldRow.document_id),
            )
            .where(FieldRow.tenant_id == t)
            .group_by(DocumentRow.form_id, FieldRow.type, FieldRow.status)
            .order_by(DocumentRow.form_id, FieldRow.type, FieldRow.status)
        )
        with self._db.read() as s:
            return [FieldStat(f, ty, FieldState(st), n) for f, ty, st, n in s.execute(q)]

    def straight_through(self) -> tuple[int, int]:
        """``(documents, documents no person had to change or confirm)``."""
        t = self._tenant
        with self._db.read() as s:
            total = s.scalar(select(func.count()).where(DocumentRow.tenant_id == t)) or 0
            touched = (
                s.scalar(
                    select(func.count(func.distinct(FieldRow.document_id))).where(
                        FieldRow.tenant_id == t, FieldRow.status != FieldState.ACCEPTED.value
                    )
                )
                or 0
            )
        return total, total - touched

    def daily_counts(self, days: int, now: datetime | None = None) -> list[DayCount]:
        """Documents made and approved on each of the last ``days`` days (Japan time), oldest
        first; days with neither are left out."""
        since = (now or self._now()) - timedelta(days=days)
        t = self._tenant
        with self._db.read() as s:
            day = self._day(DocumentRow.created_at)
            created: dict[str, int] = {
                d: n
                for d, n in s.execute(
                    select(day, func.count())
                    .where(DocumentRow.tenant_id == t, DocumentRow.created_at >= since)
                    .group_by(day)
                )
            }
            aday = self._day(AuditEventRow.at)
            approved: dict[str, int] = {
                d: n
                for d, n in s.execute(
                    select(aday, func.count())
                    .where(
                        AuditEventRow.tenant_id == t,
                        AuditEventRow.action == Action.APPROVED.value,
                        AuditEventRow.at >= since,
                    )
                    .group_by(aday)
                )
            }
        return [
            DayCount(d, created.get(d, 0), approved.get(d, 0))
            for d in sorted(set(created) | set(approved))
        ]

    def _day(self, column: InstrumentedAttribute[datetime]) -> ColumnElement[str]:
        if self._db.is_postgres:
            return func.to_char(func.timezone("Asia/Tokyo", column), "YYYY-MM-DD")
        return func.strftime("%Y-%m-%d", column, f"+{JST_HOURS} hours")
