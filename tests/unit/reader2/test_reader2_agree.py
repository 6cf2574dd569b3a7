"""When the two readings count as the same, and when they do not."""

from __future__ import annotations

import pytest

from ocr_pipeline.reader2.agree import MIN_PROB, compare, describe
from ocr_pipeline.reader2.model import CharGuess


def g(*top: tuple[str, float]) -> CharGuess:
    return CharGuess(top[0][0], top[0][1], tuple(top))


def test_same_characters_agree() -> None:
    assert compare("04", [g(("0", 0.9)), g(("4", 0.8))]) == []


def test_a_sure_different_digit_is_a_difference() -> None:
    diffs = compare("04", [g(("0", 0.9)), g(("8", 0.95), ("4", 0.03))])
    assert [(d.index, d.primary, d.second) for d in diffs] == [(1, "4", "8")]
    assert describe("04", [], diffs) == "recognizer 04, second reader 08"


def test_an_unsure_second_reading_does_not_count() -> None:
    weak = MIN_PROB["digit"] - 0.1
    assert compare("7", [g(("1", weak), ("7", 0.3))]) == []


def test_hiragana_and_katakana_agree() -> None:
    assert compare("ヤマダ", [g(("や", 0.9)), g(("マ", 0.9)), g(("だ", 0.6), ("ダ", 0.3))]) == []


def test_probabilities_of_both_syllabaries_add_up() -> None:
    # 0.35 + 0.3 for ヘ/へ beats 0.35 for ベ: the second reader reads ヘ
    assert compare("ヘ", [g(("ベ", 0.35), ("ヘ", 0.35), ("へ", 0.3))]) == []


def test_small_and_large_kana_differ_only_when_the_size_is_known() -> None:
    guesses = [g(("マ", 0.9)), g(("ツ", 0.8), ("ッ", 0.15)), g(("モ", 0.9)), g(("ト", 0.9))]
    diffs = compare("マッモト", guesses, size_known=True)
    assert [(d.primary, d.second) for d in diffs] == [("ッ", "ツ")]
    assert compare("マッモト", guesses, size_known=False) == []


def test_a_dash_and_the_long_vowel_mark_are_the_same() -> None:
    assert compare("-", [g(("ー", 0.9))]) == []


def test_a_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError):
        compare("12", [g(("1", 0.9))])


def test_a_large_kana_taken_for_small_is_not_counted() -> None:
    # small kana are rare and written at any size: only a small reading needs confirming
    assert compare("イトウ", [g(("イ", 0.9)), g(("ト", 0.9)), g(("ゥ", 0.95))]) == []


def test_a_long_vowel_mark_is_not_compared() -> None:
    assert compare("ーア", [g(("リ", 0.99)), g(("ア", 0.9))]) == []
