"""Scoring results against truth: per-field outcomes and the aggregate report.

A field is correct when its value equals the truth value exactly (both in export form; an
empty field is ``None``). Character accuracy is 1 - edit distance / truth length over all
fields. A field whose truth is wrong on the paper (a 個人番号 with a bad check digit, an
impossible date) is expected to go to review: ``expected_review_caught`` counts how often
it did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from form_schemas.spec import FieldValue

from ..results import FieldStatus, PageResult
from .stats import wilson_upper
from .truth import TruthPage


@dataclass(frozen=True)
class FieldOutcome:
    """One field's result next to its truth (also the calibration data)."""

    source: str
    page: int
    form: str
    field: str
    type: str
    truth: FieldValue
    value: FieldValue
    confidence: float
    status: str
    reasons: tuple[str, ...]
    correct: bool
    edits: int
    length: int
    expected_review: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PageOutcome:
    source: str
    page: int
    truth_status: str
    truth_form: str | None
    status: str
    form: str | None

    @property
    def correct(self) -> bool:
        if self.truth_status == "ok":
            return self.status == "ok" and self.form == self.truth_form
        return self.status == self.truth_status


def _text(v: FieldValue) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def score_page(result: PageResult, truth: TruthPage) -> tuple[PageOutcome, list[FieldOutcome]]:
    """Compare one page. Fields are scored only when the page was read as the right form."""
    page = PageOutcome(
        result.source, result.page, truth.status, truth.form, result.status.value, result.form
    )
    if truth.status != "ok" or result.form != truth.form:
        return page, []
    outcomes = []
    for fid, true_value in truth.fields.items():
        fr = result.fields.get(fid)
        value = fr.value if fr else None
        t, v = _text(true_value), _text(value)
        outcomes.append(
            FieldOutcome(
                source=result.source,
                page=result.page,
                form=result.form or "",
                field=fid,
                type=fr.type if fr else "missing",
                truth=true_value,
                value=value,
                confidence=fr.confidence if fr else 0.0,
                status=fr.status.value if fr else FieldStatus.REVIEW.value,
                reasons=tuple(r.code for r in fr.reasons) if fr else ("missing",),
                correct=fr is not None and value == true_value and type(value) is type(true_value),
                edits=edit_distance(t, v),
                length=len(t),
                expected_review=truth.expect_review.get(fid),
            )
        )
    return page, outcomes


def _share(num: int, den: int) -> float | None:
    return round(num / den, 6) if den else None


def accepted_errors(fields: Iterable[FieldOutcome]) -> dict[str, Any]:
    """How many fields were auto-accepted, how many of them were wrong, the error rate and
    its 95 % upper bound (Wilson): a rate means little without the count it rests on."""
    accepted = [f for f in fields if f.status == FieldStatus.ACCEPTED.value]
    wrong = sum(not f.correct for f in accepted)
    return {
        "accepted": len(accepted),
        "wrong_accepted": wrong,
        "auto_accept_error_rate": _share(wrong, len(accepted)),
        "auto_accept_error_upper_95": round(wilson_upper(wrong, len(accepted)), 6)
        if accepted
        else None,
    }


def _group(fields: list[FieldOutcome]) -> dict[str, Any]:
    accepted = [f for f in fields if f.status == FieldStatus.ACCEPTED.value]
    return {
        "fields": len(fields),
        "field_accuracy": _share(sum(f.correct for f in fields), len(fields)),
        "auto_accepted": _share(len(accepted), len(fields)),
        **accepted_errors(fields),
    }


def report(
    pages: Iterable[PageOutcome], fields: list[FieldOutcome], seconds: float
) -> dict[str, Any]:
    """The ``formocr eval --json`` object."""
    page_list = list(pages)
    accepted = [f for f in fields if f.status == FieldStatus.ACCEPTED.value]
    by_type: dict[str, list[FieldOutcome]] = defaultdict(list)
    by_form: dict[str, list[FieldOutcome]] = defaultdict(list)
    for f in fields:
        by_type[f.type].append(f)
        by_form[f.form].append(f)
    needs_review: dict[tuple[str, int], bool] = defaultdict(bool)
    for f in fields:
        needs_review[(f.source, f.page)] |= f.status != FieldStatus.ACCEPTED.value
    expected = [f for f in fields if f.expected_review]
    total_chars = sum(f.length for f in fields)
    form_pages = [p for p in page_list if p.truth_status == "ok"]
    return {
        "pages": len(page_list),
        "page_accuracy": _share(sum(p.correct for p in page_list), len(page_list)),
        "field_accuracy": _share(sum(f.correct for f in fields), len(fields)),
        "written_field_accuracy": _share(
            sum(f.correct for f in fields if f.truth is not None),
            sum(f.truth is not None for f in fields),
        ),
        "char_accuracy": round(1 - sum(f.edits for f in fields) / total_chars, 6)
        if total_chars
        else None,
        "by_type": {k: _group(v) for k, v in sorted(by_type.items())},
        "by_form": {k: _group(v) for k, v in sorted(by_form.items())},
        "straight_through_rate": _share(len(accepted), len(fields)),
        "pages_straight_through": _share(
            sum(p.correct and not needs_review[(p.source, p.page)] for p in form_pages),
            len(form_pages),
        ),
        **accepted_errors(fields),
        "expected_review_caught": _share(
            sum(f.status == FieldStatus.REVIEW.value for f in expected), len(expected)
        ),
        "pages_per_second": round(len(page_list) / seconds, 4) if seconds > 0 else None,
        "seconds": round(seconds, 3),
    }
