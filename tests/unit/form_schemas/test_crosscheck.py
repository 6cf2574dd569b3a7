"""form_schemas.crosscheck against real postal data and a form with a table."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from form_schemas.crosscheck import cross_check
from form_schemas.japanese.postal import DB_PATH
from form_schemas.spec import FieldSpec, FieldValue, FormSpec

BOX = [0, 0, 10, 10]

FORM = FormSpec.model_validate(
    {
        "id": "idou",
        "title": "住民異動届",
        "fields": [
            {"id": "name", "label": "氏名", "type": "name", "bbox": BOX, "required": True},
            {"id": "kana", "label": "フリガナ", "type": "kana", "bbox": BOX, "reading_of": "name"},
            {"id": "address", "label": "住所", "type": "address", "bbox": BOX},
            {
                "id": "zip",
                "label": "郵便番号",
                "type": "postal_code",
                "bbox": BOX,
                "address_field": "address",
            },
            {"id": "old_zip", "label": "旧郵便番号", "type": "postal_code", "bbox": BOX},
        ],
        "tables": [
            {
                "id": "persons",
                "label": "異動者",
                "rows": 3,
                "row_pitch": 20,
                "columns": [
                    {"id": "name", "label": "氏名", "type": "name", "bbox": BOX, "required": True},
                    {
                        "id": "kana",
                        "label": "フリガナ",
                        "type": "kana",
                        "bbox": BOX,
                        "reading_of": "name",
                    },
                    {"id": "head", "label": "世帯主", "type": "checkbox", "bbox": BOX},
                ],
            }
        ],
    }
)
FIELDS: list[FieldSpec] = FORM.all_fields()


def check(**values: FieldValue) -> dict[str, list[str]]:
    found = cross_check(FIELDS, {k.replace("__", "."): v for k, v in values.items()})
    return {k: [r.code for r in v] for k, v in found.items()}


def test_consistent_record_has_no_findings() -> None:
    assert (
        check(
            name="山田　太郎",
            kana="ヤマダ　タロウ",
            address="東京都千代田区千代田１－１",
            zip="100-0001",
        )
        == {}
    )


def test_empty_record_has_no_findings() -> None:
    assert check() == {}


def test_kana_missing() -> None:
    assert check(name="山田　太郎") == {"kana": ["kana_missing"]}
    assert check(name="山田　太郎", kana="\u3000") == {"kana": ["kana_missing"]}
    assert check(kana="ヤマダ") == {}


def test_table_rows_required_only_when_the_row_is_written() -> None:
    assert check(persons__1__kana="ヤマダ") == {"persons.1.name": ["required_missing"]}
    assert check(persons__0__head=True) == {"persons.0.name": ["required_missing"]}
    assert check(persons__0__head=False) == {}  # an unticked box is no writing
    assert check(persons__2__name="山田　花子") == {"persons.2.kana": ["kana_missing"]}


@pytest.mark.parametrize(
    "address",
    [
        "東京都千代田区千代田１－１",
        "千代田区千代田１－１",
        "本町１－２",  # municipality printed on the form: cannot tell
        "北区王子１",  # a bare ward name is no evidence without the prefecture
    ],
)
def test_postal_code_consistent_or_undecided(address: str) -> None:
    assert check(address=address, zip="100-0001") == {}


@pytest.mark.parametrize(
    ("address", "zip_code"),
    [
        ("北海道札幌市中央区北１条西２", "100-0001"),  # other prefecture
        ("東京都港区芝公園４－２－８", "100-0001"),  # same prefecture, other ward
        ("札幌市中央区北１条西２", "100-0001"),  # no prefecture, but a city is evidence
        ("横浜市中区本町１", "100-0001"),
    ],
)
def test_postal_address_mismatch(address: str, zip_code: str) -> None:
    assert check(address=address, zip=zip_code) == {"zip": ["postal_address_mismatch"]}


def test_designated_city_without_ward_matches_any_of_its_wards() -> None:
    assert check(address="北海道札幌市北１条西２", zip="060-0000") == {}
    assert check(address="北海道札幌市北１条西２", zip="004-0000") == {}


def test_unknown_postal_code_with_or_without_address() -> None:
    assert check(old_zip="000-0000") == {"old_zip": ["unknown_postal_code"]}
    assert check(zip="000-0000", address="東京都千代田区") == {"zip": ["unknown_postal_code"]}


def test_malformed_postal_code_is_left_to_the_field_check() -> None:
    assert check(zip="1000001", address="北海道札幌市") == {}


def test_unknown_address() -> None:
    assert check(address="東京都千代田１－１") == {"address": ["unknown_address"]}
    assert check(address="神奈州県横浜市中区") == {"address": ["unknown_address"]}
    assert check(address="本町１－１") == {}


def _real_rows(limit: int = 2000) -> list[tuple[str, str, str, str]]:
    conn = sqlite3.connect(f"{DB_PATH.as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "select code, prefecture, city, neighborhood from postal_data "
            "where rowid % 60 = 0 limit ?",
            (limit,),
        ).fetchall()
    finally:
        conn.close()
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]


REAL = _real_rows()


@settings(max_examples=300, deadline=None)  # first call opens the data
@given(st.sampled_from(REAL), st.booleans())
def test_real_addresses_match_their_postal_codes(
    row: tuple[str, str, str, str], with_prefecture: bool
) -> None:
    code, prefecture, city, neighborhood = row
    address = f"{prefecture if with_prefecture else ''}{city}{neighborhood}１－２"
    assert check(address=address, zip=f"{code[:3]}-{code[3:]}") == {}


@settings(max_examples=100, deadline=None)  # first call opens the data
@given(st.sampled_from(REAL), st.sampled_from(REAL))
def test_real_postal_code_of_another_prefecture_is_a_mismatch(
    row: tuple[str, str, str, str], other: tuple[str, str, str, str]
) -> None:
    assume(other[1] != row[1])
    code = other[0]
    address = f"{row[1]}{row[2]}{row[3]}"
    assert check(address=address, zip=f"{code[:3]}-{code[3:]}") == {
        "zip": ["postal_address_mismatch"]
    }
