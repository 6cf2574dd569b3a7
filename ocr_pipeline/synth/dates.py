"""Plausible dates for date fields (by what the label asks for) and impossible 和暦 dates.

Dates are drawn relative to a fixed ``today`` so that output does not change from day to day.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from form_schemas.japanese.era import ERAS, EraInfo, InvalidWarekiDate, era_info, to_western
from form_schemas.spec import FieldSpec, FieldType

from .people import random_day

REFERENCE_DATE = date(2026, 10, 1)
"""The synthesizer's "today": 届出日 and 申請日 fall shortly before it."""

_KINDS: tuple[tuple[tuple[str, ...], int, int], ...] = (
    # label words, days before today (first), days after today (last)
    (("寄附", "寄付"), 365, 0),
    (("異動", "転入", "転居", "転出", "開始", "中止", "使用", "移動", "変更"), 40, 20),
    (("届出", "申請", "記入", "提出", "申告", "作成", "年月日"), 45, 0),
)
_BAD_DAYS = ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31))


def is_birth(field: FieldSpec) -> bool:
    return "生年月日" in field.label or "生まれ" in field.label


def window(field: FieldSpec, today: date) -> tuple[date, date]:
    """The range of plausible dates for a non-birth date field, from its label."""
    for words, before, after in _KINDS:
        if any(w in field.label for w in words):
            return today - timedelta(days=before), today + timedelta(days=after)
    return today - timedelta(days=730), today


def allowed_eras(field: FieldSpec) -> tuple[EraInfo, ...]:
    """Eras a date may be written in: the printed one, the ones to circle, or all."""
    if field.type is not FieldType.WAREKI_DATE:
        return ERAS
    if field.era is not None:
        return (era_info(field.era),)
    return tuple(era_info(o.code) for o in field.options)


def fit_to_eras(field: FieldSpec, d: date, rng: np.random.Generator, today: date) -> date:
    """``d`` when it can be written in the field's eras, else a day of one of those eras."""
    eras = allowed_eras(field)
    if any(e.start <= d and (e.end is None or d <= e.end) for e in eras):
        return d
    era = eras[int(rng.integers(len(eras)))]
    last = min(era.end or today, today)
    first = max(era.start, date(1930, 1, 1)) if last > date(1930, 1, 1) else era.start
    return random_day(rng, first, last)


def impossible_wareki(
    field: FieldSpec, rng: np.random.Generator, today: date
) -> tuple[EraInfo, int, int, int]:
    """A 和暦 date that does not exist, in one of the field's eras: past the era's end
    (昭和64年1月8日), before its start (令和元年4月1日) or not in the calendar (2月30日)."""
    eras = allowed_eras(field)
    era = eras[int(rng.integers(len(eras)))]
    kinds = ["calendar", "before_start"] + (["after_end"] if era.end else [])
    kind = kinds[int(rng.integers(len(kinds)))]
    if kind == "after_end" and era.end is not None:
        year = era.end.year - era.offset
        d = random_day(rng, era.end + timedelta(days=1), date(era.end.year, 12, 31))
        return era, year, d.month, d.day
    if kind == "before_start" and era.start > date(era.start.year, 1, 1):
        d = random_day(rng, date(era.start.year, 1, 1), era.start - timedelta(days=1))
        return era, 1, d.month, d.day
    last_year = (era.end or today).year - era.offset
    year = int(rng.integers(1, max(2, last_year)))
    month, day = _BAD_DAYS[int(rng.integers(len(_BAD_DAYS)))]
    return era, year, month, day


def impossible_western(rng: np.random.Generator, today: date) -> tuple[int, int, int]:
    """A 西暦 date that is not in the calendar (2023年2月29日, 4月31日)."""
    month, day = _BAD_DAYS[int(rng.integers(len(_BAD_DAYS)))]
    return today.year - int(rng.integers(0, 3)), month, day


def exists(era: EraInfo, year: int, month: int, day: int) -> bool:
    try:
        to_western(era.era, year, month, day)
    except InvalidWarekiDate:
        return False
    return True
