"""The public entry point of ingest: a scan file → its pages, one at a time."""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator
from contextlib import closing
from pathlib import Path

from ocr_pipeline.errors import BadArgumentsError, InputUnreadableError, RefusalCode
from ocr_pipeline.ingest.filecheck import check_regular_file, read_head
from ocr_pipeline.ingest.limits import DEFAULT_MAX_PIXELS, DEFAULT_MIN_SIDE, PageLimits
from ocr_pipeline.ingest.page import PageFailure, PageImage
from ocr_pipeline.ingest.pdf import count_pdf_pages, iter_pdf_pages, read_pdf_pages
from ocr_pipeline.ingest.raster import count_raster_pages, iter_raster_pages
from ocr_pipeline.ingest.sniff import SUPPORTED_SUFFIXES, ScanFormat, sniff

__all__ = [
    "SUPPORTED_SUFFIXES",
    "count_pages",
    "detect_scan_format",
    "iter_pages",
    "iter_pages_tolerant",
]

logger = logging.getLogger(__name__)

MIN_DPI = 50
MAX_DPI = 1200


def detect_scan_format(path: Path | str) -> ScanFormat:
    """Check that ``path`` is a readable, non-empty regular file and return its format.

    The format comes from the content (magic bytes), never from the name. Raises
    ``InputUnreadableError`` with a remedy otherwise.
    """
    path = Path(path)
    check_regular_file(path)
    return sniff(path, read_head(path))


def count_pages(path: Path | str) -> int:
    """Number of pages in the scan file ``path`` (PDF pages, TIFF frames, else 1).

    Does not decode any image. Raises ``InputUnreadableError`` for a file that cannot be read
    as a whole (see the package docstring for every refusal).
    """
    path = Path(path)
    fmt = detect_scan_format(path)
    if fmt is ScanFormat.PDF:
        return count_pdf_pages(path)
    return count_raster_pages(path, fmt)


def iter_pages(
    path: Path | str,
    dpi: int = 200,
    max_pages: int | None = None,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side: int = DEFAULT_MIN_SIDE,
) -> Iterator[PageImage]:
    """Yield the pages of the scan file ``path`` lazily, one decoded page in memory at a time.

    Problems with the file as a whole (path, format, header, password, no pages, missing
    poppler) raise ``InputUnreadableError`` here, when ``iter_pages`` is called. Problems with
    one page (size limits, damaged data) raise when that page is reached, naming it
    ("page 3 of 5"), after the pages before it have been yielded; the pages after it are not
    read (``iter_pages_tolerant`` reads them).

    ``dpi`` is the rendering resolution for PDF pages; raster pages keep their own pixels and
    report their own resolution (see ``PageImage.dpi_source``). A file with more pages than
    ``max_pages`` is refused as a whole before any page is read. ``max_pixels`` and
    ``min_side`` bound every page's declared size and are checked before the page is decoded
    or rendered. Pillow refuses by itself any image header declaring more than
    ``2 * PIL.Image.MAX_IMAGE_PIXELS`` (about 179 megapixels), so a larger ``max_pixels`` has
    no effect for raster files.
    """
    pages = _open_pages(Path(path), dpi, max_pages, max_pixels, min_side)
    return _raise_failures(pages)


def iter_pages_tolerant(
    path: Path | str,
    dpi: int = 200,
    max_pages: int | None = None,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side: int = DEFAULT_MIN_SIDE,
) -> Iterator[PageImage | PageFailure]:
    """Like ``iter_pages``, but a page that cannot be read comes out as a ``PageFailure``
    (its index and its ``InputUnreadableError``) and the pages after it are still read.

    Problems with the file as a whole raise when ``iter_pages_tolerant`` is called, as for
    ``iter_pages``. A file none of whose pages can be read (a single-page file whose page is
    bad, or every page of a multi-page file) raises its first page's error once the last
    page has failed, so that it is refused as a whole, as ``iter_pages`` would refuse it:
    failures are held back until a page has been read, then yielded in page order.
    """
    pages = _open_pages(Path(path), dpi, max_pages, max_pixels, min_side)
    return _refuse_if_none_read(pages)


def _open_pages(
    path: Path, dpi: int, max_pages: int | None, max_pixels: int, min_side: int
) -> Generator[PageImage | PageFailure, None, None]:
    """Whole-file checks (raising now), then the file's pages, read lazily."""
    _check_arguments(dpi, max_pages)
    limits = PageLimits(max_pixels=max_pixels, min_side=min_side)
    fmt = detect_scan_format(path)
    pages: Generator[PageImage | PageFailure, None, None]
    if fmt is ScanFormat.PDF:
        sizes = read_pdf_pages(path)
        count = len(sizes)
        pages = iter_pdf_pages(path, sizes, dpi, limits, max_pages)
    else:
        count = count_raster_pages(path, fmt)
        pages = iter_raster_pages(path, fmt, count, limits, max_pages)
    logger.debug("%s: %s with %d page(s)", path, fmt.value, count)
    if max_pages is not None and count > max_pages:
        # Reading only the first max_pages would lose the rest without a word.
        raise InputUnreadableError(
            path,
            f"the file has {count} pages, more than max_pages ({max_pages}); no page was read",
            f"Split the file into parts of at most {max_pages} pages (or scan in smaller "
            "batches), or raise max_pages (FORMOCR_MAX_PAGES).",
            code=RefusalCode.TOO_MANY_PAGES,
        )
    return pages


def _raise_failures(pages: Generator[PageImage | PageFailure, None, None]) -> Iterator[PageImage]:
    with closing(pages):  # closes the file now, not when the error is forgotten
        for page in pages:
            if isinstance(page, PageFailure):
                raise page.error
            yield page


def _refuse_if_none_read(
    pages: Generator[PageImage | PageFailure, None, None],
) -> Iterator[PageImage | PageFailure]:
    held: list[PageFailure] = []
    with closing(pages):
        for page in pages:
            if isinstance(page, PageFailure):
                held.append(page)
                continue
            yield from held
            yield page
            yield from pages  # a page was read: later failures go through as they come
            return
    if held:
        raise held[0].error


def _check_arguments(dpi: int, max_pages: int | None) -> None:
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
        raise BadArgumentsError(
            f"dpi must be a whole number from {MIN_DPI} to {MAX_DPI}, got {dpi!r}",
            "Use 200 or 300 dpi, the resolutions forms are scanned at.",
        )
    if max_pages is not None and (isinstance(max_pages, bool) or max_pages < 1):
        raise BadArgumentsError(
            f"max_pages must be at least 1 or None (all pages), got {max_pages!r}",
            "Pass None to read every page.",
        )
