"""Writers: the lasting habits of one person's hand, drawn from a seed.

A :class:`Writer` holds what stays the same for one person across a page and across pages:
size, slant, stroke width, speed, how much strokes wander, and the Japanese habits for
digits and small kana described in docs (DOMAIN.md, "How residents really write").
:func:`writer_for_seed` makes the same writer from the same seed, always.

Two seed ranges keep measurement honest: :data:`DEV_WRITERS` are the only writers anything
may be tuned, calibrated or trained on; :data:`EVAL_WRITERS` are for evaluation only.
:func:`habit_strokes` gives the strokes one writer draws for one character (KanjiVG's,
edited where the writer's habit differs from it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import BadArgumentsError
from .kvg import Stroke, bezier, dense, strokes_of

DEV_WRITERS = range(1, 100_000)
"""Development and calibration writers: the only ones anything may be tuned or trained on."""
EVAL_WRITERS = range(100_000, 200_000)
"""Evaluation writers: for measuring only, never for tuning."""

ONE_STYLES = ("plain", "flag", "foot")
_SMALL = "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ"
_FULL_SIZE = {
    **{s: chr(ord(s) + 1) for s in _SMALL},
    "ヵ": "カ",
    "ヶ": "ケ",
    "ゕ": "か",
    "ゖ": "け",
}


@dataclass(frozen=True)
class Writer:
    """One person's hand. Lengths are in KanjiVG box units (the em is 109) unless named.

    ``size`` is the em as a share of the line or box height (as :class:`Pen` ``size``);
    ``slant`` shears characters right (x shift per unit of height); ``rise`` lifts the
    right side (右上がり); ``aspect`` scales x; ``width_px`` is the pen's stroke width at
    200 dpi and ``pressure`` how much it varies along a stroke; ``speed`` (0..1) rounds
    corners, joins strokes and adds tails; ``end_jitter`` and ``bend`` are per-stroke
    wandering; ``warp`` is this writer's own lasting distortion of every character (a 3×3
    field of displacements, ``field``); ``drift`` is the baseline's slope; ``spacing`` is
    extra room between characters as a share of the em.
    """

    seed: int
    size: float  # 0.58..0.80
    size_var: float  # 0.03..0.09, per character
    slant: float  # -0.12..0.30
    rise: float  # 0..0.08
    aspect: float  # 0.82..1.15
    width_px: float  # 1.8..4.6
    pressure: float  # 0..0.45
    speed: float  # 0..1
    end_jitter: float  # 0.8..4.5
    bend: float  # 0.01..0.07
    warp: float  # 0..4
    field: tuple[float, ...]  # 18 numbers: 3×3 (dx, dy) at the box's corners, edges, centre
    drift: float  # -0.03..0.03
    spacing: float  # -0.04..0.15
    one: str  # "plain" | "flag" | "foot"
    seven_bar: bool
    seven_tick: bool
    four_closed: bool
    nine_straight: bool
    zero_tilt: float  # radians, 0..0.3
    zero_narrow: float  # x radius share, 0.7..1.0
    half_closed: float  # chance a 0 or 6 is left open, 0..0.5
    small_full: float  # chance a small kana is written full size, 0..0.95
    box_overrun: float  # chance a character in a comb box is too big or touches its lines


def writer_for_seed(seed: int) -> Writer:
    """The writer of ``seed``: always the same for the same seed."""
    r = np.random.default_rng([seed, 0x57A1])
    u = r.uniform
    return Writer(
        seed=seed,
        size=float(u(0.58, 0.80)),
        size_var=float(u(0.03, 0.09)),
        slant=float(np.clip(r.normal(0.06, 0.09), -0.12, 0.30)),
        rise=float(u(0.0, 0.08)),
        aspect=float(np.clip(r.normal(0.97, 0.08), 0.82, 1.15)),
        width_px=float(np.clip(r.normal(2.9, 0.7), 1.8, 4.6)),
        pressure=float(u(0.0, 0.45)),
        speed=float(r.beta(2.0, 2.0)),
        end_jitter=float(u(0.8, 4.5)),
        bend=float(u(0.01, 0.07)),
        warp=float(u(0.0, 4.0)),
        field=tuple(float(v) for v in r.normal(0.0, 1.0, 18)),
        drift=float(np.clip(r.normal(0.0, 0.012), -0.03, 0.03)),
        spacing=float(u(-0.04, 0.15)),
        one=str(r.choice(ONE_STYLES, p=[0.6, 0.33, 0.07])),
        seven_bar=bool(r.random() < 0.2),
        seven_tick=bool(r.random() < 0.55),
        four_closed=bool(r.random() < 0.35),
        nine_straight=bool(r.random() < 0.5),
        zero_tilt=float(u(0.0, 0.3)),
        zero_narrow=float(u(0.7, 1.0)),
        half_closed=float(u(0.0, 0.5) if r.random() < 0.5 else 0.0),
        small_full=float(u(0.5, 0.95) if r.random() < 0.35 else u(0.0, 0.2)),
        box_overrun=float(u(0.1, 0.35) if r.random() < 0.3 else u(0.0, 0.08)),
    )


def writer_range(name: str) -> range:
    """The seeds of writer set ``name``: "dev" (:data:`DEV_WRITERS`) or "eval"."""
    ranges = {"dev": DEV_WRITERS, "eval": EVAL_WRITERS}
    if name not in ranges:
        raise BadArgumentsError(f"unknown writer set {name!r}", "use 'dev' or 'eval'")
    return ranges[name]


Pair = tuple[float, float]


def _ellipse(centre: Pair, radii: Pair, arc: Pair, tilt: float = 0.0) -> Stroke:
    """Arc from angle ``arc[0]`` to ``arc[1]`` (radians, counter-clockwise as seen on
    paper) of the ellipse at ``centre`` with ``radii``, its top leant right by ``tilt``."""
    (cx, cy), (rx, ry), (a0, a1) = centre, radii, arc
    n = max(8, int(abs(a1 - a0) * max(rx, ry)))
    a = np.linspace(a0, a1, n)
    x, y = rx * np.cos(a), -ry * np.sin(a)
    c, s = np.cos(tilt), np.sin(tilt)  # tilt > 0 leans the top to the right
    return np.stack([cx + c * x - s * y, cy + s * x + c * y], axis=1)


def _cut(stroke: Stroke, share: float) -> Stroke:
    """``stroke`` without its last ``share`` of points."""
    return stroke[: max(2, round(len(stroke) * (1.0 - share)))]


def _one(w: Writer, rng: np.random.Generator) -> list[Stroke] | None:
    """1: one plain stroke, KanjiVG's flagged one, or that with a foot."""
    if w.one == "plain":
        return [dense([(56.0, 16.0), (54.0, 92.5)])]
    if w.one == "foot":
        return [*(strokes_of("1") or ()), dense([(42.0, 92.5), (71.0, 92.5)])]
    return None


