"""Writing text into form zones like a pen (or a printer) would.

A :class:`Pen` describes one writer on one page: font, ink, size, slant, stroke weight and
how much every character wanders (``jitter``; 0 means typed and printed). Characters are
drawn one by one: a cached glyph of the font is warped by its own rotation, scale and shear
and multiply-blended onto the page. A pen with a :class:`~.handwriter.Writer` draws each
character stroke by stroke in that writer's hand (:mod:`.strokes`) and falls back to the
font for characters without strokes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from ..errors import BadArgumentsError
from .canvas import BGR, Alpha, Image, blend
from .fonts import FontFace, face_for, load
from .handwriter import Writer
from .kvg import ink_width
from .strokes import render_char

BBox = tuple[int, int, int, int]

# Ink may cross a zone's border by at most this fraction of the zone's (line) height.
OVERRUN_FRACTION = 0.25
# Smooth per-character stroke displacement of handwriting, as a fraction of the em.
WOBBLE = 0.035
# Room between stroke-drawn characters beside the writer's spacing, as a fraction of the em.
STROKE_GAP = 0.18

INKS: tuple[tuple[str, BGR, float], ...] = (
    ("black", (28, 26, 30), 0.45),
    ("blue-black", (72, 40, 30), 0.25),
    ("blue", (168, 70, 35), 0.22),
    ("pencil", (84, 84, 88), 0.08),
)


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Pen:
    """How text is put on one page. ``size`` is the em as a fraction of the line height;
    ``writer``, when set, draws characters stroke by stroke (the font is the fallback)."""

    face: FontFace
    color: BGR
    ink: str
    opacity: float = 1.0
    size: float = 0.65
    jitter: float = 0.0
    slant: float = 0.0
    weight: int = 0
    spacing: float = 0.0
    overrun: float = 0.0
    max_em: float = 1e9  # pixels: people do not write bigger in a bigger box
    writer: Writer | None = None
    dpi: int = 200  # of the page: a writer's pen is as wide in millimetres at any resolution

    @property
    def is_hand(self) -> bool:
        return self.jitter > 0


def _pick(rng: np.random.Generator, faces: tuple[FontFace, ...]) -> FontFace:
    if not faces:
        raise BadArgumentsError("no font to write with", "Pass at least one font file.")
    return faces[int(rng.integers(len(faces)))]


def hand_pen(rng: np.random.Generator, faces: tuple[FontFace, ...], dpi: int = 200) -> Pen:
    """A random handwriting writer: font, ink colour, slant, weight, size and spacing;
    characters at most 5.5–8 mm tall whatever the box (``dpi`` of the page)."""
    face = _pick(rng, faces)
    probs = np.array([p for _, _, p in INKS])
    name, color, _ = INKS[int(rng.choice(len(INKS), p=probs / probs.sum()))]
    opacity = float(rng.uniform(0.65, 0.85) if name == "pencil" else rng.uniform(0.88, 1.0))
    return Pen(
        face=face,
        color=color,
        ink=name,
        opacity=opacity,
        size=float(rng.uniform(0.62, 0.76)),
        max_em=float(rng.uniform(0.22, 0.32)) * dpi,
        jitter=float(rng.uniform(0.7, 1.0)),
        slant=float(np.clip(rng.normal(0.05, 0.08), -0.12, 0.25)),
        weight=int(rng.choice([-1, 0, 1, 2], p=[0.1, 0.4, 0.4, 0.1])),
        spacing=float(rng.uniform(-0.02, 0.15)),
        overrun=0.06,
        dpi=dpi,
    )


def stroke_pen(
    rng: np.random.Generator, faces: tuple[FontFace, ...], writer: Writer, dpi: int = 200
) -> Pen:
    """A :func:`hand_pen` (ink, fallback font) that writes in ``writer``'s hand: its size,
    slant and spacing."""
    pen = hand_pen(rng, faces, dpi)
    return replace(
        pen, writer=writer, size=writer.size, slant=writer.slant, spacing=writer.spacing, dpi=dpi
    )


def print_pen(rng: np.random.Generator, faces: tuple[FontFace, ...], dpi: int = 200) -> Pen:
    """A printer: one print font, black or dark grey, no wandering, 10.5–16 pt at most."""
    face = _pick(rng, faces)
    grey = int(rng.choice([20, 35, 60, 75]))
    return Pen(
        face=face,
        color=(grey, grey, grey),
        ink="toner",
        size=float(rng.uniform(0.55, 0.66)),
        max_em=float(rng.uniform(10.5, 16.0)) / 72 * dpi,
    )


def _side(em: int) -> int:
    return 2 * em + 8


SUPERSAMPLE = 4
"""Glyphs are rendered this many times larger and scaled down: FreeType drops the thin
horizontal strokes of Mincho faces at small sizes (田 comes out as 山 at 36 px)."""


@lru_cache(maxsize=4096)
def _glyph(face: FontFace, char: str, em: int, weight: int) -> Alpha:
    """Alpha mask of ``char`` centred (anchor 'mm') on a square patch; shared, do not mutate."""
    side = _side(em)
    big = side * SUPERSAMPLE
    img = PILImage.new("L", (big, big), 0)
    font = load(face, em * SUPERSAMPLE)
    ImageDraw.Draw(img).text((big / 2, big / 2), char, font=font, fill=255, anchor="mm")
    alpha: Alpha = np.asarray(
        cv2.resize(
            np.asarray(img, dtype=np.float32) / 255.0, (side, side), interpolation=cv2.INTER_AREA
        ),
        dtype=np.float32,
    )
    if weight:
        kernel = np.ones((abs(weight) + 1, abs(weight) + 1), np.uint8)
        morph = cv2.dilate if weight > 0 else cv2.erode
        alpha = np.asarray(morph(alpha, kernel), dtype=np.float32)
    alpha.flags.writeable = False
    return alpha


def advance(face: FontFace, char: str, em: float) -> float:
    """Advance width of ``char`` in pixels at ``em`` pixels per em."""
    size = 100
    return load(face_for(face, char), size).getlength(char) * em / size


def draw_char(
    page: Image,
    char: str,
    center: tuple[float, float],
    em: float,
    pen: Pen,
    *,
    rng: np.random.Generator,
    scale: float = 1.0,
) -> None:
    """Draw one character centred at ``center``, with the pen's per-character wandering."""
    if char.isspace():
        return
    if pen.writer is not None:
        patch = render_char(char, pen.writer, em * scale, rng, dpi=pen.dpi)
        if patch is not None:
            side = patch.shape[0]
            ix, iy = round(center[0] - side / 2), round(center[1] - side / 2)
            _lay(page, patch, (ix, iy), pen, rng)
            return
    em_px = max(6, 2 * round(em / 2))  # even sizes only: fewer glyphs to cache
    src = _glyph(face_for(pen.face, char), char, em_px, pen.weight)
    side = src.shape[0]
    j = pen.jitter
    s = scale * (em / em_px) * (1.0 + j * rng.uniform(-0.13, 0.09))
    theta = math.radians(j * rng.uniform(-5.0, 5.0))
    shear = pen.slant + j * rng.normal(0.0, 0.03)
    cos, sin = math.cos(theta) * s, math.sin(theta) * s
    rot = np.array([[cos, sin], [-sin, cos]], dtype=np.float64)
    a = rot @ np.array([[1.0, -shear], [0.0, 1.0]])
    cx, cy = center
    ix, iy = math.floor(cx - side / 2), math.floor(cy - side / 2)
    c = side / 2
    dst = np.array([c + (cx - side / 2 - ix), c + (cy - side / 2 - iy)])
    m = np.hstack([a, (dst - a @ np.array([c, c]))[:, None]])
    if j:
        out = _warp_wobbly(src, m, rng, j * WOBBLE * em)
    else:
        out = np.asarray(
            cv2.warpAffine(src, m, (side, side), flags=cv2.INTER_LINEAR, borderValue=(0.0,)),
            np.float32,
        )
    _lay(page, out, (ix, iy), pen, rng)


