"""Dates as written: 和暦 and 西暦 parts from boxes, and dates typed by a reviewer.

Building a date from the three parts read from a form and parsing a whole date typed in the
review UI end in the same place, :func:`build_date`, so both report impossible dates the
same way (``昭和64年1月8日`` names itself in the error).
"""

from __future__ import annotations

import re
from datetime import date

from ..spec import Era
from .digits import read_digits, strip_spaces
from .era import ERAS, InvalidWarekiDate, to_western

GANNEN = "元"
"""Written for year 1 of an era (元年)."""


class InvalidDateError(ValueError):
    """The parts do not make a date; the message names what was written and why."""


_ERA_WORDS: dict[str, Era] = {}
for _info in ERAS:
    for _word in (_info.kanji, _info.short, _info.letter, _info.letter.lower()):
        _ERA_WORDS[_word] = _info.era
_ERA_PATTERN = "|".join(sorted(map(re.escape, _ERA_WORDS), key=len, reverse=True))

_SEP = r"[-/.年月]"
_WESTERN = re.compile(rf"([0-9]{{4}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{1,2}})日?")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_WAREKI = re.compile(
    rf"({_ERA_PATTERN})([0-9]{{1,3}}|{GANNEN}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{1,2}})日?"
)


def clean_part(text: str) -> str:
    """A date part as read: widths folded, digit confusions absorbed, spaces removed."""
    return strip_spaces(read_digits(text))


def _number(name: str, text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise InvalidDateError(f"{name} {text!r} is not a number")
    return int(text)


def build_date(era: Era | None, year: str, month: str, day: str) -> date:
    """The date from cleaned parts; ``era=None`` means a western (four-digit) year.

    Raises :class:`InvalidDateError` for parts that are not numbers, a western year not written
    with four digits, 元 without an era, or a date that does not exist (in that era).
    """
    y_text, m_text, d_text = year, month, day
    if era is None:
        if y_text == GANNEN:
            raise InvalidDateError("元年 needs an era (明・大・昭・平・令)")
        if len(y_text) != 4:
            raise InvalidDateError(f"western year {y_text!r} must have four digits")
    y = 1 if era is not None and y_text == GANNEN else _number("year", y_text)
    m = _number("month", m_text)
    d = _number("day", d_text)
    if era is not None:
        try:
            return to_western(era, y, m, d)
        except InvalidWarekiDate as exc:
            raise InvalidDateError(str(exc)) from exc
    try:
        return date(y, m, d)
    except ValueError as exc:
        raise InvalidDateError(f"{y}年{m}月{d}日 is not a calendar date") from exc


def parse_typed_date(text: str) -> tuple[Era | None, str, str, str] | None:
    """Split a typed date into (era, year, month, day) parts, or ``None`` if no pattern fits.

    Accepted: ``2024-04-01``, ``2024/4/1``, ``2024.4.1``, ``2024年4月1日``, ``20240401``,
    ``令和6年4月1日``, ``令和元年5月1日``, ``令6.4.1``, ``R6.4.1``, ``r6/4/1``, with full-width
    digits and spaces anywhere. The parts are not checked here.
    """
    s = clean_part(text)
    if m := _WAREKI.fullmatch(s):
        return _ERA_WORDS[m.group(1)], m.group(2), m.group(3), m.group(4)
    if m := (_WESTERN.fullmatch(s) or _COMPACT.fullmatch(s)):
        return None, m.group(1), m.group(2), m.group(3)
    return None


_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_iso_date(text: str) -> bool:
    """``YYYY-MM-DD`` and a real calendar date (``date.fromisoformat`` alone would also take
    ``20240401`` and ``2024-W14-1``)."""
    if not _ISO.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
