"""Stroke paths of characters from KanjiVG, the installed ``kanjivg`` package.

KanjiVG (CC BY-SA) draws each character as SVG paths in a 109×109 box, one path per stroke
in writing order. It is used only as an installed package: its files are located through
``importlib.metadata`` and never copied into this repository. :func:`strokes_of` gives a
character's strokes as dense polylines in that box (y down); characters KanjiVG lacks give
``None``, except a few simple marks defined here (hyphens, minus) and the full-width forms
of ASCII characters, which are drawn like their ASCII twins.
"""

from __future__ import annotations

import importlib.metadata
import itertools
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import BadArgumentsError

Stroke = NDArray[np.float64]
"""An (N, 2) polyline of x, y points in the 109×109 KanjiVG box, y pointing down."""

BOX = 109.0
STEP = 1.0  # box units between samples of a line (at most) or a Bézier curve (about)

_REMEDY = "install with `pip install kanjivg` (or run scripts/setup.sh --dev)"


_PATH = re.compile(r'<path[^>]*?\sd="([^"]+)"')
_TOKEN = re.compile(r"[MmCcSsLlHhVvZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"M": 2, "C": 6, "S": 4, "L": 2, "H": 1, "V": 1, "Z": 0}


@lru_cache(maxsize=1)
def kanjivg_folder() -> Path:
    """The installed package's folder of stroke files; raises :class:`BadArgumentsError`
    (with how to install it) when the ``kanjivg`` package is missing."""
    try:
        dist = importlib.metadata.distribution("kanjivg")
    except importlib.metadata.PackageNotFoundError as exc:
        raise BadArgumentsError(
            "KanjiVG is not installed (needed for --style stroke)", _REMEDY
        ) from exc
    folder = Path(str(dist.locate_file("kanji/00031.svg"))).parent
    if not folder.is_dir():
        raise BadArgumentsError(f"KanjiVG's stroke files are missing from {folder}", _REMEDY)
    return folder


def _svg_path(char: str) -> Path:
    return kanjivg_folder() / f"{ord(char):05x}.svg"


def _cubic(p0: Stroke, p1: Stroke, p2: Stroke, p3: Stroke) -> Stroke:
    length = float(np.linalg.norm(p1 - p0) + np.linalg.norm(p2 - p1) + np.linalg.norm(p3 - p2))
    n = max(2, int(np.ceil(length / STEP)) + 1)
    t = np.linspace(0.0, 1.0, n)[1:, None]
    u = 1.0 - t
    return np.asarray(u**3 * p0 + 3 * u**2 * t * p1 + 3 * u * t**2 * p2 + t**3 * p3)


def _line(p0: Stroke, p1: Stroke) -> Stroke:
    n = max(2, int(np.ceil(float(np.linalg.norm(p1 - p0)) / STEP)) + 1)
    t = np.linspace(0.0, 1.0, n)[1:, None]
    return np.asarray(p0 + t * (p1 - p0), np.float64)


def _segment(
    cmd: str, args: Stroke, cur: Stroke, ctrl: Stroke | None
) -> tuple[Stroke, Stroke, Stroke | None]:
    """One drawing command (not M or Z) from ``cur``: its points, the new current point
    and the cubic's last control point (for a following S)."""
    up, rel = cmd.upper(), cmd.islower()
    base = cur if rel else np.zeros(2)
    if up in "LHV":
        if up == "H":
            nxt = np.array([args[0] + (cur[0] if rel else 0.0), cur[1]])
        elif up == "V":
            nxt = np.array([cur[0], args[0] + (cur[1] if rel else 0.0)])
        else:
            nxt = base + args
        return _line(cur, nxt), nxt, None
    if up == "C":
        c1, c2, end = base + args[0:2], base + args[2:4], base + args[4:6]
    else:
        c1 = 2 * cur - ctrl if ctrl is not None else cur.copy()
        c2, end = base + args[0:2], base + args[2:4]
    return _cubic(cur, c1, c2, end), end, c2


def parse_path(d: str) -> Stroke:
    """Dense polyline of one SVG path with the commands KanjiVG uses (M m C c S s L l H h
    V v Z z; repeated argument groups after one command letter included)."""
    tokens = _TOKEN.findall(d)
    pts: list[Stroke] = []
    cur = np.zeros(2)
    start = np.zeros(2)
    ctrl: Stroke | None = None  # last cubic's second control point, for S
    i, cmd = 0, ""
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "Zz":
                pts.append(_line(cur, start))
                cur, ctrl = start.copy(), None
                continue
        if not cmd:
            raise ValueError(f"SVG path does not start with a command: {d[:40]!r}")
        n = _ARITY[cmd.upper()]
        args = np.array([float(t) for t in tokens[i : i + n]])
        i += n
        if cmd in "Mm":
            cur = (cur if cmd == "m" else np.zeros(2)) + args
            start, ctrl = cur.copy(), None
            pts.append(cur[None, :].copy())
            cmd = "l" if cmd == "m" else "L"  # further pairs are line-tos
            continue
        piece, cur, ctrl = _segment(cmd, args, cur, ctrl)
        pts.append(piece)
    if not pts:
        raise ValueError("empty SVG path")
    return np.asarray(np.vstack(pts), np.float64)


def dense(points: list[tuple[float, float]]) -> Stroke:
    """A polyline through ``points`` (box units) sampled about every :data:`STEP`."""
    p = np.asarray(points, np.float64)
    parts = [p[:1]] + [_line(a, b) for a, b in itertools.pairwise(p)]
    return np.asarray(np.vstack(parts), np.float64)


def bezier(
    p0: tuple[float, float],
    c1: tuple[float, float],
    c2: tuple[float, float],
    p3: tuple[float, float],
) -> Stroke:
    """A cubic Bézier curve (box units) sampled about every :data:`STEP`, start included."""
    a = [np.asarray(p, np.float64) for p in (p0, c1, c2, p3)]
    return np.asarray(np.vstack([a[0][None, :], _cubic(*a)]), np.float64)


def _own(x0: float, x1: float) -> tuple[Stroke, ...]:
    stroke = dense([(x0, 56.0), (x1, 55.0)])
    stroke.flags.writeable = False
    return (stroke,)


# Marks drawn here because KanjiVG has no file for them: one horizontal stroke each.
_OWN: dict[str, tuple[Stroke, ...]] = {
    **dict.fromkeys("-‐‑", _own(38.0, 71.0)),
    **dict.fromkeys("−－–—", _own(24.0, 86.0)),
}


def _file_char(char: str) -> str | None:
    """The character whose KanjiVG file draws ``char`` (full-width ASCII → ASCII)."""
    if len(char) != 1:
        return None
    if _svg_path(char).is_file():
        return char
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and folded != char and _svg_path(folded).is_file():
        return folded
    return None


@lru_cache(maxsize=8192)
def strokes_of(char: str) -> tuple[Stroke, ...] | None:
    """The strokes of ``char`` in writing order, as read-only (N, 2) polylines in the
    109×109 box; ``None`` when neither KanjiVG nor this module draws it. Raises
    :class:`BadArgumentsError` when the ``kanjivg`` package is not installed."""
    if char in _OWN:
        return _OWN[char]
    source = _file_char(char)
    if source is None:
        return None
    text = _svg_path(source).read_text(encoding="utf-8")
    strokes = tuple(parse_path(d) for d in _PATH.findall(text))
    for s in strokes:
        s.flags.writeable = False
    return strokes or None


@lru_cache(maxsize=8192)
def ink_width(char: str) -> float | None:
    """Width of ``char``'s strokes as a share of the em (KanjiVG's form), or None."""
    strokes = strokes_of(char)
    if strokes is None:
        return None
    xs = np.concatenate([s[:, 0] for s in strokes])
    return float(xs.max() - xs.min()) / BOX


def has_strokes(char: str) -> bool:
    """Whether :func:`strokes_of` can draw ``char``."""
    return strokes_of(char) is not None