def _seven(w: Writer, rng: np.random.Generator) -> list[Stroke] | None:
    """7: with or without KanjiVG's tick at the left end, with or without a crossbar."""
    base = strokes_of("7")
    if base is None:
        return None
    tick, stem = np.asarray(base[0]), np.asarray(base[-1])
    out = [tick, stem] if w.seven_tick else [stem]
    if w.seven_bar:
        x = float(np.interp(56.0, stem[5:, 1], stem[5:, 0]))
        out.append(dense([(x - 13.0, 56.5), (x + 12.0, 55.5)]))
    return out


def _four(w: Writer, rng: np.random.Generator) -> list[Stroke] | None:
    """4: KanjiVG's is open; closed, the stem starts where the slanted stroke does."""
    if not w.four_closed:
        return None
    return [dense([(63.0, 16.0), (27.0, 73.0), (84.0, 73.0)]), dense([(63.0, 16.0), (63.0, 93.0)])]


def _nine(w: Writer, rng: np.random.Generator) -> list[Stroke] | None:
    """9: a loop and then a straight tail, or one that curls left at its foot."""
    loop = _ellipse((53.0, 35.0), (23.0, 19.0), (0.25, 0.25 + 2 * np.pi - 0.15))
    end = (float(loop[-1, 0]), float(loop[-1, 1]))
    if w.nine_straight:
        tail = dense([end, (73.0, 93.0)])
    else:
        tail = bezier(end, (77.0, 70.0), (70.0, 93.0), (47.0, 92.0))
    return [np.vstack([loop, tail[1:]])]


def _zero(w: Writer, rng: np.random.Generator) -> list[Stroke] | None:
    """0: one ellipse from the top, leant and narrowed the writer's way; it overshoots
    a little, or (at the writer's rate) stops short, half closed."""
    closing = -0.7 if rng.random() < w.half_closed else float(rng.uniform(-0.1, 0.35))
    arc = (np.pi / 2, 5 * np.pi / 2 + closing)
    return [_ellipse((55.0, 54.0), (27.0 * w.zero_narrow, 38.0), arc, w.zero_tilt)]


def _six(w: Writer, rng: np.random.Generator) -> list[Stroke] | None:
    """6: at the writer's rate, the loop stops before it meets the stem."""
    if rng.random() >= w.half_closed:
        return None
    return [_cut(np.asarray(s), 0.14) for s in strokes_of("6") or ()]


_DIGITS = {"0": _zero, "1": _one, "4": _four, "6": _six, "7": _seven, "9": _nine}


def habit_strokes(char: str, w: Writer, rng: np.random.Generator) -> list[Stroke] | None:
    """The strokes ``w`` draws for ``char`` this time (box units, writing order), or None
    when there are none: KanjiVG's, with the writer's digit forms and, at the writer's
    rate, small kana written full size."""
    if len(char) != 1:
        return None
    ascii_char = chr(ord(char) - 0xFEE0) if "０" <= char <= "９" else char
    habit = _DIGITS.get(ascii_char)
    digit = habit(w, rng) if habit is not None else None
    if digit is not None:
        return digit
    if char in _FULL_SIZE and rng.random() < w.small_full:
        char = _FULL_SIZE[char]
    strokes = strokes_of(char)
    return None if strokes is None else [np.asarray(s) for s in strokes]
