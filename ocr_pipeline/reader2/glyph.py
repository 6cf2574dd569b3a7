"""One character image → the second reader's input vector.

The image is grey uint8 with white paper and dark ink, as the zone crops give it. Ink is
contrast-normalised (pencil counts like ink), cropped to its extent, scaled to fit a square
of :data:`SIZE` pixels with a margin keeping its aspect ratio, and centred. Scaling throws
size away, so a few features carry it back: the aspect ratio, and the height and width of
the ink relative to the line's height when it is known (which is what tells ツ from ッ).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = NDArray[np.uint8]
Vector = NDArray[np.float32]

SIZE = 32  # the square the character is drawn into
MARGIN = 3  # empty pixels around the character inside the square
ORIENTATIONS = 8  # gradient histogram bins
CELL = 8  # gradient histogram cell (pixels of the square)
INK_FLOOR = 48  # darkness (255 - grey) below this is paper whatever the contrast
SPECK_SHARE = 0.01  # ink components smaller than this share of the ink are dust

N_SIZE_FEATURES = 5
N_FEATURES = SIZE * SIZE + (SIZE // CELL) ** 2 * ORIENTATIONS + N_SIZE_FEATURES


def darkness(image: Gray) -> NDArray[np.float32]:
    """Ink darkness 0-1 with the darkest writing stretched to 1 and paper at 0."""
    dark = 255.0 - image.astype(np.float32)
    ink = dark[dark > INK_FLOOR]
    if ink.size == 0:
        return np.zeros(image.shape, np.float32)
    top = max(_percentile(ink, 90), INK_FLOOR + 1.0)
    return np.asarray(np.clip((dark - INK_FLOOR) / (top - INK_FLOOR), 0.0, 1.0), np.float32)


def _percentile(values: NDArray[np.float32], q: float) -> float:
    """``np.percentile(values, q)`` (linear, float32), bit for bit, by partial sorting: the
    general function costs 30 times as much on the few hundred values of a character."""
    n = values.size
    k = np.float32(q) / np.float32(100) * np.float32(n - 1)
    lo = int(np.floor(k))
    hi = min(lo + 1, n - 1)
    t = k - np.float32(lo)
    part = np.partition(values, (lo, hi))
    a, b = part[lo], part[hi]
    diff = b - a
    return float(b - diff * (np.float32(1) - t) if t >= 0.5 else a + diff * t)


def ink_mask(dark: NDArray[np.float32]) -> NDArray[np.bool_]:
    """Ink pixels, without specks of dust (a dakuten is far above the dust share)."""
    mask = (dark > 0.25).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 2:
        return mask.astype(bool)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.zeros(n, bool)
    keep[1:] = areas >= max(3.0, SPECK_SHARE * float(areas.sum()))
    return np.asarray(keep[labels], bool)


def ink_box(image: Gray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) of the ink in ``image``, or None when there is none."""
    mask = ink_mask(darkness(image))
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def square(image: Gray) -> tuple[NDArray[np.float32], int, int]:
    """The character drawn into a SIZE x SIZE darkness square, with the ink's height and
    width in the original pixels (0, 0 when there is no ink)."""
    dark = darkness(image)
    mask = ink_mask(dark)
    ys, xs = np.nonzero(mask)
    out = np.zeros((SIZE, SIZE), np.float32)
    if len(xs) == 0:
        return out, 0, 0
    y0, y1, x0, x1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    piece = np.where(mask, dark, 0.0)[y0:y1, x0:x1].astype(np.float32)
    h, w = piece.shape
    inner = SIZE - 2 * MARGIN
    scale = inner / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = np.asarray(cv2.resize(piece, (nw, nh), interpolation=interp), np.float32)
    top, left = (SIZE - nh) // 2, (SIZE - nw) // 2
    out[top : top + nh, left : left + nw] = small
    peak = float(out.max())
    if peak > 0:
        out /= peak
    return out, h, w


def gradient_histograms(sq: NDArray[np.float32]) -> NDArray[np.float32]:
    """Histograms of gradient orientation per CELL x CELL cell, weighted by magnitude and
    normalised per cell (a cheap HOG)."""
    gx = cv2.Sobel(sq, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(sq, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    ang = np.mod(np.arctan2(gy, gx), np.pi)  # unsigned orientation
    bins = np.minimum((ang / np.pi * ORIENTATIONS).astype(np.int64), ORIENTATIONS - 1)
    cells = SIZE // CELL
    cy = np.arange(SIZE)[:, None] // CELL
    cx = np.arange(SIZE)[None, :] // CELL
    index = ((cy * cells + cx) * ORIENTATIONS + bins).ravel()
    hist = np.bincount(index, weights=mag.ravel(), minlength=cells * cells * ORIENTATIONS)
    table = np.asarray(hist, np.float64).reshape(cells * cells, ORIENTATIONS)
    table = table / (np.linalg.norm(table, axis=1, keepdims=True) + 1e-3)
    return np.asarray(table.ravel(), np.float32)


def size_features(h: int, w: int, line_height: float | None, density: float) -> Vector:
    """Aspect ratio (log), ink height and width relative to the line (0 when unknown), a
    flag saying whether the line height is known, and the ink's density in the square."""
    aspect = float(np.log((w + 1.0) / (h + 1.0)))
    known = line_height is not None and line_height > 0
    rel_h = h / line_height if known and line_height else 0.0
    rel_w = w / line_height if known and line_height else 0.0
    return np.array(
        [aspect, min(rel_h, 2.0), min(rel_w, 2.0), 1.0 if known else 0.0, density], np.float32
    )


def features(image: Gray, line_height: float | None = None) -> Vector:
    """The classifier's input for one character image (length :data:`N_FEATURES`).

    ``line_height`` is the height, in the image's pixels, of a full-size character of the
    same line (e.g. the median ink height of its characters); ``None`` when unknown."""
    sq, h, w = square(image)
    density = float(sq.mean())
    parts = [sq.ravel(), gradient_histograms(sq), size_features(h, w, line_height, density)]
    return np.asarray(np.concatenate(parts), np.float32)


def feature_matrix(images: list[Gray], line_heights: list[float | None]) -> NDArray[np.float32]:
    """Features of many characters, one row each."""
    if not images:
        return np.zeros((0, N_FEATURES), np.float32)
    rows = [features(img, lh) for img, lh in zip(images, line_heights, strict=True)]
    return np.stack(rows).astype(np.float32)
