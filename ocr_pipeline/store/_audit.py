"""The sampling audit of auto-accepted fields (:mod:`._sampling`): a tenant's rate, and the
weekly figures of the dashboard (corrections per 100 fields; samples drawn, decided and found
wrong). Counts only: the interval of the measured error rate is the caller's
(``ocr_pipeline.evaluate.stats.wilson_interval``), since the store depends on nothing above
the shared ground."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import case, func, select

from . import _convert as conv
from ._sampling import WRONG_OUTCOMES, check_rate
from ._stats import JST_HOURS, StatsMixin
from .errors import NotFoundError
from .models import AuditEventRow, AuditSampleRow, DocumentRow, FieldRow, TenantRow
from .states import Action, FieldState
from .views import AuditEvent, AuditTotals, AuditWeek

JST = timezone(timedelta(hours=JST_HOURS))

SETTINGS_ACTIONS = frozenset(
    {Action.AUDIT_RATE_SET, Action.TRAINING_OPT_IN, Action.READER_MODEL, Action.RETENTION_SET}
)
"""The audit events of a tenant's settings (:meth:`AuditMixin.settings_events`)."""


def monday(day: str) -> str:
    """The Monday of the week of ``day`` (``YYYY-MM-DD``), in the same form."""
    d = date.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).isoformat()


class AuditMixin(StatsMixin):
    def audit_rate(self) -> float:
        """The share of auto-accepted fields sent to review as a sampling audit (0: off)."""
        with self._db.read() as s:
            rate = s.scalar(select(TenantRow.audit_rate).where(TenantRow.id == self._tenant))
        if rate is None:
            raise NotFoundError("tenant", self._tenant)
        return float(rate)

    def set_audit_rate(self, rate: float, *, actor: str) -> None:
        """Set the sampling rate (0 to 1; :class:`BadArgumentsError` otherwise) for documents
        saved from now on; an audit event records who changed it from what to what."""
        conv.check_actor(actor)
        rate = check_rate(rate)
        with self._db.write() as s:
            row = s.get(TenantRow, self._tenant, with_for_update=True)
            if row is None:
                raise NotFoundError("tenant", self._tenant)
            old, row.audit_rate = row.audit_rate, rate
            self._audit(
                s, Action.AUDIT_RATE_SET, actor, old={"audit_rate": old}, new={"audit_rate": rate}
            )

    def settings_events(self) -> list[AuditEvent]:
        """The changes of this tenant's settings (audit rate, training opt-in, reader model,
        retention period), oldest first: who, when, from what to what."""
        q = select(AuditEventRow).where(
            AuditEventRow.tenant_id == self._tenant,
            AuditEventRow.action.in_([a.value for a in SETTINGS_ACTIONS]),
        )
        with self._db.read() as s:
            return [conv.event(r, self._sealer) for r in s.scalars(q.order_by(AuditEventRow.id))]

    def audit_weeks(self, weeks: int = 12, now: datetime | None = None) -> list[AuditWeek]:
        """The figures of each of the last ``weeks`` weeks (Mondays, Japan time), oldest
        first; weeks with no document and no sample are left out. A field counts in the
        week its document was read, a sample in the week it was drawn."""
        start = (now or self._now()).astimezone(JST) - timedelta(weeks=weeks)
        since = datetime.combine(date.fromisoformat(monday(start.date().isoformat())), time(), JST)
        t = self._tenant
        fields: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        samples: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        with self._db.read() as s:
            day = self._day(DocumentRow.created_at)
            corrected = func.sum(case((FieldRow.status == FieldState.CORRECTED.value, 1), else_=0))
            q = (
                select(day, func.count(), corrected)
                .join(
                    DocumentRow,
                    (DocumentRow.tenant_id == FieldRow.tenant_id)
                    & (DocumentRow.id == FieldRow.document_id),
                )
                .where(FieldRow.tenant_id == t, DocumentRow.created_at >= since)
                .group_by(day)
            )
            for d, n, c in s.execute(q):
                week = fields[monday(d)]
                week[0] += n
                week[1] += c or 0
            sday = self._day(AuditSampleRow.created_at)
            checked = func.sum(case((AuditSampleRow.outcome.is_not(None), 1), else_=0))
            wrong = func.sum(case((AuditSampleRow.outcome.in_(WRONG_OUTCOMES), 1), else_=0))
            q2 = (
                select(sday, func.count(), checked, wrong)
                .where(AuditSampleRow.tenant_id == t, AuditSampleRow.created_at >= since)
                .group_by(sday)
            )
            for d, n, c, w in s.execute(q2):
                week = samples[monday(d)]
                week[0] += n
                week[1] += c or 0
                week[2] += w or 0
        return [
            AuditWeek(w, *fields.get(w, [0, 0]), *samples.get(w, [0, 0, 0]))
            for w in sorted(set(fields) | set(samples))
        ]

    def audit_totals(self) -> AuditTotals:
        """The sampling audit over all time (the measured error rate of accepted fields is
        ``wrong / checked``)."""
        checked = func.sum(case((AuditSampleRow.outcome.is_not(None), 1), else_=0))
        wrong = func.sum(case((AuditSampleRow.outcome.in_(WRONG_OUTCOMES), 1), else_=0))
        with self._db.read() as s:
            n, c, w = s.execute(
                select(func.count(), checked, wrong).where(AuditSampleRow.tenant_id == self._tenant)
            ).one()
        return AuditTotals(int(n), int(c or 0), int(w or 0))
