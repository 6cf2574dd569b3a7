"""A form drawn box by box: what each field still lacks, and the saved folder loads like any
form (and only a complete one is saved)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from form_schemas.draft import (
    DraftError,
    DraftField,
    FormDraft,
    add_box,
    add_field,
    check_box,
    field_problems,
    form_problems,
    remove_field,
    save_form,
    spec_dict,
)
from form_schemas.registry import FormRegistry, load_form
from form_schemas.spec import FieldType

SIZE = (1654, 2339)


def _template(registry: FormRegistry) -> bytes:
    return registry.get("water_service").template_path.read_bytes()


def _draft() -> FormDraft:
    d = FormDraft(id="kaigo_test", title="介護テスト届")
    add_field(d, field_id="name", label="氏名", type_=FieldType.NAME, box=(396, 934, 1530, 1032))
    add_field(
        d, field_id="meter", label="番号", type_=FieldType.DIGITS, box=(414, 759, 942, 835),
        boxes=8, required=True,
    )  # fmt: skip
    add_field(
        d, field_id="kind", label="区分", type_=FieldType.CHOICE, box=(412, 448, 510, 508),
        option=("start", "開始"),
    )  # fmt: skip
    add_field(
        d, field_id="filed_on", label="届出日", type_=FieldType.WAREKI_DATE,
        box=(1068, 272, 1164, 348), era="reiwa", part="year",
    )  # fmt: skip
    return d


def test_a_field_lacks_what_its_type_needs_until_every_box_is_drawn() -> None:
    d = _draft()
    assert field_problems(d.get("name")) == [] and field_problems(d.get("meter")) == []
    assert any("two options" in p for p in field_problems(d.get("kind")))
    assert field_problems(d.get("filed_on"))  # month and day missing
    add_box(d, "kind", (549, 448, 647, 508), option=("stop", "中止"))
    add_box(d, "filed_on", (1216, 272, 1296, 348), part="month")
    add_box(d, "filed_on", (1348, 272, 1428, 348), part="day")
    assert [field_problems(e) for e in d.fields] == [[], [], [], []]
    assert form_problems(d, SIZE) == []


def test_boxes_and_names_that_cannot_be_taken_are_refused_and_change_nothing() -> None:
    d = _draft()
    before = copy.deepcopy(d.fields)
    cases = [
        ({"field_id": "Name", "label": "x", "type_": FieldType.TEXT}, "bad_id"),
        ({"field_id": "name", "label": "x", "type_": FieldType.TEXT}, "duplicate_id"),
        ({"field_id": "memo", "label": " ", "type_": FieldType.TEXT}, "no_label"),
        ({"field_id": "sex", "label": "性別", "type_": FieldType.CHOICE}, "no_option"),
    ]
    for kwargs, code in cases:
        with pytest.raises(DraftError) as caught:
            add_field(d, box=(10, 10, 50, 50), **kwargs)  # type: ignore[arg-type]  # dict values: object
        assert caught.value.code == code
    with pytest.raises(DraftError) as caught:
        add_box(d, "kind", (549, 448, 647, 508), option=("start", "開始"))
    assert caught.value.code == "duplicate_option"
    assert d.fields == before
    with pytest.raises(DraftError):
        check_box((100, 100, 102, 300), SIZE)
    assert check_box((1700, 300, 1500, 100), SIZE) == (1500, 100, 1654, 300)


def test_a_box_outside_the_template_and_a_missing_title_keep_it_from_being_saved() -> None:
    d = _draft()
    remove_field(d, "kind")
    remove_field(d, "filed_on")
    add_field(d, field_id="far", label="外", type_=FieldType.TEXT, box=(10, 2300, 400, 2400))
    d.title = ""
    problems = form_problems(d, SIZE)
    assert "the form needs a title" in problems
    assert any("far: a box lies outside" in p for p in problems)


def test_the_saved_form_loads_like_every_form(tmp_path: Path, registry: FormRegistry) -> None:
    d = _draft()
    add_box(d, "kind", (549, 448, 647, 508), option=("stop", "中止"))
    add_box(d, "filed_on", (1216, 272, 1296, 348), part="month")
    add_box(d, "filed_on", (1348, 272, 1428, 348), part="day")
    form = save_form(d, _template(registry), tmp_path / "forms", "kanri", set(registry.ids))
    assert form.folder == tmp_path / "forms" / "kaigo_test"
    assert sorted(p.name for p in form.folder.iterdir()) == ["form.yaml", "template.png"]
    again = load_form(form.folder)
    assert [f.id for f in again.fields] == ["name", "meter", "kind", "filed_on"]
    meter = again.spec.field("meter")
    assert (meter.required, meter.total_boxes, meter.outline()) == (True, 8, (414, 759, 942, 835))
    assert [o.code for o in again.spec.field("kind").options] == ["start", "stop"]
    assert again.spec.field("filed_on").era is not None
    assert "by kanri" in (form.folder / "form.yaml").read_text("utf-8")
    both = FormRegistry.from_dirs([tmp_path / "forms"])
    assert "kaigo_test" in both and "water_service" in both
    # A second save of the same id, or the id of an installed form, is refused.
    with pytest.raises(DraftError, match="exists already"):
        save_form(d, _template(registry), tmp_path / "forms", "kanri", set(both.ids))
    d.id = "water_service"
    with pytest.raises(DraftError, match="exists already"):
        save_form(d, _template(registry), tmp_path / "forms", "kanri", set(registry.ids))
    assert sorted(p.name for p in (tmp_path / "forms").iterdir()) == ["kaigo_test"]


EXPECTED_FIELDS = [
    {"id": "name", "label": "氏名", "type": "name", "segments": [{"bbox": [396, 934, 1530, 1032]}]},
    {
        "id": "meter",
        "label": "番号",
        "type": "digits",
        "required": True,
        "segments": [{"bbox": [414, 759, 942, 835], "boxes": 8}, {"bbox": [950, 759, 1100, 835]}],
    },
    {
        "id": "kind",
        "label": "区分",
        "type": "choice",
        "options": [{"code": "start", "label": "開始", "bbox": [412, 448, 510, 508]}],
    },
    {
        "id": "filed_on",
        "label": "届出日",
        "type": "wareki_date",
        "era": "reiwa",
        "parts": {
            "year": {"bbox": [1068, 272, 1164, 348]},
            "day": {"bbox": [1348, 272, 1428, 348]},
        },
    },
    {
        "id": "secret",
        "label": "秘",
        "type": "text",
        "review": "always",
        "double_entry": True,
        "sensitive": True,
        "segments": [{"bbox": [10, 100, 300, 140]}],
    },
    {"id": "seal", "label": "印", "type": "presence", "review": "never", "bbox": [10, 10, 60, 60]},
    {
        "id": "born",
        "label": "生年月日",
        "type": "wareki_date",
        "options": [{"code": "showa", "label": "昭和", "bbox": [100, 100, 140, 140]}],
    },
]
"""The fields of :func:`_every_kind` in ``form.yaml``, as the draft wrote them when it was a
list of dicts (keys in this order)."""


def _every_kind() -> FormDraft:
    """:func:`_draft` with a second segment, a date's day (its month not drawn), review,
    double entry and sensitive set, a presence field and a circled era."""
    d = _draft()
    add_box(d, "meter", (950, 759, 1100, 835))
    add_box(d, "filed_on", (1348, 272, 1428, 348), part="day")
    add_field(
        d, field_id="secret", label="秘", type_=FieldType.TEXT, box=(10, 100, 300, 140),
        review="always", double_entry=True, sensitive=True,
    )  # fmt: skip
    add_field(
        d, field_id="seal", label="印", type_=FieldType.PRESENCE, box=(10, 10, 60, 60),
        review="never",
    )  # fmt: skip
    add_field(
        d, field_id="born", label="生年月日", type_=FieldType.WAREKI_DATE,
        box=(100, 100, 140, 140), option=("showa", "昭和"),
    )  # fmt: skip
    return d


def test_the_typed_draft_writes_form_yaml_as_before() -> None:
    written = spec_dict(_every_kind())["fields"]
    assert yaml.safe_dump(written, sort_keys=False) == yaml.safe_dump(
        EXPECTED_FIELDS, sort_keys=False
    )


def test_a_field_comes_back_from_its_entry() -> None:
    for f in _every_kind().fields:
        assert DraftField.from_entry(f.as_entry()) == f
