"""Calibrating the confidence thresholds per field type from evaluation outcomes.

For each field type the threshold is the lowest confidence t such that, among fields with
confidence >= t that would otherwise be accepted (no failed check, review policy not
"always"), the share of wrong readings is at most the target (default 0.1 %). With few
samples that means: above the most confident error. The output is the JSON file
:class:`~ocr_pipeline.extract.routing.Thresholds` reads; it records the evidence per type,
including a 95 % upper bound of the error rate (Wilson) so that a reader can see how much
data stands behind each threshold.

Thresholds placed just above the most confident error of a sample are only as good as the
sample is large: a larger one holds rarer, surer errors. :func:`held_out_check` measures that
on the outcomes themselves: thresholds fitted on one half of the pages, applied to the other
(both ways), give the error rate to expect on writers the calibration never saw.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .score import FieldOutcome
from .stats import wilson_upper

MIN_SAMPLES = 30
"""Types with fewer eligible samples keep the conservative default threshold."""

UNGATED = {"low_confidence", "review_policy"}

NOTHING = 1.000001
"""The threshold that accepts nothing: confidences never exceed 1 (an error read with full
confidence must not be auto-accepted)."""


@dataclass(frozen=True)
class TypeCalibration:
    threshold: float
    samples: int
    accepted: int
    errors_accepted: int
    error_upper_95: float


def eligible(f: FieldOutcome) -> bool:
    """Fields whose routing is decided by their confidence alone."""
    return not (set(f.reasons) - UNGATED) and "review_policy" not in f.reasons


def calibrate_type(samples: list[FieldOutcome], target: float, default: float) -> TypeCalibration:
    ranked = sorted(samples, key=lambda f: f.confidence, reverse=True)
    if len(ranked) < MIN_SAMPLES:
        errs = sum(not f.correct for f in ranked if f.confidence >= default)
        n = sum(f.confidence >= default for f in ranked)
        return TypeCalibration(default, len(ranked), n, errs, wilson_upper(errs, n))
    best = (NOTHING, 0, 0)
    errors = 0
    for i, f in enumerate(ranked, 1):
        errors += not f.correct
        nxt = ranked[i].confidence if i < len(ranked) else -1.0
        if nxt == f.confidence:
            continue  # a threshold cannot split equal confidences
        if errors <= target * i:
            best = (f.confidence, i, errors)
    threshold, n, errs = best
    return TypeCalibration(threshold, len(ranked), n, errs, wilson_upper(errs, n))


def _fit(
    outcomes: Iterable[FieldOutcome], target: float, default: float
) -> dict[str, TypeCalibration]:
    by_type: dict[str, list[FieldOutcome]] = defaultdict(list)
    for f in outcomes:
        if eligible(f):
            by_type[f.type].append(f)
    return {t: calibrate_type(v, target, default) for t, v in sorted(by_type.items())}


def page_half(f: FieldOutcome) -> int:
    """Which half of the pages ``f`` belongs to (by its scan, so one writer's page never
    lands in both)."""
    return hashlib.sha256(f.source.encode("utf-8")).digest()[0] & 1


def held_out_check(
    outcomes: Sequence[FieldOutcome], target: float = 0.001, default: float = 0.99
) -> dict[str, Any]:
    """Thresholds fitted on one half of the pages and applied to the other, both ways:
    how many fields they accept there, how many of those are wrong, the rate and its 95 %
    upper bound (Wilson)."""
    accepted = errors = 0
    for half in (0, 1):
        fitted = _fit((f for f in outcomes if page_half(f) == half), target, default)
        for f in outcomes:
            if page_half(f) == half or not eligible(f):
                continue
            calibration = fitted.get(f.type)
            threshold = calibration.threshold if calibration is not None else default
            if f.confidence >= threshold:
                accepted += 1
                errors += not f.correct
    return {
        "accepted": accepted,
        "errors_accepted": errors,
        "error_rate": round(errors / accepted, 6) if accepted else None,
        "error_upper_95": round(wilson_upper(errors, accepted), 6),
    }


def calibrate(
    outcomes: Iterable[FieldOutcome], target: float = 0.001, default: float = 0.99
) -> dict[str, Any]:
    """The calibration document for ``outcomes`` (see module doc)."""
    every = list(outcomes)
    types = _fit(every, target, default)
    accepted = sum(c.accepted for c in types.values())
    errors = sum(c.errors_accepted for c in types.values())
    return {
        "target_error": target,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "default": default,
        "thresholds": {t: round(c.threshold, 6) for t, c in types.items()},
        "total": {
            "accepted": accepted,
            "errors_accepted": errors,
            "error_upper_95": round(wilson_upper(errors, accepted), 6),
        },
        "held_out": held_out_check(every, target, default),
        "evidence": {
            t: {
                "samples": c.samples,
                "accepted": c.accepted,
                "errors_accepted": c.errors_accepted,
                "error_upper_95": round(c.error_upper_95, 6),
            }
            for t, c in types.items()
        },
    }
