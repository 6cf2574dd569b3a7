"""``sensitive: true`` on a field, and :func:`form_schemas.sensitivity.is_sensitive`."""

from __future__ import annotations

from form_schemas.draft import FormDraft, add_field
from form_schemas.registry import FormRegistry
from form_schemas.sensitivity import is_sensitive
from form_schemas.spec import FieldSpec, FieldType


def test_my_number_fields_and_fields_marked_sensitive_are_sensitive(
    registry: FormRegistry,
) -> None:
    furusato = registry.get("furusato_onestop").spec
    assert is_sensitive(furusato.field("my_number"))
    assert not is_sensitive(furusato.field("name"))
    marked = FieldSpec.model_validate(
        {"id": "account", "label": "口座番号", "type": "digits", "bbox": [0, 0, 90, 30],
         "sensitive": True}
    )  # fmt: skip
    assert is_sensitive(marked)
    assert not FieldSpec.model_validate(
        {"id": "account", "label": "口座番号", "type": "digits", "bbox": [0, 0, 90, 30]}
    ).sensitive


def test_the_designer_writes_the_flag() -> None:
    draft = FormDraft(id="bank", title="口座振替")
    entry = add_field(
        draft,
        field_id="account",
        label="口座番号",
        type_=FieldType.DIGITS,
        box=(10, 10, 200, 40),
        sensitive=True,
    )
    assert entry.as_entry()["sensitive"] is True
    assert is_sensitive(FieldSpec.model_validate(entry.as_entry()))
    plain = add_field(
        draft, field_id="memo", label="備考", type_=FieldType.TEXT, box=(10, 50, 200, 80)
    )
    assert "sensitive" not in plain.as_entry()
