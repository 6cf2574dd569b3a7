"""Scanner streaks: dust on the scanner glass draws a thin line along the whole page.

Such a line crosses every zone it passes and would count as writing in each. No handwriting on
a form runs straight for half a page, so long straight lines that are not part of the printed
form are found once per registered page (probabilistic Hough transform at half resolution) and
masked out of every zone.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .ink import Gray, Mask, as_mask

SCALE = 0.5
MIN_LENGTH = 0.4  # share of the page's longer side
THICKNESS = 5  # px at full resolution, covering the streak's blur
CORE = 0.6  # a streak covers most of its own length...
FLANK = 0.2  # ...while 7-10 px beside it the paper is mostly blank


def streak_mask(writing: Mask) -> Mask:
    """Pixels of long straight lines in ``writing`` (page ink minus the printed form)."""
    small = cv2.resize(
        writing.astype(np.uint8) * 255, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_AREA
    )
    small = (small > 64).astype(np.uint8) * 255
    length = MIN_LENGTH * max(small.shape)
    lines = cv2.HoughLinesP(
        small,
        rho=1,
        theta=math.pi / 360,
        threshold=int(length * 0.5),
        minLineLength=int(length),
        maxLineGap=int(length * 0.05),
    )
    out: Gray = np.zeros(writing.shape, dtype=np.uint8)
    if lines is None:
        return as_mask(out)
    for x0, y0, x1, y1 in lines[:, 0, :]:
        a = (x0 / SCALE, y0 / SCALE)
        b = (x1 / SCALE, y1 / SCALE)
        if _hairline(writing, a, b):
            cv2.line(out, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), (255,), THICKNESS)
    return as_mask(out > 0)


def _hairline(mask: Mask, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Is the segment a thin continuous line (ink on it, none beside it), not a text line
    whose characters happen to line up?"""
    length = math.hypot(b[0] - a[0], b[1] - a[1])
    n = max(2, int(length / 2))
    t = np.linspace(0.0, 1.0, n)
    xs = a[0] + t * (b[0] - a[0])
    ys = a[1] + t * (b[1] - a[1])
    nx, ny = -(b[1] - a[1]) / length, (b[0] - a[0]) / length
    h, w = mask.shape

    def cover(offset: float) -> float:
        px = np.clip((xs + nx * offset).astype(int), 0, w - 1)
        py = np.clip((ys + ny * offset).astype(int), 0, h - 1)
        return float(mask[py, px].mean())

    core = max(cover(d) for d in (-2, -1, 0, 1, 2))
    flank = max(cover(d) for d in (-10, -7, 7, 10))
    return core >= CORE and flank <= FLANK
