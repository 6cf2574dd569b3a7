"""An address whose prefecture or municipality was misread by one character (spelling)."""

from __future__ import annotations

import pytest

from form_schemas.japanese.spelling import near_place_prefix


def _fixed(text: str) -> str | None:
    near = near_place_prefix(text)
    if near is None:
        return None
    changes, _ = near
    return "".join(changes.get(i, c) for i, c in enumerate(text))


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("烏取県倉吉市井手畑１７２０－１", "鳥取県倉吉市井手畑１７２０－１"),
        ("岐卓県恵那市長島町中野９６番地", "岐阜県恵那市長島町中野９６番地"),
        ("愛知県稲尺市日下部花ノ木町１０１７番地", "愛知県稲沢市日下部花ノ木町１０１７番地"),
        ("北海道上１１１郡新得町二条北４丁目", "北海道上川郡新得町二条北４丁目"),  # 川 as strokes
        ("和歌山県東牟婁郡古座１１町佐田５４", "和歌山県東牟婁郡古座川町佐田５４"),
    ],
)
def test_one_misread_place_character_is_taken_from_the_lexicon(read: str, fixed: str) -> None:
    assert _fixed(read) == fixed


def test_the_town_written_next_chooses_between_equally_near_places() -> None:
    # 豊由市 is one character from both 豊田市 and 豊川市; only 豊田市 has a 摺町
    assert _fixed("愛知県豊由市摺町２３２７") == "愛知県豊田市摺町２３２７"


def test_strokes_after_the_place_names_are_left_alone() -> None:
    assert _fixed("岐阜県関方梅章寺山１１－５") == "岐阜県関市梅章寺山１１－５"


@pytest.mark.parametrize(
    "text",
    [
        "愛知県半田市有脇町３丁目",  # already a known place
        "愛知県豊由市２３２７",  # 豊田市 or 豊川市, and no town to choose by
        "烏取県倉古市井手畑",  # two misread characters: too far
        "ロイヤルさくら４０４",  # no place at all
        "",
    ],
)
def test_no_near_place(text: str) -> None:
    assert near_place_prefix(text) is None
