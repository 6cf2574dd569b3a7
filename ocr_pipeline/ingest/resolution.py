"""The resolution (dpi) of a raster scan: from its metadata when plausible, else estimated.

Metadata (Pillow's ``info["dpi"]``, from JFIF, EXIF or TIFF resolution tags) is trusted when
both values lie in 50-2400 dpi and the page it implies is between 3 and 24 inches on its long
side. Many tools write 72 dpi or 1 dpi by default; on a real scan those imply a page metres
long, so they are ignored.

Otherwise the dpi is estimated from the pixel size by assuming the paper was one of A4
(210 x 297 mm), A3 (297 x 420), JIS B5 (182 x 257) or US letter (8.5 x 11 in), in either
orientation, scanned at one of the usual scanner settings (150, 200, 240, 300, 400, 600 dpi).
Each paper gives a dpi (geometric mean of the two sides); the paper whose aspect ratio fits
best and whose dpi lies nearest a usual setting wins, ties going to the order above (A4
first, the commonest form size). If no paper's aspect ratio is within 8 %, the long side is
taken to be A4's 297 mm. The estimate is the paper's dpi, not rounded to the setting.
"""

from __future__ import annotations

import logging
import math

logger = logging.getLogger(__name__)

MM_PER_INCH = 25.4
PAPER_SIZES_MM: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
    "B5": (182.0, 257.0),  # JIS B5, the B5 of Japanese offices
    "letter": (215.9, 279.4),
}
SCANNER_DPI_SETTINGS = (150, 200, 240, 300, 400, 600)
PLAUSIBLE_DPI = (50.0, 2400.0)
PLAUSIBLE_LONG_SIDE_INCHES = (3.0, 24.0)
_MAX_ASPECT_ERROR = math.log(1.08)


def metadata_dpi(raw: object, width: int, height: int) -> tuple[float, float] | None:
    """The (horizontal, vertical) dpi from Pillow's ``info["dpi"]`` (``raw``), if plausible."""
    if not isinstance(raw, tuple) or len(raw) != 2:
        return None
    try:
        x_dpi, y_dpi = float(raw[0]), float(raw[1])
    except (TypeError, ValueError):
        return None
    low, high = PLAUSIBLE_DPI
    if not (low <= x_dpi <= high and low <= y_dpi <= high):
        return None
    long_inches = max(width / x_dpi, height / y_dpi)
    if not PLAUSIBLE_LONG_SIDE_INCHES[0] <= long_inches <= PLAUSIBLE_LONG_SIDE_INCHES[1]:
        logger.debug(
            "ignoring metadata %.0f x %.0f dpi: it makes the page %.1f inches long",
            x_dpi,
            y_dpi,
            long_inches,
        )
        return None
    return x_dpi, y_dpi


def estimate_dpi(width: int, height: int) -> float:
    """Estimate the dpi of a ``width`` x ``height`` scan of a common paper size (see module)."""
    short_px, long_px = sorted((width, height))
    if short_px < 1:
        raise ValueError(f"cannot estimate the dpi of a {width} x {height} image")
    best: tuple[float, float, str] | None = None  # (score, dpi, paper)
    for paper, (short_mm, long_mm) in PAPER_SIZES_MM.items():
        dpi_short = short_px * MM_PER_INCH / short_mm
        dpi_long = long_px * MM_PER_INCH / long_mm
        aspect_error = abs(math.log(dpi_short / dpi_long))
        if aspect_error > _MAX_ASPECT_ERROR:
            continue
        dpi = math.sqrt(dpi_short * dpi_long)
        setting_error = min(abs(math.log(dpi / s)) for s in SCANNER_DPI_SETTINGS)
        score = aspect_error + setting_error
        if best is None or score < best[0] - 1e-9:
            best = (score, dpi, paper)
    if best is None:
        dpi = long_px * MM_PER_INCH / PAPER_SIZES_MM["A4"][1]
        logger.debug("%d x %d px fits no paper size; assuming an A4 long side", width, height)
        return dpi
    logger.debug("%d x %d px looks like %s at %.0f dpi", width, height, best[2], best[1])
    return best[1]
