"""What is physically put into a field, derived from its export value.

A :class:`Writing` holds the pieces of text as the person writes them (half-width digits,
'-' between numbers, hiragana where the form asks for ふりがな) and the marks: the option
circled, the tick in a checkbox, the seal in a 印 box. :func:`writing_for` derives one
from an export value; the value generator builds some directly (an impossible date has
no export value but is still written).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np

from form_schemas.japanese.era import era_info, to_wareki
from form_schemas.spec import FieldSpec, FieldType, FieldValue

SPACE = "\u3000"


class Mark(StrEnum):
    TICK = "tick"
    CROSS = "cross"
    FILL = "fill"
    STAMP = "stamp"
    SIGNATURE = "signature"


@dataclass(frozen=True)
class Writing:
    """Pieces of text (one per segment where the field has several), a circled option
    code and a checkbox/seal mark. ``joiner`` joins pieces written on one line."""

    parts: tuple[str, ...] = ()
    joiner: str = ""
    circle: str | None = None
    mark: Mark | None = None
    numeric: bool = False
    stamp_text: str = ""

    @property
    def empty(self) -> bool:
        return not any(self.parts) and self.circle is None and self.mark is None


def half_width(text: str) -> str:
    """Full-width ASCII forms (and U+3000) back to ASCII, as people write digits and '-'."""
    return "".join(
        " " if ch == SPACE else chr(ord(ch) - 0xFEE0) if "！" <= ch <= "～" else ch for ch in text
    )


def to_hiragana(kana: str) -> str:
    """Katakana to hiragana (ー and spaces unchanged)."""
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)


def wants_hiragana(field: FieldSpec) -> bool:
    """A label written in hiragana (ふりがな) asks for hiragana."""
    return "ふりがな" in field.label


def date_parts(
    field: FieldSpec, year: int, month: int, day: int, rng: np.random.Generator
) -> tuple[str, ...]:
    """Year, month and day as written: 元 for year 1 of an era sometimes, 04 sometimes."""
    pad = rng.random() < 0.2
    y = (
        "元"
        if field.type is FieldType.WAREKI_DATE and year == 1 and rng.random() < 0.5
        else str(year)
    )
    return (y, f"{month:02d}" if pad else str(month), f"{day:02d}" if pad else str(day))


def wareki_writing(field: FieldSpec, d: date, rng: np.random.Generator) -> Writing:
    """A real date written in the field's era (printed or circled)."""
    if field.era is not None:
        info = era_info(field.era)
        year = d.year - info.offset
    else:
        info, year = to_wareki(d)
    circle = info.era.value if field.options else None
    return Writing(date_parts(field, year, d.month, d.day, rng), circle=circle, numeric=True)


def _date_writing(field: FieldSpec, value: str, rng: np.random.Generator) -> Writing:
    d = date.fromisoformat(value)
    if field.type is FieldType.WAREKI_DATE:
        return wareki_writing(field, d, rng)
    return Writing(date_parts(field, d.year, d.month, d.day, rng), numeric=True)


def _amount(value: int, rng: np.random.Generator) -> str:
    return f"{value:,}" if rng.random() < 0.5 else str(value)


def _check_mark(rng: np.random.Generator) -> Mark:
    return Mark(str(rng.choice([Mark.TICK, Mark.CROSS, Mark.FILL], p=[0.72, 0.18, 0.1])))


def _names(field: FieldSpec, text: str) -> Writing:
    if field.type is FieldType.KANA and wants_hiragana(field):
        text = to_hiragana(text)
    return Writing(tuple(text.split(SPACE)), joiner=SPACE)


def _marked(
    field: FieldSpec, value: FieldValue, rng: np.random.Generator, stamp_text: str
) -> Writing:
    if field.type is FieldType.CHECKBOX:
        return Writing(mark=_check_mark(rng))
    if field.type is FieldType.PRESENCE:
        mark = Mark.STAMP if rng.random() < 0.65 else Mark.SIGNATURE
        return Writing(mark=mark, stamp_text=stamp_text)
    return Writing(circle=str(value))


def writing_for(
    field: FieldSpec, value: FieldValue, rng: np.random.Generator, stamp_text: str = ""
) -> Writing:
    """How a person writes ``value`` (export form) into ``field``; empty for None/False."""
    t = field.type
    if value is None or value is False:
        return Writing()
    if t.is_mark:
        return _marked(field, value, rng, stamp_text)
    if t.is_date:
        return _date_writing(field, str(value), rng)
    if t is FieldType.AMOUNT and isinstance(value, int):
        return Writing((_amount(value, rng),), numeric=True)
    if t in (FieldType.NAME, FieldType.KANA):
        return _names(field, str(value))
    return _text(t, half_width(str(value)))


def _text(t: FieldType, text: str) -> Writing:
    if t in (FieldType.PHONE, FieldType.POSTAL_CODE):
        return Writing(tuple(text.split("-")), joiner="-", numeric=True)
    if t in (FieldType.MYNUMBER, FieldType.DIGITS):
        return Writing((text.replace(" ", ""),), numeric=True)
    return Writing((text,))
