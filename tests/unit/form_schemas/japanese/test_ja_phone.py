"""form_schemas.japanese.phone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from form_schemas.japanese.phone import normalise_phone, phone_problem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("03-1234-5678", "03-1234-5678"),
        ("03(1234)5678", "03-1234-5678"),
        ("(03)1234-5678", "03-1234-5678"),
        ("０３（１２３４）５６７８", "03-1234-5678"),
        ("０９０－１２３４－５６７８", "090-1234-5678"),
        ("090ー1234ー5678", "090-1234-5678"),
        ("090 1234 5678", "09012345678"),
        ("O3-l234-5678", "03-1234-5678"),
        ("0120-123-456", "0120-123-456"),
        ("03--1234-5678", "03-1234-5678"),
    ],
)
def test_normalise_phone(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected
    assert phone_problem(expected) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("03-1234-567", "9 digits"),
        ("090-1234-56789", "12 digits"),
        ("31-2345-6789", "start with 0"),
        ("03-1234-5678 内線12", "characters"),
        ("-03-1234-5678", "characters"),
        ("03--1234-5678", "characters"),
        ("0718-300-3285", "11 digits; a number with its prefix has 10"),  # 078 with a 1 too many
        ("040-4384-5746", "has 10"),  # 090 read as 040
        ("090-1234-567", "has 11"),
        ("00-1234-5678", "area or service code"),
        ("0467-123-456", "subscriber"),
    ],
)
def test_phone_problem(value: str, fragment: str) -> None:
    problem = phone_problem(value)
    assert problem is not None
    assert fragment in problem
    assert "1234" not in problem  # the number itself is not repeated into logs


@pytest.mark.parametrize(
    "value",
    ["0467-12-3456", "078-300-3285", "011-123-4567", "050-1234-5678", "070-1234-5678",
     "0800-123-4567", "0570-123-456", "0120-12-3456", "0312345678", "090-12345678"],
)  # fmt: skip
def test_numbers_of_the_numbering_plan_pass(value: str) -> None:
    assert phone_problem(value) is None


@given(st.text(alphabet="0123456789-()ー－ 　Oo", max_size=20))
def test_normalise_phone_is_idempotent(raw: str) -> None:
    once = normalise_phone(raw)
    assert normalise_phone(once) == once
