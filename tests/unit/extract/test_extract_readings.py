"""What a name reading allows around small kana (extract.readings)."""

from __future__ import annotations

import pytest

from ocr_pipeline.extract.readings import katakana, sokuon_fits, yoon_by_reading


def test_katakana_folds_hiragana_only() -> None:
    assert katakana("きょうこ") == "キョウコ"
    assert katakana("山田キヨシ") == "山田キヨシ"


@pytest.mark.parametrize(
    ("nxt", "fits"),
    [
        ("カ", True),
        ("ト", True),
        ("ぱ", True),
        ("ヤ", False),
        ("ア", False),
        ("ン", False),
        ("ー", False),
        ("", False),
        ("\u3000", False),
    ],
)
def test_sokuon_fits(nxt: str, fits: bool) -> None:
    assert sokuon_fits(nxt) is fits


@pytest.mark.parametrize(
    ("text", "i", "form"),
    [
        ("キヨウ", 1, "ョ"),
        ("キョウ", 1, "ョ"),
        ("リヨー", 1, "ョ"),
        ("キョシ", 1, "ヨ"),
        ("チヨコ", 1, "ヨ"),
        ("シユン", 1, "ュ"),
        ("リユウ", 1, "ュ"),
        ("ミャコ", 1, "ヤ"),
        ("きよう", 1, "ょ"),
        ("ちょこ", 1, "よ"),
        ("ミユキ", 1, None),  # ミユキ and ジュリ both occur: the ink decides
        ("サヨコ", 1, None),  # not after an i-row kana
        ("キヨ", 0, None),
        ("キカ", 1, None),
    ],
)
def test_yoon_by_reading(text: str, i: int, form: str | None) -> None:
    assert yoon_by_reading(text, i) == form
