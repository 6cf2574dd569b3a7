"""Pen marks: circles around printed options, ticks, crosses and fills in checkboxes, red
seal stamps and signature scrawls. Every mark stays within :func:`reach` of its box."""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image as PILImage
from PIL import ImageDraw

from .canvas import BGR, Image, blend
from .fonts import STAMP_FACE, FontFace, face_for, load

BBox = tuple[int, int, int, int]
Points = NDArray[np.float64]

STAMP_RED: BGR = (48, 52, 205)
_SHIFT = 4  # sub-pixel bits for cv2 drawing


def reach(bbox: BBox, kind: str) -> BBox:
    """The box a mark of ``kind`` ("circle", "check", "presence") may ink around ``bbox``."""
    x0, y0, x1, y1 = bbox
    w = x1 - x0
    side = min(w, y1 - y0)
    if (
        kind == "circle"
    ):  # radius up to 1.19 x (half size + 0.42 side), tilt <= 8°, offset <= 0.3 side
        gx, gy = 0.1 * w + side + 4, 0.09 * w + side + 4
    else:
        gx = gy = 0.35 * side + 6 if kind == "check" else 4.0
    return (round(x0 - gx), round(y0 - gy), round(x1 + gx), round(y1 + gy))


def stroke(
    page: Image, lines: list[Points], thickness: int, color: BGR, opacity: float = 1.0
) -> None:
    """Draw anti-aliased polylines (pixel coordinates) as one ink layer."""
    allpts = np.vstack(lines)
    pad = thickness + 2
    x0, y0 = np.floor(allpts.min(axis=0)).astype(int) - pad
    x1, y1 = np.ceil(allpts.max(axis=0)).astype(int) + pad
    mask = np.zeros((y1 - y0, x1 - x0), np.float32)
    scaled = [np.round((p - (x0, y0)) * (1 << _SHIFT)).astype(np.int32) for p in lines]
    cv2.polylines(mask, scaled, False, (1.0,), thickness, cv2.LINE_AA, _SHIFT)
    blend(page, (np.clip(mask, 0, 1) * opacity).astype(np.float32), int(x0), int(y0), color)


def _wobble(p0: Points, p1: Points, rng: np.random.Generator, bend: float, n: int = 12) -> Points:
    """A hand-drawn segment from p0 to p1 bowing sideways by ``bend`` times its length."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    d = p1 - p0
    normal = np.array([-d[1], d[0]])
    bow = np.sin(np.pi * t) * bend + rng.normal(0, 0.004, (n, 1))
    return np.asarray(p0 + t * d + bow * normal, np.float64)


def circle(
    page: Image,
    bbox: BBox,
    rng: np.random.Generator,
    color: BGR,
    thickness: int,
    *,
    regular: bool = False,
) -> None:
    """A pen ellipse around ``bbox``: irregular radius, not quite closed or overlapping.
    ``regular`` draws the closed, centred ellipse a printer would."""
    x0, y0, x1, y1 = bbox
    w, h = x1 - x0, y1 - y0
    side = min(w, h)
    off = 0.0 if regular else 0.18 if rng.random() < 0.2 else 0.05
    cx = (x0 + x1) / 2 + float(np.clip(rng.normal(0, off * side), -0.3 * side, 0.3 * side))
    cy = (y0 + y1) / 2 + float(np.clip(rng.normal(0, off * side), -0.3 * side, 0.3 * side))
    pad = rng.uniform(0.2, 0.42) * side
    rx, ry = w / 2 + pad, h / 2 + pad
    start = rng.uniform(0, 2 * math.pi)
    sweep = (2.0 if regular else rng.uniform(1.82, 2.2)) * math.pi * rng.choice([-1.0, 1.0])
    t = np.linspace(start, start + sweep, 90)
    phase = rng.uniform(0, 2 * math.pi, 2)
    wobble = 0.0 if regular else 1.0
    radius = 1.0 + wobble * (
        0.06 * np.sin(t + phase[0])
        + 0.03 * np.sin(2 * t + phase[1])
        + rng.uniform(-0.1, 0.1) * (t - start) / sweep
    )
    tilt = math.radians(wobble * float(np.clip(rng.normal(0, 4), -8, 8)))
    ex, ey = rx * np.cos(t) * radius, ry * np.sin(t) * radius
    pts = np.column_stack(
        [
            cx + ex * math.cos(tilt) - ey * math.sin(tilt),
            cy + ex * math.sin(tilt) + ey * math.cos(tilt),
        ]
    )
    stroke(page, [pts], thickness, color, rng.uniform(0.85, 1.0))


def tick(page: Image, bbox: BBox, rng: np.random.Generator, color: BGR, thickness: int) -> None:
    """✓ as two strokes; the long stroke may overshoot the box's top right."""
    x0, y0, x1, y1 = bbox
    w, h = x1 - x0, y1 - y0
    p0 = np.array([x0 + rng.uniform(0.05, 0.25) * w, y0 + rng.uniform(0.4, 0.6) * h])
    p1 = np.array([x0 + rng.uniform(0.35, 0.5) * w, y0 + rng.uniform(0.78, 0.95) * h])
    p2 = np.array([x0 + rng.uniform(0.85, 1.2) * w, y0 - rng.uniform(-0.1, 0.3) * h])
    lines = [
        _wobble(p0, p1, rng, rng.uniform(-0.08, 0.08)),
        _wobble(p1, p2, rng, rng.uniform(-0.1, 0.05)),
    ]
    stroke(page, lines, thickness, color)


