"""form_schemas.fieldtypes: allowed characters, interpretation and checks per field type."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import form_schemas
from form_schemas.fieldtypes import (
    allowed_chars,
    check_value,
    interpret_date,
    interpret_text,
    interpret_typed,
)
from form_schemas.japanese.era import format_wareki, to_wareki
from form_schemas.reasons import CATALOGUE, Reason
from form_schemas.spec import Era, FieldSpec, FieldValue

MakeField = Callable[..., FieldSpec]
BOX = [0, 0, 10, 10]


def codes(reasons: tuple[Reason, ...]) -> list[str]:
    return [r.code for r in reasons]


# --- allowed_chars ----------------------------------------------------------------------


def test_allowed_chars_comb_fields_are_digits(field: MakeField) -> None:
    digits = frozenset("0123456789")
    for t in ("postal_code", "phone", "mynumber", "digits", "amount"):
        assert allowed_chars(field(t, boxes=12 if t == "mynumber" else 7)) == digits, t
    assert allowed_chars(field("date")) == digits
    assert allowed_chars(field("wareki_date")) == digits | {"元"}


def test_allowed_chars_free_lines_add_what_people_write(field: MakeField) -> None:
    # allowed_chars may return None (unconstrained); comparing None raises, failing the test.
    assert allowed_chars(field("phone")) >= {"-", "(", ")"}  # type: ignore[operator]  # None fails too
    assert allowed_chars(field("postal_code")) >= {"-", "〒"}  # type: ignore[operator]  # None fails too
    assert allowed_chars(field("amount")) >= {",", "円"}  # type: ignore[operator]  # None fails too
    assert "-" not in allowed_chars(field("mynumber"))  # type: ignore[operator]  # None fails too


def test_allowed_chars_segmented_free_lines_are_digits(field: MakeField) -> None:
    # 電話番号 as （　）　－　 : three free lines, the printed marks separate them
    three = [{"bbox": [x, 0, x + 10, 10]} for x in (0, 20, 40)]
    assert allowed_chars(field("phone", segments=three, separator="-")) == frozenset("0123456789")


def test_allowed_chars_kana_and_unconstrained(field: MakeField) -> None:
    kana = allowed_chars(field("kana"))
    assert kana is not None
    assert {"ア", "あ", "ー", " ", "ャ", "ぁ", "ヴ"} <= kana
    assert "山" not in kana and "A" not in kana
    for t in ("text", "name", "address", "choice", "checkbox", "presence"):
        assert allowed_chars(field(t)) is None, t


# --- interpret_text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "raw", "value"),
    [
        ("name", "山田 太郎", "山田　太郎"),
        ("name", "髙橋　﨑子", "髙橋　﨑子"),
        ("text", "ABC ｱｲｳ", "ＡＢＣ　アイウ"),
        ("address", "東京都千代田区千代田1-1", "東京都千代田区千代田１－１"),
        ("kana", "やまだ たろう", "ヤマダ　タロウ"),
        ("postal_code", "〒100-0001", "100-0001"),
        ("phone", "03(1234)5678", "03-1234-5678"),
        ("mynumber", "6214 9832 0257", "621498320257"),
        ("digits", "０１２３", "0123"),
        ("amount", "10,000円", 10000),
    ],
)
def test_interpret_text_normal_forms(field: MakeField, type_: str, raw: str, value: object) -> None:
    result = interpret_text(field(type_), raw)
    assert result.value == value
    assert result.reasons == ()


@pytest.mark.parametrize(
    ("type_", "raw", "value", "code"),
    [
        ("kana", "山田", "山田", "invalid_kana"),
        ("postal_code", "123-456", "123-456", "invalid_postal_code"),
        ("phone", "03-1234-567", "03-1234-567", "invalid_phone"),
        ("phone", "1234567890", "1234567890", "invalid_phone"),
        ("mynumber", "621498320258", "621498320258", "mynumber_check_digit"),
        ("mynumber", "62149832025", "62149832025", "invalid_length"),
        ("digits", "12a4", "12a4", "invalid_chars"),
        ("amount", "1万円", "1万円", "invalid_amount"),
        ("amount", "△500", -500, "invalid_amount"),
    ],
)
def test_failed_checks_keep_the_value(
    field: MakeField, type_: str, raw: str, value: object, code: str
) -> None:
    result = interpret_text(field(type_), raw)
    assert result.value == value
    assert codes(result.reasons) == [code]


def test_digits_expected_length_from_comb_or_length(field: MakeField) -> None:
    assert codes(interpret_text(field("digits", boxes=10), "12345").reasons) == ["invalid_length"]
    assert interpret_text(field("digits", boxes=10), "0123456789").reasons == ()
    assert codes(interpret_text(field("digits", length=4), "12345").reasons) == ["invalid_length"]
    assert interpret_text(field("digits"), "12345").reasons == ()


def test_segments_joined_by_separator(field: MakeField) -> None:
    postal = field(
        "postal_code",
        separator="-",
        segments=[{"bbox": BOX, "boxes": 3}, {"bbox": [20, 0, 30, 10], "boxes": 4}],
    )
    assert interpret_text(postal, "123-4567").value == "123-4567"
    ins = field(
        "digits",
        separator="-",
        segments=[{"bbox": BOX, "boxes": 2}, {"bbox": [20, 0, 30, 10], "boxes": 3}],
    )
    assert interpret_text(ins, "12-345").value == "12345"
    assert interpret_text(ins, "12-345").reasons == ()


@pytest.mark.parametrize("raw", ["", "   ", "\u3000"])
def test_empty_is_none_and_required_missing_only_when_required(field: MakeField, raw: str) -> None:
    assert interpret_text(field("name"), raw).value is None
    assert interpret_text(field("name"), raw).reasons == ()
    required = interpret_text(field("name", required=True), raw)
    assert (required.value, codes(required.reasons)) == (None, ["required_missing"])


@pytest.mark.parametrize(("type_", "raw"), [("phone", "-"), ("digits", "－"), ("mynumber", " - ")])
def test_a_dash_alone_means_not_written(field: MakeField, type_: str, raw: str) -> None:
    result = interpret_text(field(type_, required=True), raw)
    assert (result.value, codes(result.reasons)) == (None, ["required_missing"])


def test_table_cells_leave_required_to_cross_check(field: MakeField) -> None:
    cell = field("name", required=True).model_copy(update={"id": "persons.0.name"})
    assert interpret_text(cell, "").reasons == ()
    assert check_value(cell, None) == ()


# --- interpret_date -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("era", "parts", "iso"),
    [
        (Era.SHOWA, ("64", "1", "7"), "1989-01-07"),
        (Era.HEISEI, ("元", "1", "8"), "1989-01-08"),
        (Era.REIWA, ("元", "5", "1"), "2019-05-01"),
        (Era.REIWA, ("０６", "０４", "０１"), "2024-04-01"),
        (Era.REIWA, ("6", "4", "l"), "2024-04-01"),
    ],
)
def test_wareki_parts(field: MakeField, era: Era, parts: tuple[str, str, str], iso: str) -> None:
    result = interpret_date(field("wareki_date"), era, *parts)
    assert (result.value, result.reasons) == (iso, ())


@pytest.mark.parametrize(
    ("era", "parts", "fragment"),
    [
        (Era.SHOWA, ("64", "1", "8"), "昭和64年1月8日"),
        (Era.HEISEI, ("31", "5", "1"), "平成31年5月1日"),
        (Era.REIWA, ("6", "2", "30"), "令和6年2月30日"),
        (Era.REIWA, ("6", "", "1"), "incomplete"),
        (Era.REIWA, ("6", "1?", "1"), "month"),
    ],
)
def test_impossible_wareki_dates(
    field: MakeField, era: Era, parts: tuple[str, str, str], fragment: str
) -> None:
    result = interpret_date(field("wareki_date", required=True), era, *parts)
    assert result.value is None
    assert codes(result.reasons) == ["invalid_date"]
    assert fragment in result.reasons[0].detail


@given(st.dates(min_value=date(1873, 1, 1), max_value=date(2150, 12, 31)))
def test_any_date_reads_back_from_its_wareki_parts(field: MakeField, d: date) -> None:
    info, year = to_wareki(d)
    written = "元" if year == 1 else str(year)
    result = interpret_date(field("wareki_date"), info.era, written, str(d.month), str(d.day))
    assert (result.value, result.reasons) == (d.isoformat(), ())
    typed = interpret_typed(field("wareki_date"), format_wareki(d))
    assert (typed.value, typed.reasons) == (d.isoformat(), ())


def test_era_missing_unless_printed(field: MakeField) -> None:
    circled = field("wareki_date", required=True)
    result = interpret_date(circled, None, "6", "4", "1")
    assert (result.value, codes(result.reasons)) == (None, ["era_missing"])
    printed = field("wareki_date", era="reiwa")
    assert interpret_date(printed, None, "6", "4", "1").value == "2024-04-01"


def test_empty_date(field: MakeField) -> None:
    assert interpret_date(field("date"), None, "", " ", "").reasons == ()
    required = interpret_date(field("wareki_date", required=True), None, "", "", "")
    assert codes(required.reasons) == ["required_missing"]


def test_western_parts(field: MakeField) -> None:
    assert interpret_date(field("date"), None, "2024", "4", "1").value == "2024-04-01"
    leap = interpret_date(field("date"), None, "2023", "2", "29")
    assert (leap.value, codes(leap.reasons)) == (None, ["invalid_date"])
    short = interpret_date(field("date"), None, "24", "4", "1")
    assert codes(short.reasons) == ["invalid_date"]


# --- interpret_typed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("2024-04-01", "2024-04-01"),
        ("2024/4/1", "2024-04-01"),
        ("令和6年4月1日", "2024-04-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("R6.4.1", "2024-04-01"),
        ("２０２４／４／１", "2024-04-01"),
        ("平成元年1月8日", "1989-01-08"),
    ],
)
@pytest.mark.parametrize("type_", ["date", "wareki_date"])
def test_typed_dates(field: MakeField, type_: str, typed: str, iso: str) -> None:
    result = interpret_typed(field(type_), typed)
    assert (result.value, result.reasons) == (iso, ())


@pytest.mark.parametrize("typed", ["S64.1.8", "平成31年5月1日", "2024/2/30", "明日"])
def test_typed_invalid_dates(field: MakeField, typed: str) -> None:
    result = interpret_typed(field("wareki_date"), typed)
    assert (result.value, codes(result.reasons)) == (None, ["invalid_date"])


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        ("はい", True),
        ("いいえ", False),
        ("レ", True),
        ("✓", True),
        ("有", True),
        ("無", False),
        ("１", True),
    ],
)
@pytest.mark.parametrize("type_", ["checkbox", "presence"])
def test_typed_marks(field: MakeField, type_: str, typed: str, value: bool) -> None:
    result = interpret_typed(field(type_), typed)
    assert (result.value, result.reasons) == (value, ())


@pytest.mark.parametrize("typed", ["×", "x", "maybe"])
def test_typed_marks_that_are_refused(field: MakeField, typed: str) -> None:
    result = interpret_typed(field("checkbox"), typed)
    assert (result.value, codes(result.reasons)) == (None, ["invalid_choice"])


@pytest.mark.parametrize(
    ("typed", "code"), [("male", "male"), ("FEMALE", "female"), ("女", "female"), (" 男 ", "male")]
)
def test_typed_choice_by_code_or_label(field: MakeField, typed: str, code: str) -> None:
    result = interpret_typed(field("choice"), typed)
    assert (result.value, result.reasons) == (code, ())


def test_typed_choice_unknown_is_kept(field: MakeField) -> None:
    result = interpret_typed(field("choice"), "その他")
    assert (result.value, codes(result.reasons)) == ("その他", ["invalid_choice"])


def test_typed_era_choice_accepts_full_era_name(field: MakeField) -> None:
    era_choice = field(
        "choice",
        options=[
            {"code": "showa", "label": "昭", "bbox": BOX},
            {"code": "heisei", "label": "平", "bbox": BOX},
        ],
    )
    assert interpret_typed(era_choice, "平成").value == "heisei"
    assert interpret_typed(era_choice, "昭").value == "showa"
    assert interpret_typed(era_choice, "h").value == "heisei"
    assert interpret_typed(era_choice, "Ｓ").value == "showa"


def test_typed_text_is_normalised_like_read_text(field: MakeField) -> None:
    assert interpret_typed(field("phone"), "０３－１２３４－５６７８").value == "03-1234-5678"
    assert interpret_text(field("date"), "R6.4.1").value == "2024-04-01"


def test_required_checkbox_must_be_ticked(field: MakeField) -> None:
    assert codes(check_value(field("checkbox", required=True), False)) == ["required_missing"]
    assert check_value(field("checkbox", required=True), True) == ()
    assert check_value(field("checkbox"), False) == ()


# --- check_value --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "value", "code"),
    [
        ("name", "山田 太郎", "invalid_chars"),  # ASCII space is not export form
        ("address", "千代田1-1", "invalid_chars"),
        ("name", 12, "invalid_chars"),
        ("kana", "やまだ", "invalid_kana"),
        ("kana", "ヤマダ　　タロウ", "invalid_kana"),
        ("date", "2024/04/01", "invalid_date"),
        ("date", "2023-02-29", "invalid_date"),
        ("wareki_date", "1800-01-01", "invalid_date"),
        ("postal_code", "1000001", "invalid_postal_code"),
        ("phone", "03-1234-567", "invalid_phone"),
        ("mynumber", "621498320258", "mynumber_check_digit"),
        ("mynumber", "６２１４９８３２０２５７", "invalid_chars"),
        ("digits", "１２", "invalid_chars"),
        ("amount", "10000", "invalid_amount"),
        ("amount", -1, "invalid_amount"),
        ("amount", True, "invalid_amount"),
        ("choice", "other", "invalid_choice"),
        ("checkbox", "true", "invalid_choice"),
    ],
)
def test_check_value_does_not_normalise(
    field: MakeField, type_: str, value: FieldValue, code: str
) -> None:
    assert code in codes(check_value(field(type_), value))


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        ("name", "山田　太郎"),
        ("address", "千代田１－１"),
        ("kana", "ヤマダ　タロウ"),
        ("date", "2024-04-01"),
        ("wareki_date", "1989-01-08"),
        ("postal_code", "100-0001"),
        ("phone", "090-1234-5678"),
        ("mynumber", "621498320257"),
        ("digits", "0042"),
        ("amount", 0),
        ("choice", "male"),
        ("checkbox", False),
        ("presence", True),
    ],
)
def test_check_value_accepts_export_forms(field: MakeField, type_: str, value: FieldValue) -> None:
    assert check_value(field(type_), value) == ()


# --- properties ---------------------------------------------------------------------------

TEXT_TYPES = [
    "text",
    "name",
    "address",
    "kana",
    "postal_code",
    "phone",
    "mynumber",
    "digits",
    "amount",
]
messy = st.text(
    alphabet=st.sampled_from(list("0123456789０１２OolI|-ー（）() 　,，¥円〒山田あアｱﾞabc・")),
    max_size=16,
)


@given(st.sampled_from(TEXT_TYPES), messy)
def test_interpretation_carries_every_check_of_its_value(
    field: MakeField, type_: str, raw: str
) -> None:
    spec = field(type_)
    result = interpret_text(spec, raw)
    assert set(codes(check_value(spec, result.value))) <= set(codes(result.reasons))


@given(st.sampled_from(TEXT_TYPES), messy)
def test_interpreting_an_export_form_changes_nothing(
    field: MakeField, type_: str, raw: str
) -> None:
    spec = field(type_)
    first = interpret_text(spec, raw)
    if isinstance(first.value, str | int) and not isinstance(first.value, bool):
        again = interpret_text(spec, str(first.value))
        assert again.value == first.value


def _reason_codes_in_source() -> set[str]:
    root = Path(form_schemas.__file__).parent
    # a code is written as a ReasonCode member (Reason) or as a string (pydantic's errors)
    pattern = re.compile(
        r"""(?:Reason|PydanticCustomError)\(\s*(?:"([a-z_]+)"|ReasonCode\.([A-Z_]+))"""
    )
    found: set[str] = set()
    for path in [root / "fieldtypes.py", root / "crosscheck.py", root / "records.py"]:
        for text, member in pattern.findall(path.read_text(encoding="utf-8")):
            found.add(text or member.lower())
    return found


def test_every_reason_code_used_is_catalogued() -> None:
    used = _reason_codes_in_source()
    assert {"invalid_phone", "unknown_address", "required_missing"} <= used
    assert used <= set(CATALOGUE)
