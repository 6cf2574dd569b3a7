"""個人番号 (My Number): 12 digits, the last a mod-11 check digit (``stdnum.jp.in_``).

The number is sensitive: nothing here logs or formats it for display; masking is the UI's
job. A number whose check digit fails is kept as read so the reviewer sees what was
written next to the reason.
"""

from __future__ import annotations

from enum import Enum

from stdnum.jp import in_ as jp_in

from .digits import is_digits, non_digits, read_digits, strip_spaces, unify_dashes

LENGTH = 12


class MyNumberProblem(Enum):
    """What can be wrong with an export-form 個人番号."""

    CHARS = "chars"
    LENGTH = "length"
    CHECK_DIGIT = "check_digit"


def normalise_mynumber(text: str) -> str:
    """Widths folded, confusions absorbed, spaces and hyphens between groups removed."""
    return unify_dashes(strip_spaces(read_digits(text))).replace("-", "")


def check_digit(first_eleven: str) -> str:
    """The check digit for 11 digits (weights 6 5 4 3 2 7 6 5 4 3 2, mod 11)."""
    digit: str = jp_in.calc_check_digit(first_eleven)
    return digit


def mynumber_problem(value: str) -> tuple[MyNumberProblem, str] | None:
    """The first problem with ``value`` and an English detail, or ``None`` when valid.

    The detail never repeats the number itself (it may end up in logs).
    """
    if not is_digits(value):
        bad = "".join(non_digits(value)) or "nothing"
        return MyNumberProblem.CHARS, f"holds characters other than digits: {bad!r}"
    if len(value) != LENGTH:
        return MyNumberProblem.LENGTH, f"has {len(value)} digits, not {LENGTH}"
    if not jp_in.is_valid(value):
        return MyNumberProblem.CHECK_DIGIT, "the check digit (12th digit) does not match"
    return None
