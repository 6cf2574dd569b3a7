"""form_schemas.japanese.width: full/half width, spaces, address dashes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from form_schemas.japanese.width import (
    collapse_spaces,
    normalise_text,
    to_fullwidth,
    to_halfwidth_ascii,
    unify_address_dashes,
)

# Text as it reaches the normaliser: Japanese, Latin, digits, half-width kana, dashes, spaces.
japanese_text = st.text(
    alphabet=st.sampled_from(
        list("山田太郎髙﨑𠮷\ufa10あいうアイウｱｲｳｶﾞﾊﾟﾞﾟabcXYZ0129０１２")
        + list(" -‐−–—ーｰ─－\u3000\t\n一二三丁目番地号(),./")
    ),
    max_size=30,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("abcXYZ", "ａｂｃＸＹＺ"),
        ("0129", "０１２９"),
        ("ｱｲｳ", "アイウ"),
        ("ｶﾞｷﾞﾊﾟ", "ガギパ"),  # voiced marks combine with their kana
        ("ﾞ", "゛"),  # a lone sound mark still becomes full-width
        ("ｰ", "ー"),
        ("(株)", "(株)"),  # ASCII punctuation is kept as written
        ("山田", "山田"),
    ],
)
def test_to_fullwidth(raw: str, expected: str) -> None:
    assert to_fullwidth(raw) == expected


def test_old_kanji_survive_untouched() -> None:
    # 塚 U+FA10 is a compatibility ideograph: NFC alone would replace it, we must not.
    written = "髙橋　﨑山　𠮷田　\ufa10本　邊見"
    assert unicodedata.normalize("NFC", written) != written
    assert normalise_text(written) == written
    assert normalise_text(written, address=True) == written


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  山田   太郎 ", "山田　太郎"),
        ("山田\u3000\u3000太郎", "山田　太郎"),
        ("山田\t太郎\n", "山田　太郎"),
        ("山田太郎", "山田太郎"),
        ("   ", ""),
    ],
)
def test_collapse_spaces(raw: str, expected: str) -> None:
    assert collapse_spaces(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1-2-3", "１－２－３"),
        ("１ー２", "１－２"),
        ("1‐2", "１－２"),
        ("1−2", "１－２"),
        ("1–2", "１－２"),
        ("1—2", "１－２"),
        ("1ｰ2", "１－２"),
        ("1─2", "１－２"),
        ("三－5", "三－５"),
        ("二丁目3ー5", "二丁目３－５"),
        ("ハイツ1ー101", "ハイツ１－１０１"),
        ("コーポ山田", "コーポ山田"),  # long-vowel mark between katakana stays
        ("本町-1", "本町-１"),  # not between two numbers: kept as written
        ("1-", "１-"),
    ],
)
def test_address_dashes(raw: str, expected: str) -> None:
    assert normalise_text(raw, address=True) == expected


def test_dashes_are_not_touched_outside_addresses() -> None:
    assert normalise_text("1-2") == "１-２"


def test_unify_address_dashes_needs_numbers_on_both_sides() -> None:
    assert unify_address_dashes("ア-1") == "ア-1"
    assert unify_address_dashes("1-ア") == "1-ア"


def test_to_halfwidth_ascii() -> None:
    assert to_halfwidth_ascii("０１２ＡＢ－（）") == "012AB-()"
    assert to_halfwidth_ascii("アイウ山") == "アイウ山"


@given(japanese_text, st.booleans())
def test_normalise_text_is_idempotent(raw: str, address: bool) -> None:
    once = normalise_text(raw, address=address)
    assert normalise_text(once, address=address) == once


@given(japanese_text, st.booleans())
def test_normal_form_has_no_half_width_alnum_or_ascii_space(raw: str, address: bool) -> None:
    out = normalise_text(raw, address=address)
    assert not any(ch.isascii() and (ch.isalnum() or ch.isspace()) for ch in out)
    assert not any("\uff61" <= ch <= "\uff9f" for ch in out)  # half-width katakana block
    assert out == out.strip()
    assert "\u3000\u3000" not in out
