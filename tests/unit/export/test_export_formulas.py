"""CSV injection: cells starting with = + - @, tab or CR get a leading ' in every built-in
profile (bytes checked in the CP932 and the UTF-8 profiles), unless a profile opts out; the
neutralised cells are reported by line and column, never by value."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from form_schemas.spec import FieldValue, FormSpec
from ocr_pipeline.export import ExportRecord, ProfileRegistry, neutralise, render, render_report
from ocr_pipeline.export.formulas import needs_neutralising

MakeRecord = Callable[..., ExportRecord]

# (value typed by a reviewer, the cell as written: CSV-quoted where it must be)
CASES = [
    ("=1+1", "'=1+1"),
    ("+81-3-1234", "'+81-3-1234"),
    ("-2+3", "'-2+3"),
    ("@cmd", "'@cmd"),
    ('=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", '"\'\r=1+1"'),
]
RAW = [
    ("=1+1", "=1+1"),
    ("-2+3", "-2+3"),
    ('=HYPERLINK("http://x","y")', '"=HYPERLINK(""http://x"",""y"")"'),
    ("\r=1+1", '"\r=1+1"'),
]


@pytest.fixture
def water(
    make: MakeRecord, water_values: dict[str, FieldValue]
) -> Callable[[str], list[ExportRecord]]:
    """``water(name)``: one 水道 record whose 使用者名 is ``name``."""
    return lambda name: [make("water_service", "W-0001", {**water_values, "user_name": name})]


@pytest.mark.parametrize("pid", ["water_service_cp932", "water_service_utf8"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_formula_cells_get_a_leading_quote(
    profiles: ProfileRegistry,
    forms: dict[str, FormSpec],
    water: Callable[[str], list[ExportRecord]],
    pid: str,
    case: tuple[str, str],
) -> None:
    value, cell = case
    profile = profiles.get(pid)
    codec = profile.encoding.check_codec
    data = render(profile, forms["water_service"], water(value))
    # 使用者名 follows 使用者カナ in both profiles
    kana = "ヤマダ タロウ".encode(codec)
    assert kana + b"," + cell.encode(codec) + b"," in data
    assert b"," + value.encode(codec) + b"," not in data


def test_cp932_profile_bytes_of_a_phone_written_digits_only(
    profiles: ProfileRegistry,
    forms: dict[str, FormSpec],
    make: MakeRecord,
    water_values: dict[str, FieldValue],
) -> None:
    water_values["phone"] = "+81-3-1234"
    data = render(
        profiles.get("water_service_cp932"),
        forms["water_service"],
        [make("water_service", "W-0001", water_values)],
    )
    assert b",'+8131234,2," in data  # digits_only drops the hyphens; the + still leads


@pytest.mark.parametrize("case", RAW, ids=[c[0] for c in RAW])
def test_a_profile_can_opt_out_for_raw_values(
    profiles: ProfileRegistry,
    forms: dict[str, FormSpec],
    water: Callable[[str], list[ExportRecord]],
    case: tuple[str, str],
) -> None:
    value, cell = case
    raw = profiles.get("water_service_cp932").model_copy(update={"neutralise_formulas": False})
    out = render_report(raw, forms["water_service"], water(value))
    assert "ヤマダ タロウ,".encode("cp932") + cell.encode("cp932") + b"," in out.data
    assert out.neutralised == ()


def test_every_built_in_profile_neutralises_by_default(profiles: ProfileRegistry) -> None:
    assert all(p.neutralise_formulas for p in profiles)


def test_neutralised_cells_are_reported_by_line_and_column_without_the_value(
    profiles: ProfileRegistry,
    forms: dict[str, FormSpec],
    make: MakeRecord,
    water_values: dict[str, FieldValue],
) -> None:
    records = [
        make("water_service", "W-0001", water_values),
        make("water_service", "W-0002", {**water_values, "phone": "+81-3-1234", "remarks": "-2"}),
    ]
    out = render_report(profiles.get("water_service_utf8"), forms["water_service"], records)
    got = [c.to_dict() for c in out.neutralised]
    assert got == [
        {"line": 2, "document_id": "W-0002", "column": "連絡先電話番号", "source": "phone"},
        {"line": 2, "document_id": "W-0002", "column": "備考", "source": "remarks"},
    ]
    assert "+81" not in repr(got)


def test_table_rows_report_the_cell_of_their_row(
    profiles: ProfileRegistry,
    forms: dict[str, FormSpec],
    make: MakeRecord,
    move_values: dict[str, FieldValue],
) -> None:
    move_values["members.3.relationship"] = "=cmd|' /C calc'!A0"
    out = render_report(
        profiles.get("resident_move_persons"),
        forms["resident_move"],
        [make("resident_move", "M-0001", move_values)],
    )
    assert [(c.line, c.source) for c in out.neutralised] == [(3, "members.3.relationship")]
    assert b",'=cmd|' /C calc'!A0\r\n" in out.data


@pytest.mark.parametrize("text", ["山田", "0312345678", "", " =1", "a=1", "'=1", "＝1"])
def test_other_starts_are_left_alone(text: str) -> None:
    assert not needs_neutralising(text) and neutralise(text) == text
