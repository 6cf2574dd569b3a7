"""Old-form kanji left in an address after Japan Post's place names go to a person."""

from __future__ import annotations

from ocr_pipeline.extract.interpret import address_old_forms


def test_an_old_form_after_the_place_names_is_confirmed_by_a_person() -> None:
    (reason,) = address_old_forms("北海道上磯郡木古内町大平６３番地綠ヶ丘ハイツ８０８")
    assert reason.code == "variant_kanji_risk"
    assert "綠" in reason.detail


def test_place_names_spelled_by_japan_post_are_not_questioned() -> None:
    assert not address_old_forms("青森県弘前市熊嶋１２番地")  # the town is officially 熊嶋
    assert not address_old_forms("東京都港区芝公園４丁目２－８")
