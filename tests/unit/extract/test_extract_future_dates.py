"""A date years ahead of today is a misreading (令和7 read as 17), never accepted as is."""

from __future__ import annotations

from datetime import date

from ocr_pipeline.extract.interpret import far_future

TODAY = date(2026, 12, 2)


def test_a_date_ten_years_ahead_goes_to_a_person() -> None:
    (reason,) = far_future("2036-08-22", TODAY)
    assert reason.code == "date_in_future"


def test_dates_up_to_a_year_ahead_and_past_dates_pass() -> None:
    assert not far_future("2027-06-01", TODAY)
    assert not far_future("1955-03-01", TODAY)
    assert not far_future(None, TODAY)
