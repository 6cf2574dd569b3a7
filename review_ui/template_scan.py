"""A blank form as uploaded (PDF, TIFF, JPEG, PNG) → the template image of a new form: its
first page as PNG, straightened, with its resolution.

Straightening matters because field boxes are drawn on the template and scans are aligned onto
it: a template tilted by half a degree puts the boxes of the far side of the page off their
lines. The tilt is found from the printed lines and text (the angle at which the rows of ink
are sharpest) and removed if it is more than a tenth of a degree.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr_pipeline.errors import InputUnreadableError, RefusalCode
from ocr_pipeline.ingest import count_pages, iter_pages
from ocr_pipeline.preprocess import to_gray

DPI = 200
MAX_TILT = 3.0
STEP = 0.05
MIN_TILT = 0.1
WORK_WIDTH = 600


@dataclass(frozen=True)
class Template:
    png: bytes
    dpi: int
    width: int
    height: int
    tilt: float
    """Degrees the upload was turned by to straighten it (0 when it was straight)."""


def read_template(data: bytes, name: str) -> Template:
    """The template made from the uploaded blank form ``data`` (file name ``name``). Raises
    :class:`InputUnreadableError` for a file that is not a one-page scan."""
    suffix = Path(name).suffix.lower()[:8]
    with tempfile.TemporaryDirectory(prefix="formocr-template-") as tmp:
        path = Path(tmp) / f"blank{suffix}"
        path.write_bytes(data)
        pages = count_pages(path)
        if pages != 1:
            raise InputUnreadableError(
                name,
                f"the file has {pages} pages",
                "Upload a scan of the blank form's first page only (one page).",
                code=RefusalCode.TOO_MANY_PAGES,
            )
        page = next(iter_pages(path, dpi=DPI, max_pages=1))
    gray = to_gray(page.image)
    tilt = find_tilt(gray)
    if abs(tilt) >= MIN_TILT:
        gray = rotate(gray, tilt)
    ok, buf = cv2.imencode(".png", gray)
    if not ok:
        raise InputUnreadableError(
            name, "the page could not be encoded as PNG", "", code=RefusalCode.DAMAGED
        )
    height, width = gray.shape[:2]
    return Template(bytes(buf), round(page.dpi), width, height, tilt)


def find_tilt(gray: NDArray[np.uint8]) -> float:
    """The angle (degrees, counter-clockwise positive) the page is turned by, within
    ±``MAX_TILT``: where the row profile of ink varies most."""
    scale = WORK_WIDTH / gray.shape[1]
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-MAX_TILT, MAX_TILT + STEP / 2, STEP):
        turned = _turn(ink, float(angle), 0.0)
        score = float(np.var(turned.sum(axis=1)))
        if score > best_score:
            best, best_score = float(angle), score
    return round(-best, 2) + 0.0  # + 0.0: no "-0.0"


def rotate(gray: NDArray[np.uint8], tilt: float) -> NDArray[np.uint8]:
    """``gray`` turned back by ``tilt`` degrees (white where the corners come in)."""
    return _turn(gray, -tilt, 255.0).astype(np.uint8)


def _turn(image: NDArray[Any], angle: float, fill: float) -> NDArray[Any]:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return np.asarray(
        cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=(fill,))
    )
