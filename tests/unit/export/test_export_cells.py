"""ocr_pipeline.export.cells: dates in every format (era boundaries included), and the rule
for each field type."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from form_schemas.spec import FieldSpec, FieldValue, FormSpec
from ocr_pipeline.export import Column, DateFormat, ExportProfile, format_date
from ocr_pipeline.export.cells import CellError, format_field, format_timestamp


@pytest.mark.parametrize(
    ("day", "iso", "yyyymmdd", "era", "wareki"),
    [
        (date(2024, 4, 1), "2024-04-01", "20240401", "5060401", "令和6年4月1日"),
        (date(2019, 5, 1), "2019-05-01", "20190501", "5010501", "令和元年5月1日"),
        (date(2019, 4, 30), "2019-04-30", "20190430", "4310430", "平成31年4月30日"),
        (date(1989, 1, 8), "1989-01-08", "19890108", "4010108", "平成元年1月8日"),
        (date(1989, 1, 7), "1989-01-07", "19890107", "3640107", "昭和64年1月7日"),
        (date(1926, 12, 25), "1926-12-25", "19261225", "3011225", "昭和元年12月25日"),
        (date(1926, 12, 24), "1926-12-24", "19261224", "2151224", "大正15年12月24日"),
        (date(1912, 7, 29), "1912-07-29", "19120729", "1450729", "明治45年7月29日"),
        (date(1912, 7, 30), "1912-07-30", "19120730", "2010730", "大正元年7月30日"),
    ],
)
def test_date_formats(day: date, iso: str, yyyymmdd: str, era: str, wareki: str) -> None:
    assert format_date(day, DateFormat.ISO) == iso
    assert format_date(day, DateFormat.YYYYMMDD) == yyyymmdd
    assert format_date(day, DateFormat.ERA_YYMMDD) == era
    assert format_date(day, DateFormat.WAREKI) == wareki


def test_dates_before_meiji_have_no_era_form() -> None:
    assert format_date(date(1868, 1, 24), DateFormat.YYYYMMDD) == "18680124"
    for fmt in (DateFormat.ERA_YYMMDD, DateFormat.WAREKI):
        with pytest.raises(CellError, match="before 明治"):
            format_date(date(1868, 1, 24), fmt)


def test_era_year_of_three_digits_does_not_fit_era_yymmdd() -> None:
    with pytest.raises(CellError, match="three digits"):
        format_date(date(2118, 1, 1), DateFormat.ERA_YYMMDD)  # 令和100年


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-31T15:30:00+00:00", "20240401"),  # already 1 April in Japan
        ("2024-03-31T15:30:00Z", "20240401"),
        ("2024-03-31T23:30:00+09:00", "20240331"),
        ("2024-03-31T23:30:00", "20240331"),  # naive: taken as written
        ("2024-03-31", "20240331"),
    ],
)
def test_timestamps_are_dated_in_japan_time(raw: str, expected: str) -> None:
    assert format_timestamp(raw, DateFormat.YYYYMMDD) == expected


def _profile(**overrides: Any) -> ExportProfile:
    data: dict[str, Any] = {
        "id": "p",
        "title": "p",
        "form": "f",
        "columns": [{"value": "x", "name": "x"}],
    }
    return ExportProfile.model_validate({**data, **overrides})


def _cell(
    spec: FieldSpec, value: FieldValue, profile: ExportProfile | None = None, **col: Any
) -> str:
    return format_field(value, spec, Column(field="f", **col), profile or _profile())


def test_rules_per_field_type(forms: dict[str, FormSpec]) -> None:
    furusato, water = forms["furusato_onestop"], forms["water_service"]
    assert _cell(furusato.field("donation_amount"), 1234567) == "1234567"
    assert _cell(furusato.field("within_five"), True) == "1"
    assert _cell(furusato.field("within_five"), False) == "0"
    assert _cell(furusato.field("within_five"), True, booleans={True: "○", False: ""}) == "○"
    assert (
        _cell(furusato.field("within_five"), True, _profile(booleans={True: "Y", False: "N"}))
        == "Y"
    )
    sex = furusato.field("sex")
    assert _cell(sex, "female") == "female"
    assert _cell(sex, "female", choices="label") == "女"
    assert _cell(sex, "female", choices={"male": "1", "female": "2"}) == "2"
    assert _cell(furusato.field("postal_code"), "100-0013") == "100-0013"
    assert _cell(furusato.field("postal_code"), "100-0013", digits_only=True) == "1000013"
    assert _cell(furusato.field("phone"), "090-1234-5678", digits_only=True) == "09012345678"
    assert _cell(furusato.field("name"), "髙﨑 邊") == "髙﨑 邊"  # old forms kept as written
    assert _cell(furusato.field("name"), "ＡＢＣ　太郎") == "ＡＢＣ　太郎"  # full width kept
    assert (
        _cell(furusato.field("birth_date"), "1989-01-07", date_format="wareki") == "昭和64年1月7日"
    )
    assert _cell(water.field("meter_number"), "42", width=8) == "00000042"
    assert _cell(water.field("meter_number"), "42", width=4, pad=" ") == "  42"


def test_empty_values(forms: dict[str, FormSpec]) -> None:
    spec = forms["water_service"].field("meter_number")
    assert _cell(spec, None, width=8) == ""  # empty is not padded to 00000000
    assert _cell(spec, "  ", width=8) == ""
    assert _cell(spec, None, _profile(empty="NULL")) == "NULL"
    checkbox = forms["furusato_onestop"].field("within_five")
    assert _cell(checkbox, None) == ""  # unknown is not "unticked"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("donation_amount", "10000"),
        ("donation_amount", True),
        ("donation_amount", -1),
        ("within_five", "true"),
        ("within_five", 1),
        ("sex", "男"),
        ("birth_date", "1989/01/07"),
        ("birth_date", 19890107),
        ("name", False),
    ],
)
def test_wrong_types_are_refused(forms: dict[str, FormSpec], field: str, value: FieldValue) -> None:
    with pytest.raises(CellError):
        _cell(forms["furusato_onestop"].field(field), value)
