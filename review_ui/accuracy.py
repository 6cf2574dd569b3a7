"""What the 集計 page shows of reading accuracy: per week, corrections per 100 fields and the
share of sampled auto-accepted fields that reviewers found wrong, with its 95 % Wilson
interval, and the measured error rate of accepted fields over all samples. Pure functions
over the store's counts (no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass

from ocr_pipeline.evaluate.stats import ErrorRate
from ocr_pipeline.store import AuditTotals, AuditWeek, ReviewStore

WEEKS = 12


@dataclass(frozen=True)
class Accuracy:
    """The sampling audit's rate, its weeks and its total (:meth:`measure`)."""

    audit_rate: float
    weeks: list[AuditWeek]
    total: AuditTotals

    @property
    def error_rate(self) -> ErrorRate:
        return ErrorRate.of(self.total.wrong, self.total.checked)

    @classmethod
    def measure(cls, town: ReviewStore, weeks: int = WEEKS) -> Accuracy:
        return cls(town.audit_rate(), town.audit_weeks(weeks), town.audit_totals())


def percent(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f} %"


def correction_rows(acc: Accuracy) -> list[dict[str, object]]:
    """Chart rows: 週 (Monday) and 100 項目あたりの修正."""
    return [
        {"週": w.week, "100 項目あたりの修正": round(w.corrections_per_100, 2)}
        for w in acc.weeks
        if w.corrections_per_100 is not None
    ]


def audit_rows(acc: Accuracy) -> list[dict[str, object]]:
    """Chart rows of the weeks with checked samples: 週, 誤り率 and its interval, in %."""
    rows: list[dict[str, object]] = []
    for w in acc.weeks:
        if not w.checked:
            continue
        e = ErrorRate.of(w.wrong, w.checked)
        rows.append(
            {
                "週": w.week,
                "誤り率（%）": round(100 * (e.rate or 0.0), 3),
                "95 % 下限（%）": round(100 * e.low, 3),
                "95 % 上限（%）": round(100 * e.high, 3),
            }
        )
    return rows


def week_table(acc: Accuracy) -> list[dict[str, object]]:
    """One row a week with every count, for the table under the charts."""
    out: list[dict[str, object]] = []
    for w in acc.weeks:
        e = ErrorRate.of(w.wrong, w.checked)
        out.append(
            {
                "週（月曜）": w.week,
                "項目数": w.fields,
                "修正": w.corrected,
                "100 項目あたり": "—"
                if w.corrections_per_100 is None
                else f"{w.corrections_per_100:.2f}",
                "抜き取り": w.samples,
                "確認済み": w.checked,
                "誤り": w.wrong,
                "誤り率": percent(e.rate),
                "95 % 信頼区間": f"{percent(e.low)} – {percent(e.high)}" if w.checked else "—",
            }
        )
    return out
