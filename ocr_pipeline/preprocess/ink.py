"""Ink and paper: grey conversion, illumination flattening, binarisation.

Scans arrive with uneven brightness, faint lines and coloured ink. Everything downstream
works on a *flattened* grey page where paper is ~255 whatever the lighting, so one threshold
separates ink from paper across the page.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = NDArray[np.uint8]
Mask = NDArray[np.bool_]

INK_LEVEL = 170
"""Flattened grey below this is ink. Pencil and faint blue ballpoint stay below it;
JPEG ringing and paper texture stay above it."""


def as_u8(array: object) -> Gray:
    """An OpenCV result as a typed uint8 array."""
    return np.asarray(array, dtype=np.uint8)


def as_mask(array: object) -> Mask:
    """An array as a typed boolean mask."""
    return np.asarray(array, dtype=bool)


def to_gray(image: NDArray[np.uint8]) -> Gray:
    """Grey (luminance) version of a BGR or grey image. Blue and red ink stay well below
    :data:`INK_LEVEL` in luminance, so no colour-specific handling is needed here."""
    if image.ndim == 2:
        return image
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)


def flatten(gray: Gray, kernel: int = 61) -> Gray:
    """Divide out the paper's brightness (estimated by a closing larger than any stroke or
    filled checkbox) so that paper is ~255 under uneven lighting."""
    k = max(3, kernel | 1)
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    background = cv2.morphologyEx(
        small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k // 4 | 1, k // 4 | 1))
    )
    background = cv2.resize(
        background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    return np.asarray(cv2.divide(gray, np.maximum(background, 1), scale=255), dtype=np.uint8)


def ink_mask(flat: Gray, level: int = INK_LEVEL) -> Mask:
    """Ink pixels of a flattened page."""
    return np.asarray(flat < level, dtype=bool)


def drop_specks(mask: Mask, min_area: int) -> Mask:
    """Remove connected components smaller than ``min_area`` pixels (scanner dust)."""
    if not mask.any():
        return mask
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False
    return np.asarray(keep[labels], dtype=bool)
