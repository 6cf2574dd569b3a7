"""Training characters that look like zone crops of a scan.

A character is drawn large, bent like a hand would bend it (affine, elastic wobble, stroke
weight), then scaled to a line height of 14-60 px (small kana smaller than the line), put on
white paper with ink of varying darkness, and degraded like a scan: blur, noise, JPEG, now
and then a fragment of a box line touching it or a sliver of the neighbouring character.
"""

from __future__ import annotations

import cv2
import numpy as np

from .charset import DIGITS, SMALL
from .glyph import Gray
from .sources import Alpha, Source

EM = 64.0  # pixels per em the character is drawn at before scaling
REFERENCE = {"digit": "8", "kana": "ア"}  # a full-size character of each kind
LINE_PX = (14.0, 60.0)  # height of a full-size character on the scan
SIZE_KNOWN = 0.85  # share of kana samples that know their line height


def _trim(alpha: Alpha) -> Alpha | None:
    ys, xs = np.nonzero(alpha > 0.2)
    if len(xs) == 0:
        return None
    return alpha[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _bend(alpha: Alpha, rng: np.random.Generator, hand: bool) -> Alpha:
    """Rotation, shear, stretch and (for fonts) a smooth elastic wobble, at the drawing size."""
    pad = int(EM // 3)
    img = cv2.copyMakeBorder(alpha, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(0.0,))
    h, w = img.shape
    angle = rng.uniform(-7, 7)
    m = np.asarray(cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), np.float64)
    shear = rng.uniform(-0.2, 0.2)
    stretch = rng.uniform(0.82, 1.18)
    m[:, 0] *= stretch
    m[0, 1] += shear
    m[0, 2] = w / 2 - m[0, 0] * w / 2 - m[0, 1] * h / 2
    m[1, 2] = h / 2 - m[1, 0] * w / 2 - m[1, 1] * h / 2
    out = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(0.0,))
    if not hand or rng.random() < 0.3:
        amp = rng.uniform(1.0, 3.5) if not hand else rng.uniform(0.5, 1.5)
        dx = cv2.GaussianBlur(rng.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), 7)
        dy = cv2.GaussianBlur(rng.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), 7)
        scale = amp / max(1e-6, float(np.abs(dx).max()), float(np.abs(dy).max()))
        gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        out = cv2.remap(out, gx + dx * scale, gy + dy * scale, cv2.INTER_LINEAR, borderValue=(0.0,))
    weight = int(rng.integers(-1, 3))
    if weight:
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (abs(weight) * 2 + 1,) * 2)
        op = cv2.dilate if weight > 0 else cv2.erode
        thinner = op(out, k)
        if float(thinner.max()) > 0.5:
            out = thinner
    return np.asarray(out, np.float32)


def _reference_height(source: Source, kind: str, rng: np.random.Generator) -> float:
    ref = source.draw(REFERENCE[kind], EM, rng)
    trimmed = None if ref is None else _trim(ref)
    return float(trimmed.shape[0]) if trimmed is not None else 0.8 * EM


def _on_paper(alpha: Alpha, rng: np.random.Generator, line: float) -> Gray:
    """White paper with the character and a margin; ink darkness, blur, noise, JPEG."""
    pad = max(3, int(line // 5))
    a = cv2.copyMakeBorder(alpha, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(0.0,))
    if rng.random() < 0.15:  # a fragment of a box line the writing touches
        h, w = a.shape
        t = int(rng.integers(1, 3))
        if rng.random() < 0.5:
            x = int(rng.choice([pad - t, w - pad])) if w > 2 * pad else 0
            y0, y1 = sorted(rng.integers(0, h, 2).tolist())
            a[y0 : max(y1, y0 + h // 3), max(0, x) : x + t] = 1.0
        else:
            y = int(rng.choice([pad - t, h - pad])) if h > 2 * pad else 0
            x0, x1 = sorted(rng.integers(0, w, 2).tolist())
            a[max(0, y) : y + t, x0 : max(x1, x0 + w // 3)] = 1.0
    ink = rng.uniform(0.45, 1.0)
    sigma = rng.uniform(0.0, 0.9)
    if sigma > 0.3:
        a = cv2.GaussianBlur(a, (0, 0), sigma)
    grey = 255.0 * (1.0 - ink * np.clip(a, 0, 1)) + rng.normal(0, rng.uniform(0, 7), a.shape)
    img = np.clip(grey, 0, 255).astype(np.uint8)
    if rng.random() < 0.4:
        quality = int(rng.integers(45, 95))
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if ok:
            img = np.asarray(cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE), np.uint8)
    # zone crops keep the writing only: paper around it is pure white
    return np.asarray(np.where(img > 215, 255, img), np.uint8)


def _with_neighbour(alpha: Alpha, other: Alpha | None, rng: np.random.Generator) -> Alpha:
    """A sliver of the neighbouring character at the left or right edge (a cut that was
    not quite at the gap)."""
    if other is None:
        return alpha
    h = alpha.shape[0]
    size = (max(1, other.shape[1] * h // max(1, other.shape[0])), h)
    other = np.asarray(cv2.resize(other, size), np.float32)
    width = max(1, int(other.shape[1] * rng.uniform(0.05, 0.18)))
    gap = int(rng.integers(1, 4))
    blank = np.zeros((h, gap), np.float32)
    if rng.random() < 0.5:
        return np.hstack([other[:, -width:], blank, alpha]).astype(np.float32)
    return np.hstack([alpha, blank, other[:, :width]]).astype(np.float32)


def sample(
    char: str, source: Source, rng: np.random.Generator, neighbour: str | None = None
) -> tuple[Gray, float | None] | None:
    """One training image of ``char`` drawn by ``source`` and the line height to give the
    reader with it (None for digits and for kana whose line is unknown); None when the
    source cannot draw ``char``."""
    drawn = source.draw(char, EM, rng)
    if drawn is None:
        return None
    bent = _trim(_bend(drawn, rng, source.hand))
    if bent is None:
        return None
    kind = "digit" if char in DIGITS else "kana"
    ref = _reference_height(source, kind, rng)
    line = rng.uniform(*LINE_PX)
    scale = line / ref * rng.uniform(0.88, 1.12)
    if char in SMALL:
        scale *= rng.uniform(0.8, 1.05)
    h, w = bent.shape
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    alpha = np.asarray(cv2.resize(bent, size, interpolation=cv2.INTER_AREA), np.float32)
    if neighbour is not None and rng.random() < 0.15:
        other = source.draw(neighbour, EM, rng)
        trimmed = None if other is None else _trim(other)
        alpha = _with_neighbour(alpha, trimmed, rng)
    image = _on_paper(alpha, rng, line)
    known = kind == "kana" and rng.random() < SIZE_KNOWN
    return image, (line if known else None)
