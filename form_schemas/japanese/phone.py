"""電話番号: half-width digits with hyphens where the writer put them.

Japanese numbers are written ``03-1234-5678``, ``090-1234-5678``, and very often with the
area code or exchange in brackets: ``03(1234)5678``, ``(03)1234-5678``. Brackets become
hyphens; spaces are dropped (a recognizer inserts them between widely spaced digits).
A valid number has 10 or 11 digits and starts with 0 (fixed lines and 0120 have 10, mobile
and 050 numbers 11).
"""

from __future__ import annotations

import re

from .digits import read_digits, strip_spaces, unify_dashes

_BRACKETS = str.maketrans({"(": "-", ")": "-"})
_HYPHEN_RUN = re.compile(r"-{2,}")
_SHAPE = re.compile(r"[0-9]+(?:-[0-9]+)*")
PHONE_DIGITS = (10, 11)


def normalise_phone(text: str) -> str:
    """Export form: widths folded, OCR confusions absorbed, brackets and dashes → ``-``,
    spaces removed, hyphen runs collapsed, no hyphen at either end. Idempotent."""
    out = unify_dashes(strip_spaces(read_digits(text))).translate(_BRACKETS)
    return _HYPHEN_RUN.sub("-", out).strip("-")


def phone_problem(value: str) -> str | None:
    """Why ``value`` is not a valid export-form phone number, or ``None``.

    The detail does not repeat the number (details go to logs)."""
    if not _SHAPE.fullmatch(value):
        return "holds characters other than digits and single hyphens between them"
    digits = value.replace("-", "")
    if len(digits) not in PHONE_DIGITS:
        return f"has {len(digits)} digits; a phone number has 10 or 11"
    if not digits.startswith("0"):
        return "does not start with 0"
    return None
