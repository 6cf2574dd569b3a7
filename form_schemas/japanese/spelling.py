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
def _all_towns() -> dict[tuple[str, str], tuple[str, ...]]:
    """Town names per (prefecture, municipality), longest first, read in one pass (about
    0.5 s once per process): the postal table has no index on place names, so asking per
    municipality scanned all 120,000 rows for every address read (about 0.1 s each)."""
    conn = sqlite3.connect(f"{DB_PATH.as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("select prefecture, city, neighborhood from postal_data").fetchall()
    finally:
        conn.close()
    grouped: dict[tuple[str, str], set[str]] = {}
    for prefecture, city, name in rows:
        if name and "以下に掲載がない" not in name:
            grouped.setdefault((prefecture, city), set()).add(name)
    return {k: tuple(sorted(v, key=lambda n: (-len(n), n))) for k, v in grouped.items()}


def _towns(prefecture: str, city: str) -> tuple[str, ...]:
    return _all_towns().get((prefecture, city), ())


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


# Strokes a handwritten 川 is read as: its three lines, as ones or bars.
_STROKES_OF_KAWA = frozenset("1１|｜lIｌ")
KAWA = "川"
MIN_NEAR = 5  # the shortest prefecture + municipality matched with a misread character


def _align(key: str, text: str) -> tuple[int, int, dict[int, str]] | None:
    """How ``text`` (folded) begins as ``key`` with at most one misread character, where a 川
    of ``key`` may also have been read as two or three strokes (上１１１郡): (characters of
    ``text`` taken, misread characters, changes index -> character, "" to drop)."""
    i, misread, changes = 0, 0, {}
    for want in key:
        if i >= len(text):
            return None
        if want == KAWA and text[i] in _STROKES_OF_KAWA:
            run = 1
            while run < 3 and i + run < len(text) and text[i + run] in _STROKES_OF_KAWA:
                run += 1
            if run >= 2:
                changes[i] = KAWA
                changes.update({i + k: "" for k in range(1, run)})
                i += run
                continue
        if text[i] != want:
            misread += 1
            if misread > 1:
                return None
            changes[i] = want
        i += 1
    return i, misread, changes


def near_place_prefix(address: str) -> tuple[dict[int, str], str] | None:
    """For an address that starts with no known prefecture + municipality: the one it starts
    with up to a single misread character or a 川 read as strokes (烏取県 for 鳥取県,
    上１１１郡 for 上川郡), as (changes to ``address``: index -> character, "" to drop; the
    official spelling). Where several places fit as well (豊由市 could be 豊田市 or 豊川市),
    the one whose towns include the town written next is taken (豊由市瑞穂町: only 豊田市 has
    a 瑞穂町). None when there is none, when the town does not tell them apart, or for places
    shorter than :data:`MIN_NEAR` characters."""
    if place_prefix(address) is not None:
        return None
    key = fold(address)
    found: dict[tuple[int, int], dict[str, tuple[dict[int, str], bool]]] = {}
    for spelling, (written, prefecture, city) in _prefixes().items():
        if len(spelling) < MIN_NEAR:
            continue
        aligned = _align(spelling, key)
        if aligned is None:
            continue
        taken, misread, changes = aligned
        rest = key[taken:]
        town = any(rest.startswith(fold(t)) for t in _towns(prefecture, city))
        # fewest misread characters first, then the longest place
        found.setdefault((misread, -len(spelling)), {})[written] = (changes, town)
    if not found:
        return None
    best = found[min(found)]
    if len(best) != 1:
        best = {w: v for w, v in best.items() if v[1]}
    if len(best) != 1:
        return None
    ((written, (changes, _)),) = best.items()
    # the changes hold folded characters: write the official ones
    return {i: c and _official_char(written, i, changes) for i, c in changes.items()}, written


def _official_char(written: str, index: int, changes: dict[int, str]) -> str:
    """The character of ``written`` (official spelling) that lands at ``index`` of the text."""
    dropped = sum(1 for i, c in changes.items() if i < index and c == "")
    return written[index - dropped]
