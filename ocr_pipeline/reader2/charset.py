"""The characters the second reader knows, and how its readings are compared.

Digits, the kana people write in フリガナ (both syllabaries, small ones included), the
long-vowel mark and 元 (和暦 year one). Hiragana and katakana are kept apart in training
(they are drawn differently) and folded together when readings are compared, because a
kana field's value is katakana either way.
"""

from __future__ import annotations

from functools import lru_cache

import jaconv

DIGITS = "0123456789"
_KATA_BASE = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨ"
    "ラリルレロワヲン"
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ"
)
SMALL_KATA = "ァィゥェォッャュョヮ"
KATAKANA = _KATA_BASE + SMALL_KATA
HIRAGANA = "".join(jaconv.kata2hira(c) for c in KATAKANA)  # ヴ → ゔ
SYMBOLS = "ー元"

ALL_CLASSES: tuple[str, ...] = tuple(DIGITS + KATAKANA + HIRAGANA + SYMBOLS)
DIGIT_CLASSES = frozenset(DIGITS)
YEAR_CLASSES = DIGIT_CLASSES | {"元"}  # a 和暦 year: digits, or 元 for year one

# small kana and the full-size kana they are a smaller copy of
_SMALL_TO_LARGE = dict(zip("ァィゥェォッャュョヮ", "アイウエオツヤユヨワ", strict=True))
SMALL_TO_LARGE: dict[str, str] = {
    **_SMALL_TO_LARGE,
    **{jaconv.kata2hira(s): jaconv.kata2hira(b) for s, b in _SMALL_TO_LARGE.items()},
}
SMALL = frozenset(SMALL_TO_LARGE)

# what a dash-like mark stands for; a long-vowel mark and a hyphen look alike
_DASHES = "-‐‑–—―−ｰ－"


@lru_cache(maxsize=4096)  # per character compared: tens of thousands of calls a page
def fold(char: str) -> str:
    """The form two readings are compared in: katakana for kana, ``ー`` for dashes,
    half-width digits."""
    if char in _DASHES:
        return "ー"
    wide = str(jaconv.z2h(char, kana=False, ascii=False, digit=True))
    return str(jaconv.hira2kata(wide))


def fold_size(char: str) -> str:
    """:func:`fold`, and a small kana as its full-size twin (for when size is unknown)."""
    folded = fold(char)
    return fold(SMALL_TO_LARGE.get(folded, folded))


def is_kana(char: str) -> bool:
    return char in KATAKANA or char in HIRAGANA or char == "ー"
