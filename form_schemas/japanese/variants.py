"""Old and variant forms of kanji common in names (異体字: 髙/高, 﨑/崎, 邊/辺).

A resident who writes 髙橋 means 髙橋, not 高橋, and core systems register the form used in
the family register. The recognizer tends to read the rarer form as the common one, so a
name containing a character of these groups is worth a human look. Old forms are never
"corrected" anywhere in the project; :func:`fold_variants` exists only to *compare* text
(an address written with 龍 against the lexicon's 竜).

The groups below list widely known name variants. CJK compatibility ideographs that Unicode
maps canonically onto a member (塚 U+FA10 → 塚, 福 U+FA1B → 福) are added from the Unicode
data, so they need no hand-written entry. Variants that exist only as ideographic variation
sequences (the two-dot 辻) are out of reach of plain code points and not listed.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable

# First character of each group is the common (JIS level 1) form.
VARIANT_GROUPS: tuple[str, ...] = (
    "高髙",
    "崎﨑嵜碕",
    "辺邊邉",
    "斎齋齊斉",
    "沢澤",
    "浜濱濵",
    "島嶋嶌",
    "吉𠮷",
    "富冨",
    "国國",
    "広廣",
    "竜龍",
    "桜櫻",
    "恵惠",
    "条條",
    "徳德",
    "黒黑",
    "曽曾",
    "渕淵渊",
    "槙槇",
    "柳栁",
    "関關",
    "瀬瀨",
    "穂穗",
    "薮藪籔",
    "亀龜",
    "館舘",
    "峰峯",
    "蔵藏",
    "栄榮",
    "真眞",
    "寛寬",
    "礼禮",
    "実實",
    "豊豐",
    "鉄鐵",
    "万萬",
    "与與",
    "芦蘆",
    "渋澁",
    "荘莊",
    "桧檜",
    "鴎鷗",
    "野埜",
    "塚",
    "福",
    "神",
    "祐",
    "禎",
    "祥",
    "都",
)

_COMPAT_RANGES = ((0xF900, 0xFB00), (0x2F800, 0x2FA20))


def _compatibility_variants(bases: Iterable[str]) -> dict[str, list[str]]:
    """Compatibility ideographs whose canonical decomposition is one of ``bases``."""
    wanted = set(bases)
    found: dict[str, list[str]] = {}
    for lo, hi in _COMPAT_RANGES:
        for cp in range(lo, min(hi, sys.maxunicode + 1)):
            ch = chr(cp)
            target = unicodedata.normalize("NFC", ch)
            if target != ch and target in wanted:
                found.setdefault(target, []).append(ch)
    return found


def _build() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    groups = [list(g) for g in VARIANT_GROUPS]
    compat = _compatibility_variants(ch for g in groups for ch in g)
    others: dict[str, tuple[str, ...]] = {}
    base_of: dict[str, str] = {}
    for group in groups:
        members = group + [c for ch in group for c in compat.get(ch, []) if c not in group]
        if len(members) < 2:
            continue
        for ch in members:
            others[ch] = tuple(m for m in members if m != ch)
            base_of[ch] = members[0]
    return others, base_of


_VARIANTS, _BASE = _build()


def variants_of(char: str) -> tuple[str, ...]:
    """The other members of ``char``'s variant group (empty when it has none)."""
    return _VARIANTS.get(char, ())


def variant_candidates(text: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """``(index, char, variants)`` for each character of ``text`` that has variant forms.

    ``index`` counts code points (Python ``str`` indices), so 𠮷 (outside the BMP) is one
    position. Works in both directions: 高 lists 髙 and 髙 lists 高.
    """
    return [(i, ch, _VARIANTS[ch]) for i, ch in enumerate(text) if ch in _VARIANTS]


def fold_variants(text: str) -> str:
    """Replace each variant by its group's common form. For comparisons only, never output."""
    return "".join(_BASE.get(ch, ch) for ch in text)


def common_form(char: str) -> str:
    """The common (first) form of ``char``'s variant group; ``char`` itself when it has none."""
    return _BASE.get(char, char)
