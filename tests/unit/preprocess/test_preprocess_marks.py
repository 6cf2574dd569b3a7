"""Reading marks from pixels: circled options and ticked boxes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ocr_pipeline.preprocess.marks import box_score, option_score
from ocr_pipeline.synth import Style

FillPage = Callable[..., Any]  # the ``fill_page`` fixture
FORM = "furusato_onestop"


@pytest.mark.parametrize("style", [Style.PRINT, Style.HAND])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_circled_option_scores_high_and_its_neighbour_low(
    fill_page: FillPage, style: Style, seed: int
) -> None:
    filled = fill_page(FORM, {"sex": "female"}, style=style, seed=seed)
    male, female = filled.model.form.spec.field("sex").options
    circled = option_score(filled.reg, filled.model, female, [male])
    other = option_score(filled.reg, filled.model, male, [female])
    assert circled.score > 0.75
    assert other.score < 0.35
    assert circled.ink > other.ink


def test_a_circled_era_among_five_is_told_from_its_neighbours(fill_page: FillPage) -> None:
    filled = fill_page(FORM, {"birth_date": "1985-06-15"}, style=Style.HAND, seed=3)
    options = filled.model.form.spec.field("birth_date").options
    scores = {
        o.code: option_score(filled.reg, filled.model, o, [p for p in options if p is not o]).score
        for o in options
    }
    assert max(scores, key=lambda c: scores[c]) == "showa"
    assert scores["showa"] > 0.75
    assert all(s < 0.5 for c, s in scores.items() if c != "showa"), scores


def test_no_circle_scores_nothing(fill_page: FillPage) -> None:
    filled = fill_page(FORM, {})
    male, female = filled.model.form.spec.field("sex").options
    assert option_score(filled.reg, filled.model, male, [female]).score == 0.0
    assert option_score(filled.reg, filled.model, female, [male]).score == 0.0


@pytest.mark.parametrize("style", [Style.PRINT, Style.HAND])
def test_a_ticked_box_scores_high_and_an_empty_one_nothing(
    fill_page: FillPage, style: Style
) -> None:
    filled = fill_page(FORM, {"is_eligible_donor": True, "within_five": False}, style=style)
    spec = filled.model.form.spec
    ticked = box_score(filled.reg, filled.model, spec.field("is_eligible_donor").bbox)
    empty = box_score(filled.reg, filled.model, spec.field("within_five").bbox)
    assert ticked.score > 0.8
    assert empty.score < 0.1
    assert 0.0 <= empty.score <= ticked.score <= 1.0
