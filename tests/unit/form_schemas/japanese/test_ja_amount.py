"""form_schemas.japanese.amount."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from form_schemas.japanese.amount import amount_problem, read_amount


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("10,000円", 10000),
        ("¥10000", 10000),
        ("￥10,000", 10000),
        ("\\5,000", 5000),
        ("１０，０００", 10000),
        ("金10,000円", 10000),
        ("金10,000円也", 10000),
        ("¥10,000-", 10000),
        ("1,234,567", 1234567),
        ("0", 0),
        ("1O,OOO", 10000),
        (" 3 000 ", 3000),
        ("-500", -500),
        ("△500", -500),
        ("▲1,000円", -1000),
    ],
)
def test_read_amount(raw: str, value: int) -> None:
    assert read_amount(raw).value == value


@pytest.mark.parametrize("raw", ["10,00", "1,0000", ",100", "1万円", "abc", "", "10.000", "1-000"])
def test_unreadable_amounts_keep_the_text(raw: str) -> None:
    reading = read_amount(raw)
    assert reading.value is None
    assert reading.text == raw.replace(" ", "")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (0, True),
        (10000, True),
        (-1, False),
        ("10000", False),
        (True, False),
        (1.5, False),
        (None, False),
    ],
)
def test_amount_problem(value: object, ok: bool) -> None:
    assert (amount_problem(value) is None) is ok


@given(st.integers(min_value=0, max_value=10**12))
def test_written_amounts_round_trip(n: int) -> None:
    assert read_amount(f"{n:,}円").value == n
    assert read_amount(f"¥{n}").value == n
    assert read_amount(f"金{n:,}円也").value == n
