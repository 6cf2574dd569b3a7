"""Page images for reviewers: the page registered onto its form's template, a field's crop at
a readable size, and the whole page with the field boxes drawn on it. Pure functions over PNG
bytes (no Streamlit).

Field boxes are in template pixels. The store keeps each page as it was scanned, with the
registration matrix that maps it onto the template (``PageInfo.registration["matrix"]``);
:func:`registered` applies it, so that the boxes fall on the writing whatever the scan's skew,
rotation, shift or resolution. A page without a matrix is used as it is (scaled when its
size differs from the template's).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

from form_schemas.spec import BBox
from ocr_pipeline.preprocess import warp_color

MARGIN = 16
"""Pixels of the page shown around a field, so that writing over the box edge is seen."""
MIN_HEIGHT = 110
MAX_WIDTH = 1100


@dataclass(frozen=True)
class Box:
    """A box to draw on the page: its number (the field's position in the list) and colour."""

    bbox: BBox
    number: int
    colour: str
    width: int = 3


Matrix = tuple[tuple[float, float, float], tuple[float, float, float]]


def matrix_of(registration: dict[str, Any] | None) -> Matrix | None:
    """The 2×3 page-to-template matrix of a stored registration, if it has one."""
    rows = (registration or {}).get("matrix")
    try:
        a, b = rows  # type: ignore[misc]
        return (
            (float(a[0]), float(a[1]), float(a[2])),
            (float(b[0]), float(b[1]), float(b[2])),
        )
    except (TypeError, ValueError, IndexError):
        return None


def registered(png: bytes, matrix: Matrix, size: tuple[int, int]) -> bytes:
    """The scanned page warped onto the template (``size`` = width, height), as PNG."""
    page = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    if page is None:
        raise ValueError("the stored page image cannot be decoded")
    warped = warp_color(np.asarray(page, dtype=np.uint8), np.asarray(matrix), size)
    ok, buf = cv2.imencode(".png", warped)
    if not ok:
        raise ValueError("the registered page cannot be encoded")
    return bytes(buf)


def _load(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as img:
        img.load()
        return img.convert("RGB")


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _scaled(bbox: BBox, sx: float, sy: float) -> BBox:
    return (round(bbox[0] * sx), round(bbox[1] * sy), round(bbox[2] * sx), round(bbox[3] * sy))


def decoded(png: bytes) -> Image.Image:
    """The page as an RGB image, decoded once to crop many fields from it."""
    return _load(png)


def crop_field(png: bytes, bbox: BBox, template_size: tuple[int, int] | None = None) -> bytes:
    """The field's area of the page (with :data:`MARGIN`), enlarged to at least
    :data:`MIN_HEIGHT` pixels high and at most :data:`MAX_WIDTH` wide, as PNG."""
    return crop_decoded(_load(png), bbox, template_size)


def crop_decoded(
    img: Image.Image, bbox: BBox, template_size: tuple[int, int] | None = None
) -> bytes:
    """:func:`crop_field` of a page already decoded (``img`` is not changed)."""
    if template_size:
        bbox = _scaled(bbox, *_scales(img, template_size))
    x0, y0 = max(0, bbox[0] - MARGIN), max(0, bbox[1] - MARGIN)
    x1, y1 = min(img.width, bbox[2] + MARGIN), min(img.height, bbox[3] + MARGIN)
    if x1 <= x0 or y1 <= y0:
        x0, y0, x1, y1 = 0, 0, img.width, img.height
    crop = img.crop((x0, y0, x1, y1))
    scale = max(1.0, MIN_HEIGHT / crop.height)
    scale = min(scale, MAX_WIDTH / crop.width) if crop.width * scale > MAX_WIDTH else scale
    if scale != 1.0:
        size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
        crop = crop.resize(size, Image.Resampling.LANCZOS)
    return _png(crop)


def _scales(img: Image.Image, template_size: tuple[int, int] | None) -> tuple[float, float]:
    """How much larger the page ``img`` is than the template (1, 1 when it is in template
    pixels already)."""
    if not template_size:
        return 1.0, 1.0
    return img.width / template_size[0], img.height / template_size[1]


def page_with_boxes(
    png: bytes, boxes: Sequence[Box], template_size: tuple[int, int] | None = None
) -> bytes:
    """The whole page with each box outlined in its colour and numbered, as PNG."""
    img = _load(png)
    sx, sy = _scales(img, template_size)
    draw = ImageDraw.Draw(img)
    for b in boxes:
        x0, y0, x1, y1 = _scaled(b.bbox, sx, sy)
        draw.rectangle((x0, y0, x1, y1), outline=b.colour, width=b.width)
        label = str(b.number)
        tx, ty = x0 + 2, max(0, y0 - 14)
        draw.rectangle((tx - 1, ty - 1, tx + 8 * len(label) + 2, ty + 12), fill=b.colour)
        draw.text((tx, ty), label, fill="white")
    return _png(img)


def blank_page(size: tuple[int, int]) -> bytes:
    """A white page of ``size``, for a document whose page image is not stored."""
    return _png(Image.new("RGB", size, "white"))


def blacked_out(
    png: bytes, bboxes: Sequence[BBox], template_size: tuple[int, int] | None = None
) -> bytes:
    """The page with each box (and :data:`MARGIN` around it, where writing may run over the
    box edge) filled black: what a person may not see without asking, as PNG."""
    if not bboxes:
        return png
    img = _load(png)
    sx, sy = _scales(img, template_size)
    draw = ImageDraw.Draw(img)
    for bbox in bboxes:
        x0, y0, x1, y1 = _scaled(bbox, sx, sy)
        m = round(MARGIN * max(sx, sy) / 2)
        draw.rectangle((x0 - m, y0 - m, x1 + m, y1 + m), fill="black")
    return _png(img)
