"""Blank-page detection and form classification on synthesised scans."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from form_schemas.registry import FormRegistry
from ocr_pipeline.preprocess.blank import check_blank
from ocr_pipeline.preprocess.classify import MIN_CLASSIFY_INLIERS, classify
from ocr_pipeline.preprocess.ink import to_gray
from ocr_pipeline.preprocess.templates import TemplateModel
from ocr_pipeline.synth import (
    Degrade,
    Style,
    SynthOptions,
    blank_page,
    degrade_page,
    foreign_page,
    synth_page,
)


@pytest.mark.parametrize("level", [Degrade.NONE, Degrade.MILD, Degrade.HARD])
@pytest.mark.parametrize("dpi", [200, 300])
def test_an_empty_back_side_with_scanner_noise_is_blank(level: Degrade, dpi: int) -> None:
    page = blank_page(np.random.default_rng(dpi), level, dpi=dpi)
    assert check_blank(page).blank


def test_a_blank_template_is_not_blank(template_models: dict[str, TemplateModel]) -> None:
    for model in template_models.values():
        result = check_blank(model.gray)
        assert not result.blank, model.form.id
        assert result.ink > 0.005


def test_a_few_words_on_an_otherwise_empty_page_are_not_blank() -> None:
    page = blank_page(np.random.default_rng(0), Degrade.MILD, dpi=200)
    cv2.putText(page, "Page 2 of 2", (600, 1200), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (0.0,), 5)
    assert not check_blank(page).blank


def test_dark_scanner_edges_do_not_count_as_ink() -> None:
    page = blank_page(np.random.default_rng(1), Degrade.MILD, dpi=200)
    page[:, :25] = 30  # the lid's shadow along the left edge
    page[-20:, :] = 30
    assert check_blank(page).blank


@pytest.mark.parametrize("form_id", ["furusato_onestop", "resident_move", "water_service"])
def test_a_filled_scan_is_classified_as_its_form(
    registry: FormRegistry, template_models: dict[str, TemplateModel], form_id: str
) -> None:
    options = SynthOptions(style=Style.HAND, degrade=Degrade.MILD)
    for seed in (1, 2):
        scan, truth = synth_page(registry.get(form_id), np.random.default_rng(seed), options)
        gray = to_gray(scan)
        result = classify(gray, truth["degrade"]["dpi"], list(template_models.values()))
        assert result.best is not None, result.explain()
        assert result.best.form_id == form_id
        assert result.matches[1].inliers < MIN_CLASSIFY_INLIERS  # no close runner-up
        assert form_id in result.explain()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_page_of_no_known_form_is_unclassified(
    template_models: dict[str, TemplateModel], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    scan, applied = degrade_page(foreign_page(rng), rng, Degrade.MILD)
    dpi = applied["dpi"]
    assert isinstance(dpi, int)
    result = classify(to_gray(scan), dpi, list(template_models.values()))
    assert result.best is None
    assert "matches no known form" in result.explain()
    assert len(result.matches) == len(template_models)


def test_no_candidates_means_no_form() -> None:
    page = blank_page(np.random.default_rng(0), Degrade.NONE)
    result = classify(page, 200, [])
    assert result.best is None
    assert result.explain() == "no forms are defined"
