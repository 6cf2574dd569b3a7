"""Japanese eras (元号) and conversion between 和暦 and the Western calendar.

Era boundaries follow the dates the eras began; a 和暦 date outside its era does not exist
(昭和64年1月8日 is 平成元年1月8日). Year 1 of an era is written 元年.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..spec import Era


@dataclass(frozen=True)
class EraInfo:
    era: Era
    kanji: str
    short: str  # as printed for circling: 明 大 昭 平 令
    letter: str  # M T S H R
    code: int  # era code used by many core systems: 1 明治 … 5 令和
    start: date
    end: date | None  # last day, inclusive

    @property
    def offset(self) -> int:
        """Western year = era year + offset."""
        return self.start.year - 1


ERAS: tuple[EraInfo, ...] = (
    EraInfo(Era.MEIJI, "明治", "明", "M", 1, date(1868, 1, 25), date(1912, 7, 29)),
    EraInfo(Era.TAISHO, "大正", "大", "T", 2, date(1912, 7, 30), date(1926, 12, 24)),
    EraInfo(Era.SHOWA, "昭和", "昭", "S", 3, date(1926, 12, 25), date(1989, 1, 7)),
    EraInfo(Era.HEISEI, "平成", "平", "H", 4, date(1989, 1, 8), date(2019, 4, 30)),
    EraInfo(Era.REIWA, "令和", "令", "R", 5, date(2019, 5, 1), None),
)
BY_ERA = {e.era: e for e in ERAS}


class InvalidWarekiDate(ValueError):  # noqa: N818 - reads as the domain term
    """The 和暦 date does not exist (bad calendar date, or outside its era)."""


def era_info(era: Era | str) -> EraInfo:
    return BY_ERA[Era(era)]


def to_western(era: Era | str, year: int, month: int, day: int) -> date:
    """和暦 → :class:`datetime.date`; raises :class:`InvalidWarekiDate` when it does not exist."""
    info = era_info(era)
    if year < 1:
        raise InvalidWarekiDate(f"{info.kanji}{year}年 does not exist")
    try:
        d = date(info.offset + year, month, day)
    except ValueError as exc:
        raise InvalidWarekiDate(
            f"{info.kanji}{year}年{month}月{day}日 is not a calendar date"
        ) from exc
    if d < info.start or (info.end is not None and d > info.end):
        raise InvalidWarekiDate(
            f"{info.kanji}{year}年{month}月{day}日 does not exist: {info.kanji} runs "
            f"{info.start.isoformat()} to {info.end.isoformat() if info.end else 'today'}"
        )
    return d


def to_wareki(d: date) -> tuple[EraInfo, int]:
    """:class:`datetime.date` → (era, era year). Dates before 明治 raise ``ValueError``."""
    for info in reversed(ERAS):
        if d >= info.start:
            return info, d.year - info.offset
    raise ValueError(f"{d.isoformat()} is before 明治")


def format_wareki(d: date) -> str:
    """``令和6年4月1日``; year 1 is written 元年."""
    info, year = to_wareki(d)
    y = "元" if year == 1 else str(year)
    return f"{info.kanji}{y}年{d.month}月{d.day}日"
