"""form_schemas.records: typed final-record models."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from form_schemas.records import attribute_name, record_model, record_values
from form_schemas.spec import FormSpec

BOX = [0, 0, 10, 10]
PARTS = {"year": {"bbox": BOX}, "month": {"bbox": BOX}, "day": {"bbox": BOX}}


def form_data(version: int = 1, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "furusato",
        "version": version,
        "title": "寄附金税額控除に係る申告特例申請書",
        "fields": [
            {"id": "name", "label": "氏名", "type": "name", "bbox": BOX, "required": True},
            {"id": "kana", "label": "フリガナ", "type": "kana", "bbox": BOX},
            {"id": "zip", "label": "郵便番号", "type": "postal_code", "bbox": BOX, "boxes": 7},
            {"id": "phone", "label": "電話番号", "type": "phone", "bbox": BOX},
            {
                "id": "mynumber",
                "label": "個人番号",
                "type": "mynumber",
                "bbox": BOX,
                "boxes": 12,
                "required": True,
            },
            {
                "id": "birth",
                "label": "生年月日",
                "type": "wareki_date",
                "parts": PARTS,
                "options": [
                    {"code": "showa", "label": "昭", "bbox": BOX},
                    {"code": "heisei", "label": "平", "bbox": BOX},
                ],
            },
            {"id": "amount", "label": "寄附金額", "type": "amount", "bbox": BOX},
            {
                "id": "sex",
                "label": "性別",
                "type": "choice",
                "options": [
                    {"code": "male", "label": "男", "bbox": BOX},
                    {"code": "female", "label": "女", "bbox": BOX},
                ],
            },
            {"id": "agree", "label": "確認", "type": "checkbox", "bbox": BOX, "required": True},
            {"id": "copy", "label": "写し", "type": "presence", "bbox": BOX},
        ],
        "tables": [
            {
                "id": "persons",
                "label": "世帯員",
                "rows": 2,
                "row_pitch": 20,
                "columns": [
                    {"id": "name", "label": "氏名", "type": "name", "bbox": BOX, "required": True},
                    {"id": "birth", "label": "生年月日", "type": "date", "parts": PARTS},
                ],
            }
        ],
    }
    data.update(changes)
    return data


FORM = FormSpec.model_validate(form_data())
VALUES: dict[str, Any] = {
    "name": "髙橋　﨑子",
    "kana": "タカハシ　サキコ",
    "zip": "100-0001",
    "phone": "03-1234-5678",
    "mynumber": "621498320257",
    "birth": "1989-01-07",
    "amount": 10000,
    "sex": "female",
    "agree": True,
    "copy": False,
    "persons.0.name": "髙橋　一郎",
    "persons.0.birth": "1960-05-05",
}


def test_typed_attributes() -> None:
    # record_model builds the class at run time: mypy knows only BaseModel's attributes.
    record = record_model(FORM).model_validate(VALUES)
    assert record.birth == date(1989, 1, 7)  # type: ignore[attr-defined]
    assert record.amount == 10000  # type: ignore[attr-defined]
    assert record.agree is True  # type: ignore[attr-defined]
    assert record.persons__0__birth == date(1960, 5, 5)  # type: ignore[attr-defined]
    assert record.persons__1__name is None  # type: ignore[attr-defined]
    assert record.name == "髙橋　﨑子"  # type: ignore[attr-defined]


def test_export_form_round_trip() -> None:
    model = record_model(FORM)
    record = model.model_validate(VALUES)
    out = record_values(record)
    assert out == {**VALUES, "persons.1.name": None, "persons.1.birth": None}
    assert model.model_validate(record.model_dump()) == record  # typed values go back in too


@pytest.mark.parametrize(
    ("field_id", "value", "code"),
    [
        ("phone", "03-1234-567", "invalid_phone"),
        ("mynumber", "621498320258", "mynumber_check_digit"),
        ("mynumber", None, "required_missing"),
        ("name", "", "required_missing"),
        ("kana", "たかはし", "invalid_kana"),
        ("zip", "1000001", "invalid_postal_code"),
        ("birth", "1989/01/07", "invalid_date"),
        ("amount", -5, "invalid_amount"),
        ("amount", "10000", "invalid_amount"),
        ("sex", "other", "invalid_choice"),
        ("agree", False, "required_missing"),
        ("copy", "yes", "invalid_choice"),
    ],
)
def test_field_checks_are_enforced(field_id: str, value: Any, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        record_model(FORM).model_validate({**VALUES, field_id: value})
    assert [e["type"] for e in info.value.errors()] == [code]


def test_required_field_must_be_present() -> None:
    values = {k: v for k, v in VALUES.items() if k != "mynumber"}
    with pytest.raises(ValidationError):
        record_model(FORM).model_validate(values)


def test_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError):
        record_model(FORM).model_validate({**VALUES, "nickname": "タロ"})


def test_required_cells_only_in_written_rows() -> None:
    model = record_model(FORM)
    model.model_validate({**VALUES, "persons.0.name": None, "persons.0.birth": None})
    with pytest.raises(ValidationError) as info:
        model.model_validate({**VALUES, "persons.1.birth": "2000-01-01"})
    assert [e["type"] for e in info.value.errors()] == ["required_missing"]
    assert "persons.1.name" in str(info.value)


def test_errors_do_not_quote_personal_data() -> None:
    with pytest.raises(ValidationError) as info:
        record_model(FORM).model_validate({**VALUES, "mynumber": "621498320258"})
    assert "621498320258" not in str(info.value)


def test_model_is_cached_per_form_version() -> None:
    assert record_model(FORM) is record_model(FormSpec.model_validate(form_data()))
    assert record_model(FORM).form_key == "furusato@1"
    v2 = record_model(FormSpec.model_validate(form_data(version=2)))
    assert v2 is not record_model(FORM)
    assert v2.form_key == "furusato@2"


def test_changed_definition_under_same_version_is_not_served_stale() -> None:
    changed = FormSpec.model_validate(form_data(title="別の様式"))
    assert record_model(changed) is not record_model(FORM)
    assert record_model(changed).__doc__ is not None
    assert "別の様式" in str(record_model(changed).__doc__)


@pytest.mark.parametrize(
    ("field_id", "name"),
    [
        ("name", "name"),
        ("persons.0.name", "persons__0__name"),
        ("copy", "copy_"),
        ("model_year", "model_year_"),
        ("json", "json_"),
    ],
)
def test_attribute_names(field_id: str, name: str) -> None:
    assert attribute_name(field_id) == name