def _lay(page: Image, out: Alpha, at: tuple[int, int], pen: Pen, rng: np.random.Generator) -> None:
    """Blend an ink patch with its top-left corner ``at``: the pen's opacity (varying a
    little per character by hand), grainy when it is a pencil."""
    opacity = pen.opacity * (rng.uniform(0.85, 1.0) if pen.jitter else 1.0)
    if pen.ink == "pencil":
        out = out * rng.uniform(0.7, 1.0, out.shape).astype(np.float32)
    blend(page, (out * opacity).astype(np.float32), at[0], at[1], pen.color)


@lru_cache(maxsize=64)
def _grid(side: int) -> tuple[Alpha, Alpha]:
    ys, xs = np.mgrid[0:side, 0:side].astype(np.float32)
    return xs, ys


def _warp_wobbly(src: Alpha, m: np.ndarray, rng: np.random.Generator, amount: float) -> Alpha:
    """``src`` under the affine ``m`` plus a smooth random displacement of about ``amount``
    pixels, so that no two copies of a glyph have quite the same strokes."""
    side = src.shape[0]
    inv = cv2.invertAffineTransform(m).astype(np.float32)
    xs, ys = _grid(side)
    coarse = rng.normal(0.0, amount, (2, 4, 4)).astype(np.float32)
    dx = cv2.resize(coarse[0], (side, side), interpolation=cv2.INTER_CUBIC)
    dy = cv2.resize(coarse[1], (side, side), interpolation=cv2.INTER_CUBIC)
    map_x = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2] + dx
    map_y = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2] + dy
    out = cv2.remap(src, map_x, map_y, cv2.INTER_LINEAR, borderValue=(0.0,))
    return np.asarray(out, dtype=np.float32)


