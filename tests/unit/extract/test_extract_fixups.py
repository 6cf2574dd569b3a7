"""Corrections of confusions the recognizer cannot avoid (small kana, kana/kanji twins)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from ocr_pipeline.engines import Recognition
from ocr_pipeline.extract.fixups import (
    UNSURE_SIZE,
    fix_hiragana_twins,
    fix_kana,
    fix_kana_size,
    fix_kana_size_in_text,
    fix_latin_one,
    fix_twins,
    small_plausible,
)

Reading = Callable[..., Recognition]


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("ャスダ", "ヤスダ"),  # a small kana cannot start a reading
        ("キョウ", "キョウ"),  # ...but follows an i-row kana
        ("シャチョウ", "シャチョウ"),
        ("サトゥ", "サトウ"),  # トゥ does not occur in names
        ("ファミリー", "ファミリー"),
        ("力ワイ", "カワイ"),  # a kanji twin in a reading is katakana
        ("カッコ", "カッコ"),
        ("テッヤ", "テツヤ"),  # a small ッ doubles no ヤ
        ("ナカヤマ\u3000テッヤ", "ナカヤマ\u3000テツヤ"),
        ("タッ", "タツ"),  # nor stands at the end
        ("ハットリ", "ハットリ"),
        ("はっとり", "はっとり"),
        ("てっや", "てつや"),
        ("ーサトウ", "サトウ"),  # a long-vowel mark after nothing is a stray stroke
        ("ヤマダ\u3000ーロウ", "ヤマダ\u3000ロウ"),
    ],
)
def test_fix_kana(reading: Reading, read: str, fixed: str) -> None:
    assert fix_kana(reading(read)).text == fixed


def test_fix_kana_leaves_a_correct_reading_untouched(reading: Reading) -> None:
    rec = reading("キョウ", 0.8)
    assert fix_kana(rec) == rec


def test_a_correction_is_as_sure_as_the_pair_was(reading: Reading) -> None:
    rec = reading("ャスダ", char_confidences=(0.6, 0.9, 0.9), alternatives=((("ヤ", 0.3),), (), ()))
    out = fix_kana(rec)
    assert out.text == "ヤスダ"
    assert out.char_confidences[0] == pytest.approx(0.9)
    assert out.confidence == pytest.approx(0.9)


def test_a_dropped_stroke_lowers_the_confidence(reading: Reading) -> None:
    out = fix_kana(reading("ーサトウ", 0.99))
    assert out.confidence <= 0.5
    assert len(out.char_confidences) == len(out.char_positions) == len(out.text)


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("平和力一サ", "平和カーサ"),  # katakana run with twins: katakana
        ("コ一ポ山田", "コーポ山田"),
        ("千倉町川ロ48", "千倉町川口48"),  # a lone twin between kanji: kanji
        ("工藤", "工藤"),
        ("一丁目", "一丁目"),
        ("タ方", "夕方"),
        ("1-2-3", "1-2-3"),  # dashes between numbers stay for the address normaliser
        ("3丁目ー5", "3丁目ー5"),
    ],
)
def test_fix_twins(reading: Reading, read: str, fixed: str) -> None:
    assert fix_twins(reading(read)).text == fixed


@pytest.mark.parametrize("text", ["ハイツ八王子101", "コーポ八幡2号"])
def test_fix_twins_keeps_a_place_name_after_katakana(reading: Reading, text: str) -> None:
    assert fix_twins(reading(text)).text == text


def test_small_plausible() -> None:
    assert small_plausible("キ", "ョ")
    assert not small_plausible("ア", "ョ")
    assert not small_plausible("", "ャ")
    assert small_plausible("カ", "ッ")
    assert not small_plausible("ン", "ッ")
    assert small_plausible("フ", "ァ")


def _heights_image(heights: list[int], pitch: int = 100, em: int = 50) -> np.ndarray:
    """A crop with one ink block per character, bottom-aligned, of the given heights."""
    image = np.full((em + 20, pitch * len(heights)), 255, dtype=np.uint8)
    for i, h in enumerate(heights):
        x = i * pitch + pitch // 2
        image[10 + em - h : 10 + em, x - 12 : x + 12] = 0
    return image


def test_fix_kana_size_reads_a_small_kana_from_its_height(reading: Reading) -> None:
    image = _heights_image([50, 30, 50])  # キ, a small ヨ, ウ
    assert fix_kana_size(reading("キヨウ"), image).text == "キョウ"


def test_fix_kana_size_reads_a_large_kana_from_its_height(reading: Reading) -> None:
    image = _heights_image([50, 50, 50])
    assert fix_kana_size(reading("サッカ"), image).text == "サツカ"
    image = _heights_image([50, 30, 50])
    assert fix_kana_size(reading("サッカ"), image).text == "サッカ"


@pytest.mark.parametrize(
    ("read", "fixed"),
    [("キヨウ", "キョウ"), ("キョウ", "キョウ"), ("キョシ", "キヨシ"), ("ミャコ", "ミヤコ")],
)
def test_a_full_size_yoon_after_an_i_row_kana_goes_to_a_person(
    reading: Reading, read: str, fixed: str
) -> None:
    out = fix_kana_size(reading(read), _heights_image([50, 50, 50]))
    assert out.text == fixed  # the ink says large, but キョウ drawn large is as likely:
    assert out.confidence <= UNSURE_SIZE  # the form names prefer, and a person looks


@pytest.mark.parametrize(("read", "fixed"), [("ミユキ", "ミユキ"), ("ジュリ", "ジユリ")])
def test_where_names_use_both_forms_the_ink_decides(
    reading: Reading, read: str, fixed: str
) -> None:
    out = fix_kana_size(reading(read), _heights_image([50, 50, 50]))
    assert out.text == fixed
    assert out.confidence <= UNSURE_SIZE


def test_a_full_size_yoon_elsewhere_keeps_its_confidence(reading: Reading) -> None:
    read = reading("サヨコ")  # ヨ after サ can only be large
    fixed = fix_kana_size(read, _heights_image([50, 50, 50]))
    assert fixed.text == "サヨコ"
    assert fixed.confidence == read.confidence


def test_a_vowel_after_vu_is_small_however_it_was_drawn(reading: Reading) -> None:
    fixed = fix_kana_size_in_text(reading("東ヴイラ"), _heights_image([50, 44, 44, 44]))
    assert fixed.text == "東ヴィラ"
    assert fixed.confidence <= UNSURE_SIZE  # read large: a person looks


def test_a_loan_vowel_written_small_in_an_address_becomes_small(reading: Reading) -> None:
    image = _heights_image([50, 44, 28, 44])  # 東, ヴ, a small ィ, ラ
    fixed = fix_kana_size_in_text(reading("東ヴイラ"), image)
    assert fixed.text == "東ヴィラ"


@pytest.mark.parametrize(
    ("text", "heights"),
    [
        ("緑シテイ", [50, 44, 44, 38]),  # in between: the ink does not tell
        ("号テイ", [50, 44, 44]),  # too few other kana in the word to compare
    ],
)
def test_a_loan_vowel_the_ink_does_not_settle_goes_to_a_person(
    reading: Reading, text: str, heights: list[int]
) -> None:
    fixed = fix_kana_size_in_text(reading(text), _heights_image(heights))
    assert fixed.text == text
    assert fixed.confidence <= UNSURE_SIZE


@pytest.mark.parametrize(
    ("text", "heights"),
    [
        ("緑シテイ", [50, 44, 44, 44]),  # clearly full size among kana: written large
        ("東ハイツ", [50, 44, 44, 44]),  # no loan sound: nothing to decide
        ("東ヴィラ", [50, 44, 44, 44]),  # a small reading is left alone
        ("山田太郎", [50, 50, 50, 50]),
    ],
)
def test_kana_size_in_text_leaves_settled_readings_alone(
    reading: Reading, text: str, heights: list[int]
) -> None:
    read = reading(text)
    assert fix_kana_size_in_text(read, _heights_image(heights)) == read


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("小田\u3000みどリ", "小田\u3000みどり"),
        ("松川町８０番地みどリハイツ", "松川町８０番地みどリハイツ"),  # リ may start ハイツ's word
        ("ひまわリ２０４号室", "ひまわり２０４号室"),
        ("さくらリバー", "さくらリバー"),
        ("リバー", "リバー"),
        ("ヘいわ", "ヘいわ"),  # not after hiragana: left as read
    ],
)
def test_fix_hiragana_twins(reading: Reading, read: str, fixed: str) -> None:
    assert fix_hiragana_twins(reading(read)).text == fixed


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("ＳＵＮＲ１ＳＥヴィラ６０８", "ＳＵＮＲＩＳＥヴィラ６０８"),
        ("SUNR1SE", "SUNRISE"),
        ("Ａ１棟", "Ａ１棟"),  # a number after a letter stays a number
        ("１Ａ", "１Ａ"),
    ],
)
def test_fix_latin_one(reading: Reading, read: str, fixed: str) -> None:
    assert fix_latin_one(reading(read)).text == fixed
