"""電話番号: half-width digits with hyphens where the writer put them.

Japanese numbers are written ``03-1234-5678``, ``090-1234-5678``, and very often with the
area code or exchange in brackets: ``03(1234)5678``, ``(03)1234-5678``. Brackets become
hyphens; spaces are dropped (a recognizer inserts them between widely spaced digits).
A valid number follows Japan's numbering plan (総務省): it starts with 0 and not 00; the
numbers of 020, 050, 060, 070, 080 and 090 and free dial 0800 have 11 digits, all others (fixed
lines, 0120, 0570) 10. A fixed line written in three groups ends in the four digits of its
subscriber number (03-1234-5678, 0467-12-3456).
"""

from __future__ import annotations

import re

from .digits import read_digits, strip_spaces, unify_dashes

_BRACKETS = str.maketrans({"(": "-", ")": "-"})
_HYPHEN_RUN = re.compile(r"-{2,}")
_SHAPE = re.compile(r"[0-9]+(?:-[0-9]+)*")
PHONE_DIGITS = (10, 11)
ELEVEN_DIGIT_PREFIXES = ("020", "050", "060", "070", "080", "090", "0800")
SERVICE_PREFIXES = ("0120", "0570", "0800", "0180", "0990")  # groups of their own (0120-123-456)


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
    if not digits.startswith("0") or digits.startswith("00"):
        return "does not start with 0 followed by an area or service code"
    expected = 11 if digits.startswith(ELEVEN_DIGIT_PREFIXES) else 10
    if len(digits) != expected:
        return f"has {len(digits)} digits; a number with its prefix has {expected}"
    groups = value.split("-")
    fixed_line = expected == 10 and not digits.startswith(SERVICE_PREFIXES)
    if fixed_line and len(groups) == 3 and len(groups[2]) != 4:
        return "a fixed line's last group (its subscriber number) is not four digits"
    return None
