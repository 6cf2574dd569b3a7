"""Ingest: a scan file → its pages as BGR images, one page in memory at a time.

Public API::

    count_pages(path) -> int
    iter_pages(path, dpi=200, max_pages=None, *, max_pixels=12000*12000, min_side=200)
        -> Iterator[PageImage]
    iter_pages_tolerant(path, ...)  # same arguments
        -> Iterator[PageImage | PageFailure]
    detect_scan_format(path) -> ScanFormat
    PageImage(source, index, image, dpi, dpi_source, page_count, render_errors)
    PageFailure(source, index, error)  # error: InputUnreadableError naming the page
    SUPPORTED_SUFFIXES  # {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"}

The formats read, how pages are converted, and every refusal (each an
``InputUnreadableError`` carrying a ``RefusalCode``, with its messages) are in the README,
section "Bad input", subsection "What ingest reads, and every refusal". Logging goes to
``logging.getLogger(__name__)`` of each module; no handlers are configured.
"""

from __future__ import annotations

from ocr_pipeline.ingest.limits import DEFAULT_MAX_PIXELS, DEFAULT_MIN_SIDE
from ocr_pipeline.ingest.page import DpiSource, PageFailure, PageImage
from ocr_pipeline.ingest.pages import (
    count_pages,
    detect_scan_format,
    iter_pages,
    iter_pages_tolerant,
)
from ocr_pipeline.ingest.pdf import PopplerMissingError
from ocr_pipeline.ingest.sniff import SUPPORTED_SUFFIXES, ScanFormat

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_MIN_SIDE",
    "SUPPORTED_SUFFIXES",
    "DpiSource",
    "PageFailure",
    "PageImage",
    "PopplerMissingError",
    "ScanFormat",
    "count_pages",
    "detect_scan_format",
    "iter_pages",
    "iter_pages_tolerant",
]
