"""form_schemas.japanese.dates: typed dates and building dates from parts."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from form_schemas.japanese.dates import InvalidDateError, build_date, is_iso_date, parse_typed_date
from form_schemas.japanese.era import format_wareki
from form_schemas.spec import Era


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("2024-04-01", (None, "2024", "04", "01")),
        ("2024/4/1", (None, "2024", "4", "1")),
        ("2024.4.1", (None, "2024", "4", "1")),
        ("2024年4月1日", (None, "2024", "4", "1")),
        ("20240401", (None, "2024", "04", "01")),
        ("２０２４／４／１", (None, "2024", "4", "1")),
        ("令和6年4月1日", (Era.REIWA, "6", "4", "1")),
        ("令和元年5月1日", (Era.REIWA, "元", "5", "1")),
        ("令和 6年 4月 1日", (Era.REIWA, "6", "4", "1")),
        ("令6.4.1", (Era.REIWA, "6", "4", "1")),
        ("R6.4.1", (Era.REIWA, "6", "4", "1")),
        ("r6/4/1", (Era.REIWA, "6", "4", "1")),
        ("Ｒ６．４．１", (Era.REIWA, "6", "4", "1")),
        ("S64.1.8", (Era.SHOWA, "64", "1", "8")),
        ("H元.1.8", (Era.HEISEI, "元", "1", "8")),
        ("明治45年7月29日", (Era.MEIJI, "45", "7", "29")),
        ("T15.12.24", (Era.TAISHO, "15", "12", "24")),
    ],
)
def test_parse_typed_date(typed: str, parts: tuple[Era | None, str, str, str]) -> None:
    assert parse_typed_date(typed) == parts


@pytest.mark.parametrize(
    "typed", ["4/1", "2024-4", "X6.4.1", "令和六年四月一日", "24/4/1", "tomorrow"]
)
def test_unparseable_typed_dates(typed: str) -> None:
    assert parse_typed_date(typed) is None


@pytest.mark.parametrize(
    ("parts", "fragment"),
    [
        ((None, "2023", "2", "29"), "not a calendar date"),
        ((None, "24", "4", "1"), "four digits"),
        ((None, "元", "4", "1"), "needs an era"),
        ((Era.REIWA, "6", "1a", "1"), "month '1a'"),
        ((Era.SHOWA, "64", "1", "8"), "昭和64年1月8日"),
        ((Era.REIWA, "0", "5", "1"), "令和0年"),
    ],
)
def test_build_date_names_the_problem(
    parts: tuple[Era | None, str, str, str], fragment: str
) -> None:
    with pytest.raises(InvalidDateError, match=fragment):
        build_date(*parts)


@given(st.dates(min_value=date(1873, 1, 1), max_value=date(2200, 12, 31)))
def test_any_date_written_in_wareki_reads_back(d: date) -> None:
    parsed = parse_typed_date(format_wareki(d))
    assert parsed is not None
    assert build_date(*parsed) == d


@given(st.dates(min_value=date(1000, 1, 1)))
def test_iso_dates_round_trip(d: date) -> None:
    assert is_iso_date(d.isoformat())
    assert build_date(None, f"{d.year:04d}", str(d.month), str(d.day)) == d


@pytest.mark.parametrize(
    "text", ["2024-02-30", "20240401", "2024-4-1", "2024-W14-1", "２０２４-04-01"]
)
def test_is_iso_date_rejects(text: str) -> None:
    assert not is_iso_date(text)
