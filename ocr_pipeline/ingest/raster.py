"""TIFF, JPEG and PNG files → pages, decoded one frame at a time with Pillow.

A TIFF has one page per frame (frames may differ in size, mode and resolution); a JPEG or a
PNG is one page (further MPO or APNG frames are ignored). Each frame is checked against the
size limits before it is decoded, turned upright by its EXIF orientation, converted to BGR,
and resampled to square pixels when its horizontal and vertical resolutions differ (fax
"standard" mode is 204 x 98 dpi).
"""

from __future__ import annotations

import logging
import struct
import warnings
import zlib
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from ocr_pipeline.errors import InputUnreadableError, RefusalCode
from ocr_pipeline.ingest.convert import to_bgr
from ocr_pipeline.ingest.limits import (
    PageLimits,
    check_page_size,
    declared_pixels_refused,
    page_label,
)
from ocr_pipeline.ingest.page import DpiSource, PageFailure, PageImage
from ocr_pipeline.ingest.resolution import estimate_dpi, metadata_dpi
from ocr_pipeline.ingest.sniff import ScanFormat

logger = logging.getLogger(__name__)

# What Pillow raises on damaged data varies by plugin; all of these mean "cannot decode".
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    EOFError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    struct.error,
    zlib.error,
)
_EXIF_ORIENTATION = 0x0112
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
_SQUARE_TOLERANCE = 0.01
_DAMAGED_REMEDY = (
    "If the file is still being copied, wait and try again; otherwise scan the form again "
    "or export it again from the scanner software."
)


@contextmanager
def _open(path: Path, fmt: ScanFormat) -> Iterator[Image.Image]:
    """Open ``path`` lazily as ``fmt`` (header only), mapping Pillow's errors to ours."""
    try:
        with warnings.catch_warnings():
            # check_page_size applies our own limit, in a message naming the file; Pillow's
            # warning above 89 megapixels would only add a stray line on stderr.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path, formats=[fmt.value])
    except Image.DecompressionBombError as exc:
        raise declared_pixels_refused(path, "", str(exc)) from None
    except UnidentifiedImageError:
        raise InputUnreadableError(
            path,
            f"the {fmt.value} header is damaged or truncated",
            _DAMAGED_REMEDY,
            code=RefusalCode.DAMAGED,
        ) from None
    except _DECODE_ERRORS as exc:
        raise _damaged(path, "", fmt, exc) from exc
    with image:
        yield image


def _damaged(path: Path, label: str, fmt: ScanFormat, exc: BaseException) -> InputUnreadableError:
    return InputUnreadableError(
        path,
        f"{label}the {fmt.value} data is damaged or truncated ({type(exc).__name__}: {exc})",
        _DAMAGED_REMEDY,
        code=RefusalCode.DAMAGED,
    )


def _frame_count(path: Path, fmt: ScanFormat, image: Image.Image) -> int:
    if fmt is not ScanFormat.TIFF:
        return 1
    try:
        return int(getattr(image, "n_frames", 1))
    except _DECODE_ERRORS as exc:
        raise _damaged(path, "", fmt, exc) from exc


def count_raster_pages(path: Path, fmt: ScanFormat) -> int:
    """Number of pages in a raster file: TIFF frames, else 1. Reads headers only."""
    with _open(path, fmt) as image:
        return _frame_count(path, fmt, image)


def iter_raster_pages(
    path: Path, fmt: ScanFormat, count: int, limits: PageLimits, max_pages: int | None
) -> Generator[PageImage | PageFailure, None, None]:
    """Yield the first ``max_pages`` (default all ``count``) pages, decoding one at a time.

    A damaged or oversized frame comes out as a ``PageFailure`` naming its page, and the next
    frame is tried: a TIFF's frames are found through its directories, which a damaged frame's
    image data does not touch. A frame that cannot even be reached fails on its own too.
    """
    wanted = count if max_pages is None else min(count, max_pages)
    with _open(path, fmt) as image:
        for index in range(wanted):
            try:
                page = _read_frame(path, fmt, image, index, count=count, limits=limits)
            except InputUnreadableError as exc:
                yield PageFailure(source=path, index=index, error=exc)
                continue
            yield page


def _read_frame(
    path: Path, fmt: ScanFormat, image: Image.Image, index: int, *, count: int, limits: PageLimits
) -> PageImage:
    """Frame ``index`` of the open ``image``, checked against ``limits`` and decoded."""
    label = page_label(index, count)
    try:
        image.seek(index)
    except _DECODE_ERRORS as exc:
        raise _damaged(path, label, fmt, exc) from exc
    check_page_size(path, label, image.width, image.height, limits)
    bgr, dpi, source = _decode(path, label, fmt, image)
    logger.debug(
        "%s: %s%d x %d px, %.0f dpi (%s)", path, label, bgr.shape[1], bgr.shape[0], dpi, source
    )
    return PageImage(
        source=path, index=index, image=bgr, dpi=dpi, dpi_source=source, page_count=count
    )


def _decode(
    path: Path, label: str, fmt: ScanFormat, frame: Image.Image
) -> tuple[NDArray[np.uint8], float, DpiSource]:
    """Decode the current frame: upright, BGR, square pixels; with its dpi and where from."""
    try:
        frame.load()
        orientation = frame.getexif().get(_EXIF_ORIENTATION, 1)
        # exif_transpose copies even an upright image; skip it for the common case.
        upright = frame if orientation == 1 else ImageOps.exif_transpose(frame)
        bgr = to_bgr(upright)
    except _DECODE_ERRORS as exc:
        raise _damaged(path, label, fmt, exc) from exc
    height, width = bgr.shape[:2]
    recorded = metadata_dpi(frame.info.get("dpi"), frame.width, frame.height)
    if recorded is None:
        return bgr, estimate_dpi(width, height), "estimated"
    x_dpi, y_dpi = recorded
    if orientation in _QUARTER_TURNS:
        x_dpi, y_dpi = y_dpi, x_dpi
    bgr, dpi = _square_pixels(bgr, x_dpi, y_dpi)
    return bgr, dpi, "metadata"


def _square_pixels(
    bgr: NDArray[np.uint8], x_dpi: float, y_dpi: float
) -> tuple[NDArray[np.uint8], float]:
    """Upsample the coarser axis so both axes have the finer resolution."""
    if abs(x_dpi - y_dpi) <= _SQUARE_TOLERANCE * max(x_dpi, y_dpi):
        return bgr, x_dpi
    dpi = max(x_dpi, y_dpi)
    height, width = bgr.shape[:2]
    size = (round(width * dpi / x_dpi), round(height * dpi / y_dpi))
    logger.debug(
        "resampling %d x %d px (%g x %g dpi) to square pixels at %g dpi",
        width,
        height,
        x_dpi,
        y_dpi,
        dpi,
    )
    resized = cv2.resize(bgr, size, interpolation=cv2.INTER_LINEAR)
    return np.asarray(resized, dtype=np.uint8), dpi
