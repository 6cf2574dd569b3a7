"""Drawing one character stroke by stroke in one writer's hand.

:func:`render_char` takes the strokes a :class:`~.handwriter.Writer` draws for a character
(:func:`~.handwriter.habit_strokes`), makes them wander (ends, bends, the writer's own
lasting distortion), lets speed round corners, join strokes and add tails, applies the
writer's size, slant, rise and aspect with a little per-character variation, and draws
them with a pen whose width varies with pressure. The result is an alpha patch laid out
like the font glyphs of :mod:`.pen`: the em box centred in a square of side
``2 * round(em) + 8``, the ink centred across (a comma or a 1 has no em-wide cell in
handwriting), its height where KanjiVG puts it (small kana and 、 sit low).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

from .canvas import Alpha
from .handwriter import Writer, habit_strokes
from .kvg import BOX, Stroke

Widths = NDArray[np.float64]
SUPERSAMPLE = 4
_SHIFT = 2  # sub-pixel bits of cv2 drawing on the supersampled canvas
_C = BOX / 2


def _resample(s: Stroke, step: float = 1.0) -> Stroke:
    """``s`` at even arc-length steps of about ``step`` box units."""
    d = np.linalg.norm(np.diff(s, axis=0), axis=1)
    length = float(d.sum())
    if length < 1e-6:
        return np.asarray(s[:1], np.float64)
    at = np.concatenate([[0.0], np.cumsum(d)])
    t = np.linspace(0.0, length, max(2, int(length / step) + 1))
    return np.stack([np.interp(t, at, s[:, 0]), np.interp(t, at, s[:, 1])], axis=1)


def _field(w: Writer, pts: Stroke) -> Stroke:
    """The writer's lasting distortion: bilinear in a 3×3 grid of displacements."""
    if w.warp <= 0:
        return pts
    grid = np.asarray(w.field, np.float64).reshape(3, 3, 2) * w.warp
    g = np.clip(pts / _C, 0.0, 1.999)  # 0..2 over the box
    i, j = g[:, 1].astype(int), g[:, 0].astype(int)
    fy, fx = (g[:, 1] - i)[:, None], (g[:, 0] - j)[:, None]
    top = grid[i, j] * (1 - fx) + grid[i, j + 1] * fx
    bottom = grid[i + 1, j] * (1 - fx) + grid[i + 1, j + 1] * fx
    return np.asarray(pts + top * (1 - fy) + bottom * fy, np.float64)


def _wander(s: Stroke, w: Writer, rng: np.random.Generator, calm: float) -> Stroke:
    """Move the stroke's ends a little and bow it sideways (``calm`` < 1 for characters
    with many strokes, where people keep the strokes apart)."""
    if len(s) < 2:
        return s + rng.normal(0.0, w.end_jitter * calm * 0.5, 2)
    t = np.linspace(0.0, 1.0, len(s))[:, None]
    short = min(1.0, max(0.3, len(s) / 30.0))  # a tick wanders less than a long stroke
    d0, d1 = rng.normal(0.0, w.end_jitter * calm * short, (2, 2))
    chord = s[-1] - s[0]
    normal = np.array([-chord[1], chord[0]])
    bow = np.sin(np.pi * t) * rng.normal(0.0, w.bend * calm) * normal
    return np.asarray(s + (1 - t) * d0 + t * d1 + bow, np.float64)


def _dab(s: Stroke, w: Writer, rng: np.random.Generator) -> Stroke:
    """A fast writer dabs short ticks (dakuten, the dots of 心): never dropped, since the
    character would change, but shortened towards a dot."""
    if len(s) < 2 or len(s) > 12 or rng.random() >= w.speed:
        return s
    return s[: max(2, round(len(s) * (1.0 - 0.35 * w.speed)))]


def _smooth(s: Stroke, sigma: float) -> Stroke:
    """Gaussian smoothing along the stroke (rounds corners); the ends stay put."""
    if sigma < 0.3 or len(s) < 5:
        return s
    r = int(3 * sigma)
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k /= k.sum()
    padded = np.pad(s, ((r, r), (0, 0)), mode="edge")
    out = np.stack([np.convolve(padded[:, i], k, mode="valid") for i in (0, 1)], axis=1)
    return np.asarray(out, np.float64)


def _hurry(
    strokes: list[Stroke], w: Writer, rng: np.random.Generator
) -> list[tuple[Stroke, Widths]]:
    """Speed: join a stroke to the next when the pen stays near the paper (a thin bridge),
    round corners, and flick a short tail towards the next stroke."""
    out: list[tuple[Stroke, Widths]] = []
    for s in strokes:
        widths = np.ones(len(s))
        if out and len(s) > 1:
            prev, pw = out[-1]
            gap = float(np.linalg.norm(s[0] - prev[-1]))
            if len(prev) > 1 and gap < 30.0 and rng.random() < 0.5 * w.speed**2:
                bridge = _resample(np.stack([prev[-1], s[0]]))[1:-1]
                out[-1] = (
                    np.vstack([prev, bridge, s]),
                    np.concatenate([pw, np.full(len(bridge), 0.35), widths]),
                )
                continue
        out.append((s, widths))
    smoothed = [(_smooth(s, 0.5 + 3.0 * w.speed), wd) for s, wd in out]
    for k, (s, wd) in enumerate(smoothed):
        if len(s) > 3 and rng.random() < 0.45 * w.speed:
            target = smoothed[k + 1][0][0] if k + 1 < len(smoothed) else s[-1] + (-1.0, 1.0)
            d = target - s[-1]
            d = d / max(1e-6, float(np.linalg.norm(d)))
            n = int(rng.integers(3, 8))
            tail = s[-1] + np.arange(1, n + 1)[:, None] * d
            smoothed[k] = (np.vstack([s, tail]), np.concatenate([wd, np.linspace(0.7, 0.3, n)]))
    return smoothed


