"""Calibrating per-type thresholds from evaluation outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocr_pipeline.evaluate.calibrate import MIN_SAMPLES, calibrate, eligible, page_half
from ocr_pipeline.evaluate.score import FieldOutcome
from ocr_pipeline.evaluate.stats import wilson_upper
from ocr_pipeline.extract.routing import Thresholds


def outcome(
    conf: float, correct: bool = True, ftype: str = "name", reasons: tuple[str, ...] = ()
) -> FieldOutcome:
    return FieldOutcome(
        source="s.png", page=1, form="water_service", field="f", type=ftype, truth="a",
        value="a" if correct else "b", confidence=conf, status="accepted", reasons=reasons,
        correct=correct, edits=0 if correct else 1, length=1,
    )  # fmt: skip


def spread(
    n: int, top: float = 0.999, step: float = 0.001, ftype: str = "name"
) -> list[FieldOutcome]:
    return [outcome(round(top - i * step, 6), ftype=ftype) for i in range(n)]


def accepted_errors(outcomes: list[FieldOutcome], threshold: float) -> int:
    return sum(not o.correct for o in outcomes if o.confidence >= threshold)


def test_the_threshold_lies_above_the_most_confident_error() -> None:
    outcomes = [*spread(60), outcome(0.97, correct=False), outcome(0.9, correct=False)]
    doc = calibrate(outcomes, target=0.001)
    threshold = doc["thresholds"]["name"]
    assert threshold > 0.97
    assert threshold == pytest.approx(0.971)  # the least confident field above the error
    assert accepted_errors(outcomes, threshold) == 0
    ev = doc["evidence"]["name"]
    assert ev["samples"] == 62
    assert ev["accepted"] == 29 and ev["errors_accepted"] == 0


def test_a_looser_target_accepts_a_little_error() -> None:
    outcomes = [*spread(200), outcome(0.95, correct=False)]
    doc = calibrate(outcomes, target=0.01)
    assert doc["thresholds"]["name"] < 0.95
    assert doc["evidence"]["name"]["errors_accepted"] == 1


def test_equal_confidences_are_not_split() -> None:
    outcomes = [outcome(1.0) for _ in range(40)] + [outcome(0.98, correct=False), outcome(0.98)]
    doc = calibrate(outcomes, target=0.001)
    assert doc["thresholds"]["name"] == 1.0
    assert doc["evidence"]["name"]["accepted"] == 40


def test_an_error_at_full_confidence_is_never_auto_accepted() -> None:
    outcomes = [outcome(1.0, correct=False), *spread(60)]
    doc = calibrate(outcomes, target=0.001)
    assert accepted_errors(outcomes, doc["thresholds"]["name"]) == 0


def test_types_with_few_samples_keep_the_default() -> None:
    few = spread(MIN_SAMPLES - 1, ftype="kana")
    enough = spread(MIN_SAMPLES, ftype="name")
    doc = calibrate([*few, *enough], target=0.001, default=0.995)
    assert doc["thresholds"]["kana"] == 0.995
    assert doc["thresholds"]["name"] < 0.995
    assert doc["evidence"]["kana"]["samples"] == MIN_SAMPLES - 1


def test_fields_routed_by_more_than_confidence_are_left_out() -> None:
    assert eligible(outcome(0.9, reasons=("low_confidence",)))
    assert not eligible(outcome(0.9, reasons=("invalid_date",)))
    assert not eligible(outcome(0.9, reasons=("review_policy",)))
    outcomes = [*spread(40), outcome(0.999, correct=False, reasons=("mynumber_check_digit",))]
    doc = calibrate(outcomes)
    assert doc["evidence"]["name"]["samples"] == 40
    assert doc["thresholds"]["name"] == pytest.approx(0.96)


def test_wilson_upper_bound() -> None:
    # Reference values of the 95 % Wilson score interval.
    assert wilson_upper(5, 10) == pytest.approx(0.7634, abs=1e-4)
    assert wilson_upper(0, 100) == pytest.approx(1.96**2 / (100 + 1.96**2))
    assert wilson_upper(0, 0) == 1.0
    assert wilson_upper(10, 10) == 1.0
    assert wilson_upper(1, 1000) < wilson_upper(1, 100) < wilson_upper(1, 10)


def test_the_calibration_document_is_what_routing_reads(tmp_path: Path) -> None:
    doc = calibrate([*spread(40), *spread(40, ftype="phone", top=0.9)], default=0.98)
    assert {"target_error", "created", "default", "thresholds", "evidence"} <= set(doc)
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    loaded = Thresholds.load(path)
    assert loaded.for_type("name") == doc["thresholds"]["name"]
    assert loaded.for_type("phone") == doc["thresholds"]["phone"]
    assert loaded.for_type("kana") == 0.98


def _paged(conf: float, page: int, correct: bool = True) -> FieldOutcome:
    from dataclasses import replace

    return replace(outcome(conf, correct), source=f"p{page}.png")


def test_held_out_check_finds_errors_one_half_never_saw() -> None:
    outcomes = [_paged(round(0.5 + 0.01 * k, 3), p) for p in range(80) for k in range(50)]
    # Three pages of the same half hold one sure error each: fitted there, the threshold
    # stays above them; fitted on the other half, which has none, it lets all three through.
    pages = [p for p in range(80) if page_half(_paged(0.5, p)) == 0][:3]
    outcomes += [_paged(0.995, p, correct=False) for p in pages]
    held = calibrate(outcomes, target=0.001)["held_out"]
    assert held["errors_accepted"] == 3
    assert held["accepted"] > 3
    assert held["error_upper_95"] > held["error_rate"] > 0


def test_held_out_check_of_clean_outcomes_finds_no_error() -> None:
    outcomes = [_paged(round(0.5 + 0.01 * k, 3), p) for p in range(40) for k in range(50)]
    held = calibrate(outcomes, target=0.001)["held_out"]
    assert held["errors_accepted"] == 0
    assert held["accepted"] == len(outcomes)
