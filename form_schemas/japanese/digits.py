"""Reading digit-only writing: width folding and the OCR confusions we absorb.

Applied only to fields whose writing is digits (postal codes, phone numbers, 個人番号, fixed
digit numbers, amounts, the parts of dates), never to free text. The rules are deliberately
few; each is a confusion that cannot mean anything else in a digits-only field:

- full-width digits ``０-９`` → ``0-9`` (and full-width ASCII letters/symbols → half-width
  first, so that ``Ｏ`` and ``ｌ`` are covered by the rules below);
- ``O`` and ``o`` (letter O) → ``0``: same shape as a handwritten zero;
- ``l`` (small L), ``I`` (capital i) and ``|`` (vertical bar) → ``1``: a single stroke.

Letters that merely resemble a digit (``S``/5, ``B``/8, ``Z``/2, ``g``/9, ``D``/0) are *not*
mapped: they are as likely to be real misreadings of something else, and a wrong digit
that passes the checks is worse than a visible ``invalid_chars``.
"""

from __future__ import annotations

import re

from .width import DASHES, to_halfwidth_ascii

DIGIT_CONFUSIONS: dict[str, str] = {"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"}
_CONFUSION_TABLE = str.maketrans(DIGIT_CONFUSIONS)
_DASH_TABLE = str.maketrans(dict.fromkeys(DASHES, "-"))
_DIGITS_ONLY = re.compile(r"[0-9]+")


def read_digits(text: str) -> str:
    """Fold widths and absorb the confusions listed in the module docstring.

    Other characters (hyphens, commas, 〒, 円, stray letters) are kept for the caller to
    judge. Idempotent.
    """
    return to_halfwidth_ascii(text).translate(_CONFUSION_TABLE)


def unify_dashes(text: str) -> str:
    """Every dash-like character (see :data:`~.width.DASHES`) → ASCII ``-``."""
    return text.translate(_DASH_TABLE)


def strip_spaces(text: str) -> str:
    """Remove all whitespace (spaces between boxes carry no meaning in digit fields)."""
    return "".join(text.split())


def is_digits(text: str) -> bool:
    """Non-empty and made of ASCII digits only (``str.isdigit`` would accept ``１`` and ``²``)."""
    return _DIGITS_ONLY.fullmatch(text) is not None


def non_digits(text: str) -> list[str]:
    """The distinct characters of ``text`` that are not ASCII digits, in order of appearance."""
    seen: list[str] = []
    for ch in text:
        if not ("0" <= ch <= "9") and ch not in seen:
            seen.append(ch)
    return seen
