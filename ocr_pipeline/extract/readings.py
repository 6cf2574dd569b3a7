"""What a name reading (フリガナ) allows around small kana, where the ink cannot tell.

Two facts of Japanese sound that settle readings the writing leaves open:

- the small ッ doubles the consonant that follows, so it stands only before a kana whose
  consonant can be doubled (k, s, t, p and, in loan words, g, z, d, b, h); before a vowel,
  n, m, y, r, w, ン, ー, a space or the end of the reading it is a full-size ツ
  (テツヤ, not テッヤ);
- after an i-row kana (キ, シ, チ ...) a ヨ followed by ウ or ー is the small ョ of
  ショウ, キョウ, リョウ (names read シヨウ are practically unknown), while before any other
  kana it is the full-size ヨ of キヨシ, チヨコ, ミヨコ; a ユ before ウ, ン or ー is the small
  ュ of シュウ, ジュン, リュウ; a ヤ after an i-row kana is the full-size ヤ of ミヤコ,
  ミヤモト (ャ is rare in names). Elsewhere ユ is left as read (ミユキ and ジュリ both occur).

These are preferences for a name reading, not certainties: a reading they decide is still
shown to a person when the ink's size was in between (see ``fixups.fix_kana_size``).
"""

from __future__ import annotations

_TO_KATAKANA = str.maketrans(
    "ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬね"
    "のはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔ",
    "ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネ"
    "ノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴ",
)
# Kana whose consonant a small ッ can double.
GEMINABLE = frozenset(
    "カキクケコガギグゲゴサシスセソザジズゼゾタチツテトダヂヅデドハヒフヘホバビブベボパピプペポヴ"
)
I_ROW = frozenset("キギシジチヂニヒビピミリ")
_SMALL_OF = {"ヤ": "ャ", "ユ": "ュ", "ヨ": "ョ", "ャ": "ャ", "ュ": "ュ", "ョ": "ョ"}
_LARGE_OF = {"ャ": "ヤ", "ュ": "ユ", "ョ": "ヨ", "ヤ": "ヤ", "ユ": "ユ", "ヨ": "ヨ"}
_HIRAGANA_OF = {"ャ": "ゃ", "ュ": "ゅ", "ョ": "ょ", "ヤ": "や", "ユ": "ゆ", "ヨ": "よ"}


def katakana(text: str) -> str:
    """``text`` with hiragana as katakana (the comparisons here are made in katakana)."""
    return text.translate(_TO_KATAKANA)


def sokuon_fits(nxt: str) -> bool:
    """Can a small ッ stand before ``nxt`` ("" for the end of the reading)?"""
    return bool(nxt) and katakana(nxt) in GEMINABLE


def yoon_by_reading(text: str, i: int) -> str | None:
    """The form (small or full size, in the script it was read in) that a name reading
    prefers for the ヤ, ユ or ヨ at ``i`` after an i-row kana, or None when both occur."""
    if not 0 < i < len(text) or katakana(text[i - 1]) not in I_ROW:
        return None
    read = katakana(text[i])
    if read not in _SMALL_OF:
        return None
    nxt = katakana(text[i + 1]) if i + 1 < len(text) else ""
    base = _LARGE_OF[read]
    if base == "ヤ":
        form = "ヤ"
    elif base == "ヨ":
        form = "ョ" if nxt in ("ウ", "ー") else "ヨ"
    elif nxt in ("ウ", "ン", "ー"):
        form = "ュ"
    else:
        return None
    return form if text[i] == read else _HIRAGANA_OF[form]