def _em_for(char: str, pen: Pen, width: float, height: float) -> float:
    """Em that fills ``pen.size`` of a box: half-width glyphs may use more of a narrow box."""
    ratio = max(0.35, advance(pen.face, char, 100.0) / 100.0)
    return min(pen.size * min(height, width / ratio), pen.max_em)


def write_comb(
    page: Image,
    text: str,
    boxes: list[BBox],
    pen: Pen,
    rng: np.random.Generator,
    *,
    align: Align = Align.LEFT,
) -> None:
    """One character per box, centred with the pen's wandering; extra characters are dropped."""
    chars = list(text)[: len(boxes)]
    start = {Align.LEFT: 0, Align.RIGHT: len(boxes) - len(chars)}.get(
        align, (len(boxes) - len(chars)) // 2
    )
    run_over = pen.is_hand and rng.random() < pen.overrun
    victim = int(rng.integers(max(1, len(chars))))
    for i, ch in enumerate(chars):
        x0, y0, x1, y1 = boxes[start + i]
        bw, bh = x1 - x0, y1 - y0
        em = _em_for(ch, pen, bw, bh)
        cx = (x0 + x1) / 2 + pen.jitter * _clipped(rng, 0.05 * bw)
        cy = (y0 + y1) / 2 + pen.jitter * _clipped(rng, 0.05 * bh)
        scale = 1.0
        if run_over and i == victim:
            scale = 1.25
            cy += float(rng.choice([-1.0, 1.0])) * 0.1 * bh
        elif pen.writer is not None and rng.random() < pen.writer.box_overrun:
            scale, (dx, dy) = _out_of_box(rng)
            cx, cy = cx + dx * bw, cy + dy * bh
        draw_char(page, ch, (cx, cy), em, pen, rng=rng, scale=scale)


def _out_of_box(rng: np.random.Generator) -> tuple[float, tuple[float, float]]:
    """A character written too big for its comb box, or pushed onto one of its lines:
    scale and shift as shares of the box (ink crosses a line by at most ~0.2 box)."""
    if rng.random() < 0.5:
        return float(rng.uniform(1.2, 1.45)), (0.0, 0.0)
    side = int(rng.integers(4))
    shift = float(rng.uniform(0.14, 0.22)) * (1.0 if side % 2 else -1.0)
    return float(rng.uniform(1.0, 1.15)), ((shift, 0.0) if side < 2 else (0.0, shift))


