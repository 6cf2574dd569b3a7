"""Calibrating the confidence thresholds per field type from evaluation outcomes.

For each field type the threshold is the lowest confidence t such that, among fields with
confidence >= t that would otherwise be accepted (no failed check, review policy not
"always"), the share of wrong readings is at most the target (default 0.1 %). With few
samples that means: above the most confident error. The output is the JSON file
:class:`~ocr_pipeline.extract.routing.Thresholds` reads; it records the evidence per type,
including a 95 % upper bound of the error rate (Wilson) so that a reader can see how much
data stands behind each threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
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


def calibrate(
    outcomes: Iterable[FieldOutcome], target: float = 0.001, default: float = 0.99
) -> dict[str, Any]:
    """The calibration document for ``outcomes`` (see module doc)."""
    by_type: dict[str, list[FieldOutcome]] = defaultdict(list)
    for f in outcomes:
        if eligible(f):
            by_type[f.type].append(f)
    types = {t: calibrate_type(v, target, default) for t, v in sorted(by_type.items())}
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
