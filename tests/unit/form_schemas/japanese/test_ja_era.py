"""form_schemas.japanese.era: the era boundaries that forms depend on."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from form_schemas.japanese.era import InvalidWarekiDate, to_wareki, to_western
from form_schemas.spec import Era


@pytest.mark.parametrize(
    ("era", "y", "m", "d", "expected"),
    [
        (Era.SHOWA, 64, 1, 7, date(1989, 1, 7)),
        (Era.HEISEI, 1, 1, 8, date(1989, 1, 8)),
        (Era.HEISEI, 31, 4, 30, date(2019, 4, 30)),
        (Era.REIWA, 1, 5, 1, date(2019, 5, 1)),
        (Era.TAISHO, 15, 12, 24, date(1926, 12, 24)),
        (Era.SHOWA, 1, 12, 25, date(1926, 12, 25)),
        (Era.MEIJI, 45, 7, 29, date(1912, 7, 29)),
        (Era.TAISHO, 1, 7, 30, date(1912, 7, 30)),
        (Era.REIWA, 6, 2, 29, date(2024, 2, 29)),
    ],
)
def test_valid_boundary_dates(era: Era, y: int, m: int, d: int, expected: date) -> None:
    assert to_western(era, y, m, d) == expected


@pytest.mark.parametrize(
    ("era", "y", "m", "d"),
    [
        (Era.SHOWA, 64, 1, 8),
        (Era.HEISEI, 1, 1, 7),
        (Era.HEISEI, 31, 5, 1),
        (Era.REIWA, 1, 4, 30),
        (Era.TAISHO, 15, 12, 25),
        (Era.MEIJI, 45, 7, 30),
        (Era.REIWA, 0, 5, 1),
        (Era.REIWA, 5, 2, 29),
        (Era.REIWA, 6, 13, 1),
    ],
)
def test_dates_outside_their_era(era: Era, y: int, m: int, d: int) -> None:
    with pytest.raises(InvalidWarekiDate):
        to_western(era, y, m, d)


@given(st.dates(min_value=date(1868, 1, 25), max_value=date(2300, 12, 31)))
def test_every_date_round_trips(d: date) -> None:
    info, year = to_wareki(d)
    assert to_western(info.era, year, d.month, d.day) == d
