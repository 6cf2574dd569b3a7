"""Pillow image of any mode → H x W x 3 BGR uint8 array, the one layout the pipeline uses.

- 1-bit and 8-bit grey are replicated into three channels.
- 16-bit grey (``I;16*``) is scaled linearly to 8 bits (65535 → 255), not clipped (Pillow's own
  ``convert("L")`` clips, which turns most of a 16-bit page white). 32-bit integer grey (``I``)
  is read as 16-bit data when any value exceeds 255, else as 8-bit; float grey (``F``) as 0-1
  when its maximum is at most 1, else as 0-255.
- CMYK, YCbCr and other colour modes go through Pillow's conversion to RGB (no ICC profile is
  applied: for reading forms the naive conversion is close enough).
- Palette images are expanded; any transparency (alpha channel or palette/``tRNS``
  transparency) is composited onto white, as if printed on white paper.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_SIXTEEN_BIT_MODES = frozenset({"I;16", "I;16L", "I;16B", "I;16N"})
_WHITE = (255, 255, 255, 255)


def to_bgr(image: Image.Image) -> NDArray[np.uint8]:
    """Return ``image`` as a C-contiguous H x W x 3 BGR uint8 array.

    Raises ``ValueError`` for a mode Pillow cannot convert to RGB.
    """
    mode = image.mode
    if mode in _SIXTEEN_BIT_MODES or mode in {"I", "F"}:
        return _grey_to_bgr(_wide_grey_to_8bit(image))
    if mode == "1":
        return _grey_to_bgr(np.asarray(image.convert("L"), dtype=np.uint8))
    if mode == "L":
        return _grey_to_bgr(np.asarray(image, dtype=np.uint8))
    if _has_transparency(image):
        image = _on_white(image)
    elif mode != "RGB":
        image = image.convert("RGB")
    rgb = np.asarray(image, dtype=np.uint8)
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), dtype=np.uint8)


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in _ALPHA_MODES or (
        image.mode in {"P", "L", "RGB"} and "transparency" in image.info
    )


def _on_white(image: Image.Image) -> Image.Image:
    """Composite an image with alpha or transparency onto an opaque white page."""
    if image.mode == "La":  # premultiplied; Pillow converts it only to LA
        image = image.convert("LA")
    rgba = image.convert("RGBA")
    page = Image.new("RGBA", rgba.size, _WHITE)
    return Image.alpha_composite(page, rgba).convert("RGB")


def _wide_grey_to_8bit(image: Image.Image) -> NDArray[np.uint8]:
    values = np.asarray(image)
    if image.mode == "F":
        scale = 255.0 if values.size and float(values.max()) <= 1.0 else 1.0
        return np.clip(np.rint(values * scale), 0, 255).astype(np.uint8)
    # Integer arithmetic in uint32 keeps a 16-bit A3 page at 4 bytes per pixel, not 8.
    wide = np.clip(values, 0, 65535).astype(np.uint32)
    if image.mode == "I" and not (wide.size and int(wide.max()) > 255):
        return wide.astype(np.uint8)
    return ((wide * 255 + 32767) // 65535).astype(np.uint8)


def _grey_to_bgr(grey: NDArray[np.uint8]) -> NDArray[np.uint8]:
    bgr = cv2.cvtColor(np.ascontiguousarray(grey), cv2.COLOR_GRAY2BGR)
    return np.asarray(bgr, dtype=np.uint8)
