"""form_schemas.japanese.digits: the digit confusions absorbed, and only those."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from form_schemas.japanese.digits import is_digits, non_digits, read_digits, unify_dashes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("０１２３４５６７８９", "0123456789"),
        ("1O2o3", "10203"),
        ("l2I3|4", "121314"),
        ("Ｏｌ", "01"),  # full-width letters are folded first
        ("5SB8Z2g9D0", "5SB8Z2g9D0"),  # look-alikes that are not absorbed
        ("12-34", "12-34"),
    ],
)
def test_read_digits(raw: str, expected: str) -> None:
    assert read_digits(raw) == expected


@given(st.text(max_size=20))
def test_read_digits_is_idempotent(raw: str) -> None:
    once = read_digits(raw)
    assert read_digits(once) == once


def test_unify_dashes() -> None:
    assert unify_dashes("1ー2‐3−4－5") == "1-2-3-4-5"


@pytest.mark.parametrize(
    ("text", "ok"), [("0123", True), ("", False), ("１", False), ("²", False), ("1a", False)]
)
def test_is_digits(text: str, ok: bool) -> None:
    assert is_digits(text) is ok


def test_non_digits_lists_each_once_in_order() -> None:
    assert non_digits("1a2b3a") == ["a", "b"]
