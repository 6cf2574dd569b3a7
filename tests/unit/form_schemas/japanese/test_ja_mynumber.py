"""form_schemas.japanese.mynumber: check digit and shape of 個人番号."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from form_schemas.japanese.mynumber import (
    MyNumberProblem,
    check_digit,
    mynumber_problem,
    normalise_mynumber,
)

VALID = "621498320257"  # the example of python-stdnum's documentation

eleven_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


def official_check_digit(first_eleven: str) -> str:
    """The published rule, written out independently: weights 6..2,7..2 from the left."""
    weights = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    remainder = sum(int(d) * w for d, w in zip(first_eleven, weights, strict=True)) % 11
    return "0" if remainder <= 1 else str(11 - remainder)


def test_known_valid_number() -> None:
    assert mynumber_problem(VALID) is None


@given(eleven_digits)
def test_any_number_built_with_its_check_digit_is_valid(first: str) -> None:
    assert check_digit(first) == official_check_digit(first)
    assert mynumber_problem(first + check_digit(first)) is None


@given(eleven_digits, st.integers(min_value=1, max_value=9))
def test_any_other_last_digit_fails(first: str, shift: int) -> None:
    wrong = str((int(check_digit(first)) + shift) % 10)
    found = mynumber_problem(first + wrong)
    assert found is not None
    assert found[0] is MyNumberProblem.CHECK_DIGIT


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("62149832025", MyNumberProblem.LENGTH),
        ("6214983202570", MyNumberProblem.LENGTH),
        ("62149832025X", MyNumberProblem.CHARS),
        ("", MyNumberProblem.CHARS),
        ("621498320258", MyNumberProblem.CHECK_DIGIT),
    ],
)
def test_problems(value: str, problem: MyNumberProblem) -> None:
    found = mynumber_problem(value)
    assert found is not None
    assert found[0] is problem


def test_detail_never_contains_the_number() -> None:
    found = mynumber_problem("621498320258")
    assert found is not None
    assert "6214" not in found[1]


@pytest.mark.parametrize(
    "raw", ["6214 9832 0257", "６２１４９８３２０２５７", "6214-9832-0257", "62I4983202S7"]
)
def test_normalise(raw: str) -> None:
    out = normalise_mynumber(raw)
    if "S" in raw:
        assert out == "6214983202S7"  # S is not taken for 5
    else:
        assert out == VALID
