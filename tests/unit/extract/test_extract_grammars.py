"""Which grammar each crop of a field is read with, and that engines get them only when they
say they take them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from form_schemas.spec import FieldSpec
from ocr_pipeline.engines import Image, Recognition
from ocr_pipeline.engines import grammar as g
from ocr_pipeline.extract import Thresholds, extract_fields
from ocr_pipeline.extract.observe import grammar_for

BOX = [0, 0, 100, 40]
PARTS = {"year": {"bbox": BOX}, "month": {"bbox": [0, 0, 60, 40]}, "day": {"bbox": [0, 0, 60, 40]}}


def spec(**data: Any) -> FieldSpec:
    return FieldSpec.model_validate({"id": "f", "label": "項目", **data})


def test_date_parts_get_their_ranges() -> None:
    wareki = spec(type="wareki_date", parts=PARTS, era="reiwa")
    western = spec(type="date", parts=PARTS)
    assert grammar_for(wareki, "year") == g.wareki_year()
    assert grammar_for(western, "year") == g.western_year()
    for date in (wareki, western):
        assert grammar_for(date, "month") == g.number_range(1, 12, 2)
        assert grammar_for(date, "day") == g.number_range(1, 31, 2)


def test_address_lines_get_the_address_grammar() -> None:
    assert grammar_for(spec(type="address", bbox=BOX), "0") == g.address_grammar()
    two_lines = spec(type="address", bbox=BOX, lines=2)
    assert grammar_for(two_lines, "0/1") == g.address_grammar(continued=True)


def test_names_get_the_name_grammar() -> None:
    assert grammar_for(spec(type="name", bbox=BOX), "0") == g.name_grammar()
    assert grammar_for(spec(type="text", bbox=BOX), "0") == g.text_grammar()
    assert grammar_for(spec(type="text", bbox=BOX, lines=2), "0/1") is None


def test_a_field_with_a_vocabulary_gets_its_words() -> None:
    relation = spec(type="text", bbox=BOX, vocabulary=["世帯主", "妻", "子"])
    assert grammar_for(relation, "0") == g.vocabulary(["子", "妻", "世帯主"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "name", "bbox": BOX}, "one-line text"),
        ({"type": "text", "bbox": BOX, "lines": 2}, "one-line text"),
        ({"type": "text", "bbox": BOX, "vocabulary_extra": 1}, "Extra"),
        ({"type": "text", "bbox": BOX, "vocabulary": ["妻", "妻"]}, "listed twice"),
        ({"type": "text", "bbox": BOX, "vocabulary": ["妻", " "]}, "none empty"),
    ],
)
def test_a_vocabulary_only_where_it_can_hold(data: dict[str, Any], message: str) -> None:
    data = {"vocabulary": ["妻", "子"], **data}
    with pytest.raises(ValueError, match=message):
        spec(**data)


def test_a_comb_box_of_a_number_holds_at_most_one_digit() -> None:
    assert grammar_for(spec(type="mynumber", bbox=BOX, boxes=12), "0.3") == g.digits(0, 1)
    assert grammar_for(spec(type="digits", bbox=BOX, boxes=4), "0.0") == g.digits(0, 1)


def test_free_segments_of_a_phone_number_get_their_lengths() -> None:
    seg = {"bbox": BOX, "boxes": 0}
    phone = spec(type="phone", segments=[seg, seg, seg])
    assert [grammar_for(phone, str(i)) for i in range(3)] == [
        g.digits(2, 5), g.digits(1, 4), g.digits(3, 4)
    ]  # fmt: skip


def test_no_grammar_where_nothing_more_is_known() -> None:
    assert grammar_for(spec(type="phone", bbox=BOX), "0") is None  # 03(1234)5678 on one line
    assert grammar_for(spec(type="kana", bbox=BOX, boxes=6), "0.1") is None


@dataclass
class GrammarFake:
    """Wraps the scripted fake engine: declares it takes grammars, and records them."""

    inner: Any  # conftest's FakeEngine
    accepts_grammars: bool = True
    name: str = "grammar-fake"
    grammars: list[list[g.Grammar | None]] = field(default_factory=list)

    def recognize(
        self,
        crops: Sequence[Image],
        allowed: Sequence[frozenset[str] | None] | None = None,
        grammars: Sequence[g.Grammar | None] | None = None,
    ) -> list[Recognition]:
        self.grammars.append(list(grammars or []))
        return list(self.inner.recognize(crops, allowed))

    def charset(self) -> frozenset[str]:
        return frozenset(self.inner.charset())

    def describe(self) -> dict[str, str]:
        return {"engine": self.name}


def test_engines_that_take_grammars_get_one_per_crop(
    fill_page: Callable[..., Any],
    fake_engine: Callable[..., Any],
    reading: Callable[..., Recognition],
) -> None:
    filled = fill_page("furusato_onestop", {"my_number": "123456789018"})
    engine = GrammarFake(fake_engine(script=lambda i, _c, _a: reading("123456789018"[i], 0.99)))
    fields = [filled.model.form.spec.field("my_number")]
    out = extract_fields(filled.reg, filled.model, engine, Thresholds({}, 0.0), fields=fields)
    assert engine.grammars == [[g.digits(0, 1)] * 12]
    assert out["my_number"].value == "123456789018"


def _relationship(
    fill_page: Callable[..., Any],
    fake_engine: Callable[..., Any],
    rec: Recognition,
) -> Any:
    filled = fill_page("resident_move", {"members.1.relationship": "世帯主"})
    engine = GrammarFake(fake_engine(script=lambda _i, _c, _a: rec))
    fields = [filled.model.form.spec.field("members.1.relationship")]
    out = extract_fields(filled.reg, filled.model, engine, Thresholds({}, 0.0), fields=fields)
    return engine, out["members.1.relationship"]


def test_a_reading_held_to_the_vocabulary_goes_to_a_person(
    fill_page: Callable[..., Any],
    fake_engine: Callable[..., Any],
    reading: Callable[..., Recognition],
) -> None:
    from dataclasses import replace

    forced = replace(reading("世帯主", 0.99), grammar_forced=True)
    engine, field_ = _relationship(fill_page, fake_engine, forced)
    assert isinstance(engine.grammars[0][0], g.Vocabulary)
    assert field_.value == "世帯主"
    assert [r.code for r in field_.reasons] == ["not_in_vocabulary"]
    assert field_.status.value == "review"


def test_a_word_of_the_vocabulary_read_as_such_passes(
    fill_page: Callable[..., Any],
    fake_engine: Callable[..., Any],
    reading: Callable[..., Recognition],
) -> None:
    _, field_ = _relationship(fill_page, fake_engine, reading("世帯主", 0.99))
    assert field_.value == "世帯主"
    assert field_.reasons == []
