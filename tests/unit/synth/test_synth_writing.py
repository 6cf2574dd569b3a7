"""What is written on the page reads back as the truth (the page/truth consistency)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from form_schemas.japanese.era import era_info, to_western
from form_schemas.registry import FormDefinition, FormRegistry
from form_schemas.spec import FieldSpec, FieldType, FieldValue
from ocr_pipeline.synth.fill import segment_texts
from ocr_pipeline.synth.places import to_fullwidth
from ocr_pipeline.synth.values import make_values
from ocr_pipeline.synth.writing import Writing, to_hiragana, wareki_writing, writing_for

SPACE = "\u3000"


def _katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def _date_read(f: FieldSpec, w: Writing) -> str:
    y, m, d = w.parts
    year = 1 if y == "元" else int(y)
    if f.type is FieldType.DATE:
        return date(year, int(m), int(d)).isoformat()
    era = f.era or w.circle
    assert era is not None
    return to_western(era_info(era).era, year, int(m), int(d)).isoformat()


def _read(f: FieldSpec, w: Writing) -> FieldValue:  # noqa: PLR0911 - one reading per type
    """The export value a careful human keys from what is written."""
    t, text = f.type, "".join(w.parts)
    if t in (FieldType.CHECKBOX, FieldType.PRESENCE):
        return w.mark is not None
    if w.empty:
        return None
    if t is FieldType.CHOICE:
        return w.circle
    if t.is_date:
        return _date_read(f, w)
    if t in (FieldType.NAME, FieldType.KANA):
        return _katakana(SPACE.join(w.parts)) if t is FieldType.KANA else SPACE.join(w.parts)
    if t in (FieldType.POSTAL_CODE, FieldType.PHONE):
        return "-".join(w.parts)
    if t is FieldType.AMOUNT:
        return int(text.replace(",", ""))
    if t in (FieldType.MYNUMBER, FieldType.DIGITS):
        return text
    return to_fullwidth(text)


def _forms(test_form: FormDefinition) -> list[FormDefinition]:
    return [test_form, *FormRegistry.from_dirs()]


def test_written_values_read_back_as_the_truth(test_form: FormDefinition) -> None:
    for form in _forms(test_form):
        for seed in range(40):
            filled = make_values(form, np.random.default_rng(seed))
            for f in form.fields:
                truth, w = filled.truth[f.id], filled.writing[f.id]
                if filled.review.get(f.id) == "invalid_date":
                    continue
                ticks = f.type in (FieldType.CHECKBOX, FieldType.PRESENCE)
                expected = False if truth is None and ticks else truth  # empty table rows
                assert _read(f, w) == expected, (form.id, f.id, w)


def test_plain_values_are_written_the_way_people_write_them() -> None:
    rng = np.random.default_rng(0)
    phone = FieldSpec(id="phone", label="電話番号", type=FieldType.PHONE, bbox=(0, 0, 100, 30))
    assert writing_for(phone, "090-1234-5678", rng).parts == ("090", "1234", "5678")
    address = FieldSpec(id="a", label="住所", type=FieldType.ADDRESS, bbox=(0, 0, 100, 30))
    assert writing_for(address, "東京都千代田区千代田１－２－３", rng).parts == (
        "東京都千代田区千代田1-2-3",
    )
    hira = FieldSpec(id="k", label="ふりがな", type=FieldType.KANA, bbox=(0, 0, 100, 30))
    assert writing_for(hira, "ヤマダ\u3000タロウ", rng).parts == ("やまだ", "たろう")
    assert to_hiragana("ヴァー") == "ゔぁー"
    amounts = {
        writing_for(
            FieldSpec(id="m", label="金額", type=FieldType.AMOUNT, bbox=(0, 0, 100, 30)), 30000, rng
        ).parts[0]
        for _ in range(20)
    }
    assert amounts == {"30,000", "30000"}
    for v in (None, False):
        assert writing_for(phone, v, rng).empty


def test_year_one_of_an_era_is_sometimes_written_gannen() -> None:
    parts = {
        "year": {"bbox": (0, 0, 40, 30)},
        "month": {"bbox": (50, 0, 90, 30)},
        "day": {"bbox": (100, 0, 140, 30)},
    }
    f = FieldSpec(id="d", label="届出日", type=FieldType.WAREKI_DATE, era="reiwa", parts=parts)
    years = {
        wareki_writing(f, date(2019, 6, 1), np.random.default_rng(s)).parts[0] for s in range(30)
    }
    assert years == {"1", "元"}
    assert wareki_writing(f, date(2026, 6, 1), np.random.default_rng(0)).parts[0] == "8"


@pytest.mark.parametrize(
    ("boxes", "parts", "expected"),
    [
        ([3, 4], ("123", "4567"), [["123"], ["4567"]]),
        ([0], ("123", "4567"), [["123", "4567"]]),
        ([4, 4, 4], ("123456789012",), [["1234"], ["5678"], ["9012"]]),
        ([0, 0], ("東京都千代田区1-2",), [["東京都千代田区1-2"], []]),
        ([0, 0], ("a", "b", "c"), [["a"], ["b", "c"]]),
    ],
)
def test_pieces_go_to_segments(
    boxes: list[int], parts: tuple[str, ...], expected: list[list[str]]
) -> None:
    segments = [{"bbox": (i * 200, 0, i * 200 + 150, 40), "boxes": n} for i, n in enumerate(boxes)]
    f = FieldSpec(id="x", label="x", type=FieldType.TEXT, segments=segments)
    assert segment_texts(f, Writing(parts)) == expected
