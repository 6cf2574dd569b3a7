"""Fit a roughly drawn box to the writing space it surrounds: each edge moves to just inside
the nearest printed ruling line, as ``form_schemas/README.md`` asks positions to be measured
("x0 is the first white column right of the left line"). An edge with no line near it stays
where it was drawn."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from form_schemas.spec import BBox

REACH = 16
"""How far (template pixels) from a drawn edge a ruling line is looked for."""
INK = 160
"""Grey level below which a pixel counts as printed."""
LINE = 0.45
"""Share of a row (column) along the box that must be printed for it to count as a line."""


def snap_box(gray: NDArray[np.uint8], box: BBox, reach: int = REACH) -> BBox:
    """``box`` with each edge moved inside the nearest ruling line within ``reach`` pixels."""
    height, width = gray.shape[:2]
    x0, y0, x1, y1 = box
    ink = gray < INK
    rows = slice(max(0, y0 + 2), max(y0 + 3, y1 - 2))  # the box's inside, away from the corners
    cols = slice(max(0, x0 + 2), max(x0 + 3, x1 - 2))
    col_share = ink[rows, :].mean(axis=0)  # per column: how much of the box's height is ink
    row_share = ink[:, cols].mean(axis=1)
    nx0 = _inside_after(col_share, x0, reach, width)
    nx1 = _inside_before(col_share, x1, reach, width)
    ny0 = _inside_after(row_share, y0, reach, height)
    ny1 = _inside_before(row_share, y1, reach, height)
    if nx1 - nx0 < 4 or ny1 - ny0 < 4:
        return box
    return (nx0, ny0, nx1, ny1)


def _nearest_line(share: NDArray[np.floating], edge: int, reach: int, size: int) -> int | None:
    lo, hi = max(0, edge - reach), min(size, edge + reach + 1)
    found = [lo + i for i in np.flatnonzero(share[lo:hi] >= LINE).tolist()]
    return min(found, key=lambda i: abs(i - edge)) if found else None


def _line_end(share: NDArray[np.floating], at: int, step: int) -> int:
    """The last row (column) of the line through ``at``, going by ``step`` (a line is
    several pixels thick)."""
    while 0 <= at + step < len(share) and share[at + step] >= LINE:
        at += step
    return at


def _inside_after(share: NDArray[np.floating], edge: int, reach: int, size: int) -> int:
    """A left/top edge: the first clear pixel after the line nearest to ``edge``."""
    line = _nearest_line(share, edge, reach, size)
    return edge if line is None else _line_end(share, line, 1) + 1


def _inside_before(share: NDArray[np.floating], edge: int, reach: int, size: int) -> int:
    """A right/bottom edge (exclusive): the first pixel of the line nearest to ``edge``."""
    line = _nearest_line(share, edge, reach, size)
    return edge if line is None else _line_end(share, line, -1)
