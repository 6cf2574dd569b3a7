"""Turning one export-form value into the text of one CSV cell, by field type.

Pure functions. A value that does not fit its field type raises :class:`CellError` with a
detail that never repeats the value; the writer adds the record and field to it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from form_schemas.japanese.era import format_wareki, to_wareki
from form_schemas.spec import FieldSpec, FieldType, FieldValue

from .profile import ChoiceStyle, Column, DateFormat, ExportProfile

JST = timezone(timedelta(hours=9), "JST")
"""Japan has one time zone and no daylight saving time."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TEXT_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.NAME,
        FieldType.ADDRESS,
        FieldType.KANA,
        FieldType.POSTAL_CODE,
        FieldType.PHONE,
        FieldType.MYNUMBER,
        FieldType.DIGITS,
    }
)


class CellError(ValueError):
    """A value cannot be written as the column asks; the message says why, without it."""


def is_empty(value: FieldValue) -> bool:
    """``None`` and blank strings are empty (``False`` is a value: an unticked box)."""
    return value is None or (isinstance(value, str) and not value.strip())


def format_date(d: date, fmt: DateFormat) -> str:
    """A date as the core system wants it; era formats need a date from 明治 on."""
    if fmt is DateFormat.ISO:
        return d.isoformat()
    if fmt is DateFormat.YYYYMMDD:
        return f"{d.year:04d}{d.month:02d}{d.day:02d}"
    try:
        info, year = to_wareki(d)
    except ValueError as exc:
        raise CellError(f"the date lies before 明治 and has no era form ({fmt.value})") from exc
    if fmt is DateFormat.WAREKI:
        return format_wareki(d)
    if year > 99:
        raise CellError(f"the era year has three digits and does not fit {fmt.value}")
    return f"{info.code}{year:02d}{d.month:02d}{d.day:02d}"


def parse_iso_date(value: FieldValue) -> date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise CellError("expected an ISO date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CellError("the ISO date is not a calendar date") from exc


def _choice(value: FieldValue, spec: FieldSpec, col: Column) -> str:
    codes = {o.code: o.label for o in spec.options}
    if not isinstance(value, str) or value not in codes:
        raise CellError(f"expected one of the option codes {list(codes)}")
    if isinstance(col.choices, dict):
        return col.choices[value]
    if col.choices is ChoiceStyle.LABEL:
        return codes[value]
    return value


def _typed(value: FieldValue, spec: FieldSpec, col: Column, profile: ExportProfile) -> str:
    t = spec.type
    if t.is_date:
        return format_date(parse_iso_date(value), col.date_format or profile.date_format)
    if t is FieldType.AMOUNT:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CellError("expected a whole number of yen (an int, not negative)")
        return str(value)
    if t in (FieldType.CHECKBOX, FieldType.PRESENCE):
        if not isinstance(value, bool):
            raise CellError("expected true or false")
        return (col.booleans or profile.booleans)[value]
    if t is FieldType.CHOICE:
        return _choice(value, spec, col)
    if t in _TEXT_TYPES:
        if not isinstance(value, str):
            raise CellError(f"expected text for a {t.value} field")
        return value.replace("-", "") if col.digits_only else value
    raise CellError(f"field type {t.value} has no export rule")  # pragma: no cover


def fit_width(text: str, col: Column) -> str:
    """Pad ``text`` on the left to the column's ``width``; never cut it."""
    if col.width is None:
        return text
    if len(text) > col.width:
        raise CellError(f"the value has {len(text)} characters; the column holds {col.width}")
    return text.rjust(col.width, col.pad)


def format_field(value: FieldValue, spec: FieldSpec, col: Column, profile: ExportProfile) -> str:
    """The cell for a field's value; empty values become the profile's ``empty``."""
    if is_empty(value):
        return profile.empty
    return fit_width(_typed(value, spec, col, profile), col)


def format_timestamp(raw: str, fmt: DateFormat) -> str:
    """An ISO date or timestamp from the store, as a date in ``fmt``. Aware timestamps are
    taken in Japan time first (an approval at 2024-03-31T15:30Z is on 2024-04-01 there)."""
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise CellError("expected an ISO date or timestamp") from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(JST)
    return format_date(moment.date(), fmt)
