"""Character width (全角/半角), spaces and dashes in written Japanese text.

The export form of free text, names and addresses keeps every character as written except
for three foldings that core systems expect:

- half-width ASCII letters and digits and half-width katakana (ｱｲｳ, ｶﾞ) become full-width;
- any run of whitespace becomes one ideographic space (U+3000), and the ends are trimmed;
- in addresses, a dash-like character between two numbers becomes '－' (U+FF0D).

Nothing here applies Unicode normalisation (NFC/NFKC): NFC alone replaces CJK
compatibility ideographs such as 塚 (U+FA10) with their unified forms, and names must keep
the form the resident wrote. ASCII punctuation is kept as written, because the contract
names only letters, digits and katakana.
"""

from __future__ import annotations

import re
import string

import jaconv

IDEOGRAPHIC_SPACE = "\u3000"
FULLWIDTH_HYPHEN_MINUS = "\uff0d"

DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70\u2500\uff0d")
"""Characters written or read where a hyphen is meant: ASCII '-', the Unicode hyphens and
dashes (‐ ‑ ‒ – — ―), minus (−), the katakana long-vowel marks (ー ｰ), the box-drawing line
(─) and full-width '－'. Which of them is a hyphen depends on the neighbours."""

ASCII_DIGITS = frozenset("0123456789")
FULLWIDTH_DIGITS = frozenset("０１２３４５６７８９")
KANJI_NUMERALS = frozenset("〇一二三四五六七八九十百千")
"""Kanji that write numbers in addresses (二丁目, 三－五)."""

_NUMBERS = ASCII_DIGITS | FULLWIDTH_DIGITS | KANJI_NUMERALS
_KEEP_PUNCTUATION = string.punctuation + " "
_WHITESPACE = re.compile(r"\s+")
# Stand-alone half-width sound marks that jaconv leaves alone (no base kana before them).
_LONE_SOUND_MARKS = str.maketrans({"\uff9e": "\u309b", "\uff9f": "\u309c"})


def collapse_spaces(text: str) -> str:
    """Replace every whitespace run (ASCII, U+3000, tabs, line breaks) by one U+3000; trim."""
    return _WHITESPACE.sub(IDEOGRAPHIC_SPACE, text.strip())


def to_fullwidth(text: str) -> str:
    """Half-width ASCII letters, digits and katakana → full-width; everything else as is.

    ``ｶﾞ`` (two half-width characters) becomes the single ``ガ``.
    """
    wide: str = jaconv.h2z(text, ignore=_KEEP_PUNCTUATION, kana=True, ascii=True, digit=True)
    return wide.translate(_LONE_SOUND_MARKS)


def to_halfwidth_ascii(text: str) -> str:
    """Full-width ASCII letters, digits and symbols (０１２, ＡＢＣ, －, （）) → half-width.

    Katakana and kanji are left alone; used before reading digit fields.
    """
    narrow: str = jaconv.z2h(text, kana=False, ascii=True, digit=True)
    return narrow


def unify_address_dashes(text: str) -> str:
    """A dash-like character between two numbers (digits or kanji numerals) → '－'.

    ``1-2-3``, ``１ー２``, ``三－５`` are written hyphens; a long-vowel mark between katakana
    (``コーポ``) is not touched.
    """
    chars = list(text)
    for i in range(1, len(chars) - 1):
        if chars[i] in DASHES and chars[i - 1] in _NUMBERS and chars[i + 1] in _NUMBERS:
            chars[i] = FULLWIDTH_HYPHEN_MINUS
    return "".join(chars)


def normalise_text(text: str, *, address: bool = False) -> str:
    """Export form of free text, names and (with ``address=True``) addresses.

    Idempotent: ``normalise_text(normalise_text(s)) == normalise_text(s)``.
    """
    out = collapse_spaces(to_fullwidth(text))
    if address:
        out = unify_address_dashes(out)
    return out
