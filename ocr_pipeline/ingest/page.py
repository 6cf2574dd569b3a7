"""The units that ingest hands to the rest of the pipeline: one page as a BGR image, or one
page that could not be read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ocr_pipeline.errors import InputUnreadableError

DpiSource = Literal["render", "metadata", "estimated"]
"""Where ``PageImage.dpi`` comes from: the PDF rendering resolution, the raster file's own
resolution tags, or an estimate from the pixel size (see ``ingest.resolution``)."""


# eq=False: comparing or hashing numpy arrays field by field is ambiguous, so pages compare by
# identity, like the arrays they carry.
@dataclass(frozen=True, eq=False)
class PageImage:
    """One page of a scan file.

    ``image`` is always H x W x 3, BGR, uint8 and C-contiguous, whatever the file held (grey,
    1-bit, 16-bit, CMYK, palette, alpha composited on white). ``index`` is 0-based within
    ``source``. ``dpi`` is the resolution of ``image`` in both directions (pixels are square:
    rasters with unequal horizontal and vertical resolution are resampled). ``page_count`` is
    the number of pages of ``source`` (``None`` where it was not recorded).

    ``render_errors`` holds poppler's "Syntax Error" lines from rendering this PDF page (empty
    for raster pages and for clean PDF pages). poppler repairs many damaged files and draws
    their pages whole, so these alone do not make a page bad; but a page that comes out blank
    with them was most likely not drawn (its image data is damaged) rather than empty.
    """

    source: Path
    index: int
    image: NDArray[np.uint8]
    dpi: float
    dpi_source: DpiSource = "render"
    page_count: int | None = None
    render_errors: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        """Width of ``image`` in pixels."""
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        """Height of ``image`` in pixels."""
        return int(self.image.shape[0])


@dataclass(frozen=True)
class PageFailure:
    """One page of a multi-page scan file that could not be read (damaged data, over the size
    limits, not rendered), while the file as a whole could be.

    ``index`` is 0-based within ``source``; ``error`` names the page (``"page 2 of 3: the TIFF
    data is damaged or truncated (...)"``) and says what to do.
    """

    source: Path
    index: int
    error: InputUnreadableError

    @property
    def reason(self) -> str:
        """Why the page could not be read: ``error.reason``, starting ``page N of M:``."""
        return self.error.reason