def _profile(n: int, w: Writer, rng: np.random.Generator) -> Widths:
    """Relative pen width along a stroke of ``n`` points: pressure waves, a landing and a
    lift that thin out the faster the writer is (a slow writer stops with a blob)."""
    t = np.linspace(0.0, 1.0, n)
    f, ph = rng.uniform(1.0, 3.0), rng.uniform(0, 2 * np.pi)
    p = 1.0 + w.pressure * 0.5 * np.sin(2 * np.pi * f * t + ph)
    start = np.clip(t / 0.08, 0.0, 1.0)
    end = np.clip((1.0 - t) / 0.22, 0.0, 1.0)
    land = 1.0 - 0.3 * w.speed * (1.0 - start)
    lift = 1.0 - 0.6 * w.speed * (1.0 - end) + 0.15 * (1.0 - w.speed) * (1.0 - end)
    return np.asarray(p * land * lift, np.float64)


def _affine(w: Writer, em_px: float, rng: np.random.Generator) -> NDArray[np.float64]:
    """2×2 map from box units (about the box centre) to pixels for this character."""
    scale = em_px / BOX * (1.0 + float(np.clip(rng.normal(0.0, w.size_var), -0.15, 0.15)))
    theta = math.radians(float(np.clip(rng.normal(0.0, 2.0), -5.0, 5.0)))
    slant = w.slant + float(rng.normal(0.0, 0.03))
    aspect = w.aspect * (1.0 + float(rng.normal(0.0, 0.03)))
    shape = np.array([[aspect, -slant], [-w.rise, 1.0]])
    rot = np.array([[math.cos(theta), math.sin(theta)], [-math.sin(theta), math.cos(theta)]])
    return np.asarray(scale * rot @ shape, np.float64)


def _polyline(canvas: Alpha, pts: NDArray[np.int32], widths: NDArray[np.int_], ink: float) -> None:
    """Draw ``pts`` (fixed point) with the width of each segment's end point; runs of
    equal width go to OpenCV in one call."""
    cuts = np.flatnonzero(np.diff(widths[1:])) + 1
    start = 0
    for stop in [*cuts.tolist(), len(pts) - 1]:
        run = pts[start : stop + 1]
        cv2.polylines(canvas, [run], False, (ink,), int(widths[stop]), cv2.LINE_8, _SHIFT)
        start = stop


def render_char(
    char: str, writer: Writer, em_px: float, rng: np.random.Generator, *, dpi: float = 200.0
) -> Alpha | None:
    """Alpha (0..1, float32) of ``char`` written by ``writer`` at ``em_px`` pixels per em,
    the em box centred in a square of side ``2 * round(em_px) + 8`` and the ink centred
    across it; None when the
    character has no strokes. Each call varies a little (``rng``); the pen's width is
    ``writer.width_px`` at 200 dpi, scaled to ``dpi``."""
    strokes = habit_strokes(char, writer, rng)
    if not strokes:
        return None
    xs = np.concatenate([s[:, 0] for s in strokes])
    shift = np.array([_C - (xs.min() + xs.max()) / 2, 0.0])
    strokes = [s + shift for s in strokes]
    side = 2 * round(em_px) + 8
    calm = float(np.clip(np.sqrt(5.0 / len(strokes)), 0.45, 1.0))
    wandered = [
        _wander(_field(writer, _dab(_resample(s), writer, rng)), writer, rng, calm) for s in strokes
    ]
    parts = _hurry(wandered, writer, rng)
    m = _affine(writer, em_px, rng)
    big = side * SUPERSAMPLE
    canvas = np.zeros((big, big), np.float32)
    pen = writer.width_px * dpi / 200.0 * SUPERSAMPLE * float(rng.uniform(0.92, 1.08))
    unit = 1 << _SHIFT
    for pts, rel in parts:
        px = ((pts - _C) @ m.T + side / 2) * SUPERSAMPLE
        widths = pen * rel * _profile(len(pts), writer, rng)
        ink = float(rng.uniform(0.85, 1.0))
        fixed = np.round(px * unit).astype(np.int32)
        if len(fixed) == 1:
            r = max(1, round(widths[0] / 2))
            cv2.circle(
                canvas, tuple(int(v) for v in fixed[0]), r * unit, (ink,), -1, cv2.LINE_8, _SHIFT
            )
            continue
        _polyline(canvas, fixed, np.maximum(1, 2 * np.round(widths / 2)).astype(int), ink)
    out = cv2.resize(canvas, (side, side), interpolation=cv2.INTER_AREA)
    return np.asarray(np.clip(out, 0.0, 1.0), np.float32)
