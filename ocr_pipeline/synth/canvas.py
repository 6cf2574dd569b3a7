"""Putting ink on paper: multiply-blend an alpha patch of one colour onto a BGR page."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

BGR = tuple[int, int, int]
Image = NDArray[np.uint8]
Alpha = NDArray[np.float32]


def blend(page: Image, alpha: Alpha, x0: int, y0: int, color: BGR) -> None:
    """Darken ``page`` in place where ``alpha`` (0..1) is set, as ink on paper does.

    ``alpha`` is placed with its top-left corner at ``(x0, y0)`` and clipped to the page.
    Multiplying (rather than painting over) keeps printed lines visible under ink.
    """
    h, w = alpha.shape
    ph, pw = page.shape[:2]
    ax0, ay0 = max(0, -x0), max(0, -y0)
    ax1, ay1 = min(w, pw - x0), min(h, ph - y0)
    if ax1 <= ax0 or ay1 <= ay0:
        return
    a = alpha[ay0:ay1, ax0:ax1, None]
    roi = page[y0 + ay0 : y0 + ay1, x0 + ax0 : x0 + ax1]
    factor = np.asarray(color, dtype=np.float32) / 255.0
    mixed = roi.astype(np.float32) * (1.0 - a * (1.0 - factor))
    roi[...] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
