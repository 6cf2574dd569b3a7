"""The official spelling of the place names an address starts with.

The recognizer reads some common kanji as their old or traditional twins (穂 as 穗, 緑 as 綠).
Where the start of an address - prefecture, municipality, town - equals a place in Japan Post's
data once variant forms are folded, the place names are written as that data writes them.
Only place names are touched: block numbers and building names stay as read, and a person's
name is never respelled anywhere.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from ja_itaiji import Itaiji

from .address import lexicon
from .postal import DB_PATH

# Folded before comparing: ヶ/ケ are spelled both ways, and the recognizer cannot tell the
# long-vowel mark from the kanji 一 (上一ノ町).
_KANA_FOLD = {"ヶ": "ケ", "ヵ": "カ", "ー": "一"}


def _jis_level1(c: str) -> bool:
    try:
        b = c.encode("euc_jp")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xB0 <= b[0] <= 0xCF


@cache
def _rep(c: str) -> str:
    """One representative per variant family (its JIS level-1 member where there is one)."""
    c = _KANA_FOLD.get(c, c)
    family = Itaiji.get_family(c)
    if len(family) == 1:
        return c
    common = sorted(f for f in family if _jis_level1(f))
    return str(common[0] if common else min(family))


def fold(text: str) -> str:
    """``text`` with every character replaced by its family's representative (same length)."""
    return "".join(_rep(c) for c in text)


@cache
def _towns(prefecture: str, city: str) -> tuple[str, ...]:
    conn = sqlite3.connect(f"{DB_PATH.as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "select distinct neighborhood from postal_data where prefecture = ? and city = ?",
            (prefecture, city),
        ).fetchall()
    finally:
        conn.close()
    names = {r[0] for r in rows if r[0] and "以下に掲載がない" not in r[0]}
    return tuple(sorted(names, key=len, reverse=True))


@cache
def _prefixes() -> dict[str, tuple[str, str, str]]:
    """Folded spelling -> (written spelling, prefecture, official city) for every
    prefecture + municipality combination and its short forms."""
    out: dict[str, tuple[str, str, str]] = {}
    for prefecture, forms in lexicon().cities.items():
        for officials in forms.values():
            for city in officials:
                out.setdefault(fold(prefecture + city), (prefecture + city, prefecture, city))
    return out


def place_prefix(address: str) -> tuple[int, str, str, str] | None:
    """The prefecture + municipality ``address`` starts with, up to variant forms:
    (characters it takes, official spelling, prefecture, municipality); None if none."""
    table = _prefixes()
    key = fold(address)
    best = max((k for k in table if key.startswith(k)), key=len, default=None)
    if best is None:
        return None
    written, prefecture, city = table[best]
    return len(best), written, prefecture, city


def towns(prefecture: str, city: str) -> tuple[str, ...]:
    """Town (大字・町) names of a municipality in Japan Post's data, longest first."""
    return _towns(prefecture, city)
