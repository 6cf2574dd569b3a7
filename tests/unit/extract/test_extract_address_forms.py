"""Place names of an address: misread ones taken from Japan Post's lexicon, old-form kanji
left after them confirmed by a person."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ocr_pipeline.engines import Recognition
from ocr_pipeline.extract.interpret import address_old_forms
from ocr_pipeline.extract.places import NEAR_CONFIDENCE, read_address

Reading = Callable[..., Recognition]


def test_an_old_form_after_the_place_names_is_confirmed_by_a_person() -> None:
    (reason,) = address_old_forms("北海道上磯郡木古内町大平６３番地綠ヶ丘ハイツ８０８")
    assert reason.code == "variant_kanji_risk"
    assert "綠" in reason.detail


def test_place_names_spelled_by_japan_post_are_not_questioned() -> None:
    assert not address_old_forms("青森県弘前市熊嶋１２番地")  # the town is officially 熊嶋
    assert not address_old_forms("東京都港区芝公園４丁目２－８")


def test_a_place_name_from_the_lexicon_alone_goes_to_a_person(reading: Reading) -> None:
    out = read_address(reading("烏取県倉吉市井手畑１７２０", 0.99))
    assert out.text == "鳥取県倉吉市井手畑１７２０"
    assert out.char_confidences[0] <= NEAR_CONFIDENCE
    assert out.confidence <= NEAR_CONFIDENCE
    assert len(out.char_confidences) == len(out.char_positions) == len(out.text)


def test_a_place_name_the_recognizer_considered_keeps_its_probability(reading: Reading) -> None:
    text = "北海道上１１１郡新得町二条北"
    alts: list[tuple[tuple[str, float], ...]] = [()] * len(text)
    alts[4] = (("川", 0.3),)
    out = read_address(reading(text, 0.6, alternatives=tuple(alts)))
    assert out.text == "北海道上川郡新得町二条北"
    assert out.char_confidences[4] == pytest.approx(0.9)
    assert len(out.char_confidences) == len(out.text)