def cross(page: Image, bbox: BBox, rng: np.random.Generator, color: BGR, thickness: int) -> None:
    """✗ as two crossing strokes."""
    x0, y0, x1, y1 = bbox
    w, h = x1 - x0, y1 - y0

    def corner(fx: float, fy: float) -> Points:
        return np.array(
            [x0 + (fx + rng.uniform(-0.08, 0.08)) * w, y0 + (fy + rng.uniform(-0.08, 0.08)) * h]
        )

    lines = [
        _wobble(corner(0.12, 0.12), corner(0.88, 0.88), rng, rng.uniform(-0.06, 0.06)),
        _wobble(corner(0.88, 0.12), corner(0.12, 0.88), rng, rng.uniform(-0.06, 0.06)),
    ]
    stroke(page, lines, thickness, color)


def fill(page: Image, bbox: BBox, rng: np.random.Generator, color: BGR, thickness: int) -> None:
    """The box blacked out by a zig-zag scribble."""
    x0, y0, x1, y1 = bbox
    w, h = x1 - x0, y1 - y0
    rows = max(3, int(h / max(2, thickness)) + 1)
    ys = np.linspace(y0 + 0.12 * h, y1 - 0.12 * h, rows)
    xs = np.where(np.arange(rows) % 2 == 0, x0 + 0.12 * w, x1 - 0.12 * w)
    pts = np.column_stack([xs + rng.normal(0, 0.04 * w, rows), ys + rng.normal(0, 0.02 * h, rows)])
    stroke(page, [pts], thickness + 1, color)


def stamp(page: Image, bbox: BBox, rng: np.random.Generator, text: str) -> None:
    """A red round seal (印) with ``text`` (a surname) written downwards inside."""
    x0, y0, x1, y1 = bbox
    d = int(min(x1 - x0, y1 - y0) * rng.uniform(0.7, 0.9))
    chars = list(text[:3]) or ["印"]
    patch = PILImage.new("L", (d, d), 0)
    draw = ImageDraw.Draw(patch)
    ring = max(2, d // 16)
    draw.ellipse(
        (ring // 2, ring // 2, d - ring // 2 - 1, d - ring // 2 - 1), outline=255, width=ring
    )
    size = int(d * (0.55 if len(chars) == 1 else 0.78 / len(chars)))
    for i, ch in enumerate(chars):
        face: FontFace = face_for(STAMP_FACE, ch)
        y = d / 2 + (i - (len(chars) - 1) / 2) * size * 0.98
        draw.text((d / 2, y), ch, font=load(face, size), fill=255, anchor="mm")
    alpha = np.asarray(patch, np.float32) / 255.0
    rot = cv2.getRotationMatrix2D((d / 2, d / 2), rng.uniform(-12, 12), 1.0)
    alpha = np.asarray(cv2.warpAffine(alpha, rot, (d, d)), np.float32)
    grain = cv2.GaussianBlur(rng.uniform(0.3, 1.3, (d, d)).astype(np.float32), (0, 0), 1.5)
    alpha = np.clip(alpha * np.clip(grain, 0, 1), 0, 1) * rng.uniform(0.75, 0.95)
    cx = (x0 + x1) / 2 + rng.uniform(-0.08, 0.08) * (x1 - x0 - d)
    cy = (y0 + y1) / 2 + rng.uniform(-0.08, 0.08) * (y1 - y0 - d)
    blend(page, alpha.astype(np.float32), int(cx - d / 2), int(cy - d / 2), STAMP_RED)


def signature(
    page: Image, bbox: BBox, rng: np.random.Generator, color: BGR, thickness: int
) -> None:
    """A scrawled signature: a smooth left-to-right curve with loops."""
    x0, y0, x1, y1 = bbox
    w, h = x1 - x0, y1 - y0
    n = int(rng.integers(5, 9))
    t = np.linspace(0.0, 1.0, n * 16)
    knots = np.linspace(0.0, 1.0, n)
    ys = np.interp(t, knots, rng.uniform(-0.22, 0.22, n))
    freq = rng.uniform(4.0, 7.0) * math.pi
    px = x0 + w * (0.12 + 0.76 * t + 0.05 * np.sin(freq * t))
    py = y0 + h * (0.5 + ys + 0.14 * np.cos(freq * t))
    kernel = np.ones(5) / 5
    pts = np.column_stack([px, np.convolve(py, kernel, mode="same")])[3:-3]
    stroke(page, [pts], thickness, color)