def write_line(
    page: Image,
    text: str,
    box: BBox,
    pen: Pen,
    rng: np.random.Generator,
    *,
    align: Align = Align.LEFT,
) -> None:
    """Write ``text`` on one line in ``box``; shrinks the text when it would not fit."""
    if not text:
        return
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    j = pen.jitter
    em = min(_line_share(pen, h) * h, pen.max_em) * (1.0 + j * rng.uniform(-0.06, 0.04))
    advances = [_step(ch, em, pen, rng) for ch in text]
    total = sum(advances)
    margin = (0.12 if pen.is_hand else 0.08) * h
    room = max(1.0, w - 2 * margin)
    if total > room:
        shrink = room / total
        em, advances, total = em * shrink, [a * shrink for a in advances], room
    slack = room - total
    if align is Align.LEFT:
        x = x0 + margin + (rng.uniform(0, min(0.4 * h, slack)) if j else 0.0)
    elif align is Align.RIGHT:
        x = x1 - margin - total - (rng.uniform(0, min(0.3 * h, slack)) if j else 0.0)
    else:
        x = x0 + (w - total) / 2 + j * rng.normal(0, 0.05 * h)
    cy = (y0 + y1) / 2 + j * _clipped(rng, 0.04 * h)
    drift = j * _clipped(rng, 0.012) * min(1.0, 0.5 * h / max(total, 1.0))  # <= 0.1 h
    if pen.writer is not None:  # the writer's own slope, kept within the same 0.1 h
        limit = 0.1 * h / max(total, 1.0)
        drift = float(np.clip(drift + pen.writer.drift, -limit, limit))
    run_over = pen.is_hand and rng.random() < pen.overrun
    victim = int(rng.integers(len(text)))
    start = x
    for i, (ch, adv) in enumerate(zip(text, advances, strict=True)):
        cx = x + adv / 2
        y = cy + drift * (cx - start) + j * _clipped(rng, 0.025 * em)
        scale = 1.0
        if run_over and i == victim:
            scale, y = 1.25, y + float(rng.choice([-1.0, 1.0])) * 0.1 * h
        draw_char(page, ch, (cx, y), em, pen, rng=rng, scale=scale)
        x += adv


SMALL_ROW_MM = (3.0, 5.0)  # rows this high (ふりがな) are filled more than ordinary lines
SMALL_ROW_SHARE = 1.35  # of the row: the ink of KanjiVG kana is about 0.55-0.65 of the em


def _line_share(pen: Pen, height: float) -> float:
    """Share of a line's height the em takes: the pen's own on ordinary lines; a hand fills
    a 3 mm ふりがな row almost to its lines (its kana 2-2.5 mm high), where a print-sized
    share would leave 1.5 mm characters nobody writes."""
    if not pen.is_hand:
        return pen.size
    mm = height / pen.dpi * 25.4
    low, high = SMALL_ROW_MM
    t = float(np.clip((high - mm) / (high - low), 0.0, 1.0))
    return pen.size + t * max(0.0, SMALL_ROW_SHARE - pen.size)


def _clipped(rng: np.random.Generator, sigma: float) -> float:
    """Normal noise cut at two sigma, so that wandering ink stays near its zone."""
    return float(np.clip(rng.normal(0.0, sigma), -2 * sigma, 2 * sigma))


def _step(char: str, em: float, pen: Pen, rng: np.random.Generator) -> float:
    """Horizontal room taken by ``char``: its advance plus the writer's spacing."""
    if char.isspace() and pen.is_hand:
        return em * rng.uniform(0.45, 0.9)
    base = advance(pen.face, char, em)
    if not pen.is_hand:
        return base
    if pen.writer is not None:  # stroke-drawn: as wide as the ink, a little room around it
        ink = ink_width(char)
        if ink is not None:
            base = (max(0.28, ink) + STROKE_GAP) * em
        base *= pen.writer.aspect
    return base * (1.0 + rng.uniform(-0.04, 0.04)) + em * (pen.spacing + rng.normal(0, 0.04))
