"""form_schemas.japanese.kana: full-width katakana normal form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from form_schemas.japanese.kana import (
    HIRAGANA,
    KATAKANA,
    invalid_kana_chars,
    is_normal_kana,
    normalise_kana,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("やまだ たろう", "ヤマダ　タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"),
        ("ヤマダ　　タロウ ", "ヤマダ　タロウ"),
        ("さとう", "サトウ"),
        ("ゔぁいおりん", "ヴァイオリン"),
        ("らーめん", "ラーメン"),
        ("ラ-メン", "ラーメン"),
        ("ラ－メン", "ラーメン"),
        ("ラｰメン", "ラーメン"),
        ("ラ一メン", "ラーメン"),  # kanji 一 after a kana is a misread ー
        ("いすゞ", "イスヾ"),
    ],
)
def test_normalise_kana(raw: str, expected: str) -> None:
    assert normalise_kana(raw) == expected
    assert is_normal_kana(normalise_kana(raw))


def test_lone_half_width_sound_mark_is_reported() -> None:
    assert invalid_kana_chars(normalise_kana("ﾞ"))


def test_kanji_one_not_after_kana_is_kept_and_reported() -> None:
    out = normalise_kana("一ロウ")
    assert out == "一ロウ"
    assert invalid_kana_chars(out) == ["一"]
    assert normalise_kana("山一") == "山一"


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("山田", ["山", "田"]),
        ("ヤマダA", ["A"]),
        ("ジョン・スミス", ["・"]),
        ("やまだ", ["や", "ま", "だ"]),  # hiragana is not export form
        ("ヤマダ タロウ", [" "]),  # ASCII space is not export form
        ("ヤマダ　タロウ", []),
        ("ァィゥェォッャュョヮヵヶヴー", []),
    ],
)
def test_invalid_kana_chars(value: str, bad: list[str]) -> None:
    assert invalid_kana_chars(value) == bad


def test_spacing_is_part_of_normal_form() -> None:
    assert not is_normal_kana("ヤマダ　　タロウ")
    assert not is_normal_kana("　ヤマダ")


# Whole written units: a half-width voiced kana is two code points (ｶﾞ) and one unit.
kana_units = [*sorted(HIRAGANA | KATAKANA), "ｱ", "ｶﾞ", "ﾊﾟ", "ｰ", " ", "-", "ー", "\u3000"]
kana_text = st.lists(st.sampled_from(kana_units), max_size=20).map("".join)


@given(kana_text)
def test_written_kana_always_normalises_to_valid_kana(raw: str) -> None:
    out = normalise_kana(raw)
    assert is_normal_kana(out), out


@given(st.text(max_size=20))
def test_normalise_kana_is_idempotent(raw: str) -> None:
    once = normalise_kana(raw)
    assert normalise_kana(once) == once
