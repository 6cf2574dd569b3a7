"""ocr_pipeline.export.csvwrite.render: the exact bytes of every built-in profile, encodings,
line endings, quoting, one line per table row, and the errors that stop an export."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from form_schemas.spec import FieldValue, FormSpec
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.export import (
    Column,
    Encoding,
    ExportEncodingError,
    ExportProfile,
    ExportRecord,
    ExportValueError,
    LineEnding,
    ProfileInvalidError,
    ProfileRegistry,
    Quoting,
    RecordMismatchError,
    render,
)

MakeRecord = Callable[..., ExportRecord]
BOM = b"\xef\xbb\xbf"


def _render(
    profiles: ProfileRegistry, forms: dict[str, FormSpec], pid: str, records: list[ExportRecord]
) -> bytes:
    profile = profiles.get(pid)
    return render(profile, forms[profile.form], records)


def test_water_service_utf8_bytes(
    profiles: ProfileRegistry, forms: dict[str, FormSpec], water_records: list[ExportRecord]
) -> None:
    expected = (
        "受付番号,届出年月日,届出区分,開始中止年月日,給水場所,水栓番号,使用者カナ,使用者名,"
        "連絡先電話番号,支払方法,送付先郵便番号,送付先住所,備考,承認日\r\n"
        "W-0001,2024-04-01,開始,2019-05-01,東京都千代田区霞が関1-1,1234,ヤマダ タロウ,"
        '山田 太郎,03-1234-5678,納付書,100-0013,東京都千代田区霞が関2-2,"鍵は""管理人""に,預ける",'
        "2024-04-01\r\n"
        "W-0002,2019-04-30,中止,2019-04-30,大阪府大阪市北区梅田1-1,,タカハシ ハナコ,髙橋 花子,"
        '090-1234-5678,,,,"2行目に\n続く",2019-05-01\r\n'
    )
    data = _render(profiles, forms, "water_service_utf8", water_records)
    assert data == BOM + expected.encode("utf-8")
    assert data.count(BOM) == 1


def test_water_service_cp932_bytes(
    profiles: ProfileRegistry, forms: dict[str, FormSpec], water_records: list[ExportRecord]
) -> None:
    expected = (
        "01,1,00001234,5010501,5060401,ヤマダ タロウ,山田 太郎,東京都千代田区霞が関1-1,"
        "0312345678,2,1000013,東京都千代田区霞が関2-2,W-0001\r\n"
        "01,2,,4310430,4310430,タカハシ ハナコ,髙橋 花子,大阪府大阪市北区梅田1-1,"
        "09012345678,,,,W-0002\r\n"
    )
    data = _render(profiles, forms, "water_service_cp932", water_records)
    assert data == expected.encode("cp932")
    assert b"\x8e\x52\x93\x63\x20\x91\xbe\x98\x59" in data  # 山田 太郎 in Windows-31J
    assert b"\xee\xe0" in data  # 髙 (NEC-selected IBM extension)
    assert not data.startswith(BOM)


def test_furusato_onestop_cp932_bytes(
    profiles: ProfileRegistry, forms: dict[str, FormSpec], furusato_records: list[ExportRecord]
) -> None:
    expected = (
        "受付番号,申請年月日,個人番号,氏名カナ,氏名,性別,生年月日,郵便番号,住所,電話番号,"
        "寄附年月日,寄附金額,申告特例対象寄附者,寄附先5団体以内\r\n"
        "F-0001,20250110,123456789018,サトウ ジロウ,佐藤 次郎,1,19890107,1000013,"
        "東京都千代田区霞が関1-1,03-1234-5678,20241231,10000,1,1\r\n"
        "F-0002,20250115,123456789018,ワタナベ ユキ,渡邊 由紀,2,19890108,,"
        "北海道札幌市中央区北1条西2丁目,011-123-4567,20241103,30000,1,0\r\n"
    )
    data = _render(profiles, forms, "furusato_onestop_cp932", furusato_records)
    assert data == expected.encode("cp932")
    assert b"\x93\x6e\xe7\xb2" in data  # 渡邊


def test_resident_move_persons_bytes(
    profiles: ProfileRegistry, forms: dict[str, FormSpec], move_records: list[ExportRecord]
) -> None:
    head_a = (
        "M-0001,{row},01,20240401,20240405,本人,100-0013,東京都千代田区霞が関1-1,"
        "大阪府大阪市北区梅田1-1,山田 太郎,03-1234-5678,"
    )
    expected = (
        "受付番号,異動者番号,異動事由,異動年月日,届出年月日,届出人区分,新郵便番号,新住所,"
        "旧住所,世帯主名,電話番号,氏名カナ,氏名,生年月日,性別,続柄\r\n"
        + head_a.format(row=1)
        + "ヤマダ タロウ,山田 太郎,3350315,1,世帯主\r\n"
        + head_a.format(row=2)
        + "ヤマダ ハナコ,山田 花子,5010501,2,子\r\n"
        + head_a.format(row=4)
        + "ヤマダ イチロウ,山田 一郎,4010108,1,子\r\n"
        + "M-0002,1,03,20240430,20240501,代理人,,福岡県福岡市中央区天神1-1,"
        "東京都千代田区霞が関1-1,鈴木 一郎,090-1111-2222,スズキ イチロウ,鈴木 一郎,3011225,1,"
        "世帯主\r\n"
    )
    data = _render(profiles, forms, "resident_move_persons", move_records)
    assert data == expected.encode("utf-8")
    assert not data.startswith(BOM)


def test_the_same_input_gives_the_same_bytes(
    profiles: ProfileRegistry, forms: dict[str, FormSpec], water_records: list[ExportRecord]
) -> None:
    first = _render(profiles, forms, "water_service_utf8", water_records)
    assert _render(profiles, forms, "water_service_utf8", list(water_records)) == first
    reordered = _render(profiles, forms, "water_service_utf8", water_records[::-1])
    assert reordered != first  # records are written in the order given, not sorted


def test_line_ending_lf_and_crlf(
    profiles: ProfileRegistry, forms: dict[str, FormSpec], furusato_records: list[ExportRecord]
) -> None:
    profile = profiles.get("furusato_onestop_cp932")
    crlf = render(profile, forms["furusato_onestop"], furusato_records)
    lf = render(
        profile.model_copy(update={"line_ending": LineEnding.LF}),
        forms["furusato_onestop"],
        furusato_records,
    )
    assert crlf.count(b"\r\n") == 3 and crlf.endswith(b"\r\n")
    assert b"\r" not in lf and lf.count(b"\n") == 3
    assert lf == crlf.replace(b"\r\n", b"\n")


@pytest.mark.parametrize(
    ("encoding", "starts_with_bom"),
    [(Encoding.UTF8_BOM, True), (Encoding.UTF8, False), (Encoding.CP932, False)],
)
def test_bom_only_for_utf8_sig(
    profiles: ProfileRegistry,
    forms: dict[str, FormSpec],
    water_records: list[ExportRecord],
    encoding: Encoding,
    starts_with_bom: bool,
) -> None:
    profile = profiles.get("water_service_utf8").model_copy(update={"encoding": encoding})
    data = render(profile, forms["water_service"], water_records)
    assert data.startswith(BOM) is starts_with_bom
    assert data.count(BOM) == int(starts_with_bom)


def test_quoting_all_and_single_empty_cell(
    forms: dict[str, FormSpec], make: MakeRecord, water_values: dict[str, FieldValue]
) -> None:
    profile = ExportProfile(
        id="t",
        title="t",
        form="water_service",
        quoting=Quoting.ALL,
        columns=(Column(name="区分", field="notice_type"), Column(field="meter_number")),
    )
    water_values["meter_number"] = None
    data = render(profile, forms["water_service"], [make("water_service", "D", water_values)])
    assert data == '"区分","水栓番号"\r\n"start",""\r\n'.encode()
    single = ExportProfile(
        id="t", title="t", form="water_service", header=False, columns=(Column(field="remarks"),)
    )
    water_values["remarks"] = None
    out = render(single, forms["water_service"], [make("water_service", "D", water_values)])
    assert out == b'""\r\n'  # not a blank line, which importers skip


def test_unencodable_character_names_record_and_field(
    profiles: ProfileRegistry,
    forms: dict[str, FormSpec],
    make: MakeRecord,
    water_values: dict[str, FieldValue],
) -> None:
    good = make("water_service", "W-0100", water_values)
    water_values["user_name"] = "𠮷田 太郎"
    bad = make("water_service", "W-0101", water_values)
    water_values["mailing_address"] = "東京都𠮷野町1-1"
    worse = make("water_service", "W-0102", water_values)
    with pytest.raises(ExportEncodingError) as info:
        _render(profiles, forms, "water_service_cp932", [good, bad, worse])
    err = info.value
    assert (err.document_id, err.field, err.char, err.codepoint) == (
        "W-0101",
        "user_name",
        "𠮷",
        "U+20BB7",
    )
    assert [(p.document_id, p.field) for p in err.problems] == [
        ("W-0101", "user_name"),
        ("W-0102", "user_name"),
        ("W-0102", "mailing_address"),
    ]
    assert "W-0101" in str(err) and "user_name" in str(err) and "U+20BB7" in str(err)
    assert "UTF-8" in err.remedy and err.exit_code is ExitCode.OUTPUT_UNWRITABLE
    # The same records export with a UTF-8 profile, the character intact.
    data = _render(profiles, forms, "water_service_utf8", [bad])
    assert "𠮷田 太郎".encode() in data and b"?" not in data


def test_unencodable_table_cell_names_the_row(
    profiles: ProfileRegistry,
    forms: dict[str, FormSpec],
    make: MakeRecord,
    move_values: dict[str, FieldValue],
) -> None:
    move_values["members.3.name"] = "山田 𠮷郎"
    profile = profiles.get("resident_move_persons").model_copy(update={"encoding": Encoding.CP932})
    with pytest.raises(ExportEncodingError) as info:
        render(profile, forms["resident_move"], [make("resident_move", "M-9", move_values)])
    assert info.value.field == "members.3.name"
    assert info.value.problems[0].column == "氏名"


def test_rows_without_writing_are_skipped_and_a_record_without_rows_refused(
    profiles: ProfileRegistry,
    forms: dict[str, FormSpec],
    make: MakeRecord,
    move_values: dict[str, FieldValue],
) -> None:
    move_values["members.2.kana"] = "   "  # blank text is no writing
    data = _render(
        profiles, forms, "resident_move_persons", [make("resident_move", "M", move_values)]
    )
    assert data.count(b"\r\n") == 4  # header + rows 0, 1, 3
    for key in [k for k in move_values if k.startswith("members.")]:
        move_values[key] = None
    with pytest.raises(ExportValueError, match="no row of table members"):
        _render(profiles, forms, "resident_move_persons", [make("resident_move", "M", move_values)])


def test_values_that_do_not_fit_stop_the_export(
    profiles: ProfileRegistry,
    forms: dict[str, FormSpec],
    make: MakeRecord,
    water_values: dict[str, FieldValue],
) -> None:
    cases: list[tuple[str, FieldValue, str]] = [
        ("effective_on", "R6.4.1", "ISO date"),
        ("effective_on", "2023-02-29", "calendar date"),
        ("notice_type", "begin", "option codes"),
        ("meter_number", "123456789", "holds 8"),
        ("user_name", 12, "expected text"),
    ]
    for field, value, message in cases:
        values = dict(water_values, **{field: value})
        with pytest.raises(ExportValueError, match=message) as info:
            _render(profiles, forms, "water_service_cp932", [make("water_service", "W-7", values)])
        assert (info.value.document_id, info.value.field) == ("W-7", field)
        if isinstance(value, str) and len(value) > 3:
            assert value not in str(info.value)  # values are personal data: never quoted


def test_missing_metadata_stops_the_export(
    profiles: ProfileRegistry, forms: dict[str, FormSpec], water_values: dict[str, FieldValue]
) -> None:
    record = ExportRecord("W-1", "water_service", 1, water_values, {})
    with pytest.raises(ExportValueError, match="no approved_at"):
        _render(profiles, forms, "water_service_utf8", [record])


def test_record_of_another_form_or_version_is_refused(
    profiles: ProfileRegistry, forms: dict[str, FormSpec], water_values: dict[str, FieldValue]
) -> None:
    for form_id, version in (("furusato_onestop", 1), ("water_service", 2)):
        record = ExportRecord("X-1", form_id, version, water_values)
        with pytest.raises(RecordMismatchError, match="X-1"):
            _render(profiles, forms, "water_service_utf8", [record])


def test_profile_that_does_not_fit_its_form_is_refused(
    forms: dict[str, FormSpec], water_records: list[ExportRecord]
) -> None:
    profile = ExportProfile(
        id="t", title="t", form="water_service", columns=(Column(field="no_such_field"),)
    )
    with pytest.raises(ProfileInvalidError, match="no_such_field"):
        render(profile, forms["water_service"], water_records)


def test_no_records_with_and_without_header(
    profiles: ProfileRegistry, forms: dict[str, FormSpec]
) -> None:
    assert _render(profiles, forms, "water_service_cp932", []) == b""
    assert _render(profiles, forms, "water_service_utf8", []).startswith(BOM + "受付番号".encode())


def test_metadata_columns(
    forms: dict[str, FormSpec], make: MakeRecord, move_values: dict[str, FieldValue]
) -> None:
    profile = ExportProfile.model_validate(
        {
            "id": "meta",
            "title": "meta",
            "form": "resident_move",
            "header": False,
            "rows": "members",
            "empty": "-",
            "columns": [
                {"name": "連番", "meta": "seq", "width": 5},
                {"name": "様式", "meta": "form_id"},
                {"name": "版", "meta": "form_version"},
                {"name": "団体", "meta": "tenant"},
                {"name": "受付日", "meta": "received_at", "date_format": "era_yymmdd"},
                {"name": "受付日時", "meta": "received_at"},
                {"name": "行", "meta": "table_row"},
                {"name": "氏名", "field": "members.*.name"},
            ],
        }
    )
    records = [
        make(
            "resident_move", "M-1", move_values, tenant="", received_at="2019-04-30T23:59:59+09:00"
        ),
        make("resident_move", "M-2", move_values, tenant="131016"),
    ]
    lines = render(profile, forms["resident_move"], records).decode().splitlines()
    assert lines == [
        "00001,resident_move,1,-,4310430,2019-04-30T23:59:59+09:00,1,山田 太郎",
        "00002,resident_move,1,-,4310430,2019-04-30T23:59:59+09:00,2,山田 花子",
        "00003,resident_move,1,-,4310430,2019-04-30T23:59:59+09:00,4,山田 一郎",
        "00004,resident_move,1,131016,5060401,2024-04-01T09:00:00+09:00,1,山田 太郎",
        "00005,resident_move,1,131016,5060401,2024-04-01T09:00:00+09:00,2,山田 花子",
        "00006,resident_move,1,131016,5060401,2024-04-01T09:00:00+09:00,4,山田 一郎",
    ]
