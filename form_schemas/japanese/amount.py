"""Amounts of money in yen: ``10,000円``, ``¥10000``, ``金10,000円``, ``１０，０００``.

Japanese forms and receipts decorate amounts: a leading 金 or yen sign (``¥``, ``￥``, and
``\\``, which Japanese fonts draw as a yen sign), a trailing 円, 也 or ``-`` (``¥10,000-``
means "and nothing more"). Commas must sit between groups of three digits; a comma
elsewhere is more likely a misread than a separator and is reported. A minus sign or the
accounting marks △ ▲ in front make the amount negative, which no form asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .digits import read_digits, strip_spaces, unify_dashes

_PREFIXES = ("金", "¥", "￥", "\\")
_SUFFIXES = ("也", "-", "円")
_NEGATIVE = ("-", "△", "▲")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_PLAIN = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class AmountReading:
    """``value`` is the amount in yen (possibly negative) or ``None`` when unreadable;
    ``text`` is the cleaned writing, kept for the reviewer when ``value`` is ``None``."""

    value: int | None
    text: str


def _strip_decorations(text: str) -> tuple[str, bool]:
    s = text
    negative = False
    for prefix in _PREFIXES:
        s = s.removeprefix(prefix)
    if s[:1] in _NEGATIVE:
        negative = True
        s = s[1:]
        for prefix in _PREFIXES[1:]:
            s = s.removeprefix(prefix)
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if s.endswith(suffix):
                s = s.removesuffix(suffix)
                changed = True
    return s, negative


def read_amount(text: str) -> AmountReading:
    """Parse a written amount. Widths are folded and the digit confusions absorbed first."""
    cleaned = unify_dashes(strip_spaces(read_digits(text))).replace("，", ",")
    core, negative = _strip_decorations(cleaned)
    if _PLAIN.fullmatch(core) or _GROUPED.fullmatch(core):
        number = int(core.replace(",", ""))
        return AmountReading(-number if negative else number, cleaned)
    return AmountReading(None, cleaned)


def amount_problem(value: object) -> str | None:
    """Why ``value`` is not an export-form amount (an ``int`` >= 0), or ``None``."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{value!r} is not a whole number of yen"
    if value < 0:
        return f"{value} is negative"
    return None
