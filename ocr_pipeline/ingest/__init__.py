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

Formats, recognised by content (magic bytes), never by name:

- **PDF**, rendered by poppler (``pdftoppm``, Debian package poppler-utils) one page per call
  at ``dpi`` (RGB, then BGR). Page count and page sizes come from ``pdfinfo``. A PDF that is
  encrypted but opens with the empty password (permission restrictions only) is read, with
  a warning. poppler's "Syntax Error" lines while rendering a page are kept on
  ``PageImage.render_errors`` (the pipeline reports a page that comes out blank with them as
  not drawn, rather than as an empty back side).
- **TIFF** (one page per frame; frames may mix modes, sizes and resolutions; CCITT G3/G4 fax
  included), **JPEG** and **PNG** (one page each), decoded by Pillow.

Every page comes out H x W x 3, BGR, uint8: grey, 1-bit, 16-bit (scaled, not clipped), CMYK,
YCbCr, palette and alpha (composited on white) are all converted. EXIF orientation is applied.
A raster whose horizontal and vertical resolutions differ (fax: 204 x 98 dpi) is resampled to
square pixels. ``PageImage.dpi`` is the rendering dpi for PDF pages; for rasters it is the
file's own resolution when plausible, else an estimate from the pixel size assuming A4, A3,
JIS B5 or letter paper (see ``ingest.resolution``); ``dpi_source`` says which.

A file named ``.jpg`` that holds a PNG is read as PNG, with a warning.

Refusals. Every one raises ``ocr_pipeline.errors.InputUnreadableError`` (exit code 3), printed
as ``<path>: <message>`` and ``What to do: <remedy>``; ``error.reason`` is the message alone.
Problems with the whole file raise when ``iter_pages`` is *called*; problems with one page
raise when that page is reached, prefixed ``page N of M:`` for multi-page files.
``iter_pages_tolerant`` raises the same whole-file problems, but yields a ``PageFailure`` for a
page that cannot be read and goes on with the next one (a PDF page is rendered on its own; a
TIFF frame is found through the file's directories, which damaged image data of another frame
does not touch). A file none of whose pages can be read is refused with its first page's
error, as ``iter_pages`` would refuse it. The watcher and ``formocr process`` read with it, so
one damaged page of a batch does not lose the others.

The path:

- ``does not exist``
- ``is a symbolic link to T, which does not exist or cannot be resolved (dangling link)``
  (links are followed only to a regular file)
- ``is a directory, not a file``
- ``is a FIFO (named pipe), not a regular file`` (likewise a socket or a device); not opened,
  so it cannot block
- ``the file is empty (0 bytes)``
- ``cannot be read: permission denied`` / ``cannot be read: <OS reason>`` /
  ``cannot be examined: <OS reason>``

The format:

- ``not a PDF: starts with b'Hello, this is n'...; the file may be mis-named or not a scan``
  (when the name promises a supported format the content does not have; likewise
  ``not a TIFF`` / ``JPEG`` / ``PNG``, adding ``, which is a GIF image`` when recognisable)
- ``unsupported format: starts with b'GIF89a...', which is a GIF image; supported formats are
  PDF, TIFF, JPEG and PNG`` (also recognised: BMP, HEIC/HEIF, AVIF, WebP, JPEG 2000,
  JPEG XL, DjVu, PostScript, ZIP/Office, old Office, HTML)

PDF:

- ``cannot read PDF files: poppler's pdftoppm not found on PATH`` (``PopplerMissingError``, a
  subclass; the remedy names the Debian package poppler-utils). An installation problem,
  not a bad file: a folder watcher should stop rather than refuse every PDF.
- ``the PDF is password-protected`` (remedy: save an unprotected copy)
- ``the PDF has no pages``
- ``the PDF is damaged and poppler cannot read it (<poppler's complaint>)``, adding ``; there
  is no %%EOF marker at its end, so the file looks truncated`` when so
- ``pdfinfo did not finish within 60 s``
- per page: ``rendering did not finish within 120 s``;
  ``poppler rendered no image: the page is damaged``

TIFF, JPEG, PNG:

- ``the PNG header is damaged or truncated`` (likewise TIFF, JPEG)
- ``the JPEG data is damaged or truncated (OSError: image file is truncated ...)`` (per page
  for TIFF)
- ``the image declares more pixels than allowed; refused before decoding (possible
  decompression bomb): <Pillow's message>`` (Pillow's own hard limit, about 179 megapixels)

Every page, before it is decoded or rendered (``max_pixels`` and ``min_side`` are
parameters):

- ``the page declares 13000 x 12000 pixels (156 megapixels), over the limit of 144
  megapixels; refused before decoding (possible decompression bomb)``
- ``the page is only 1 x 1 pixels, too small to be a scanned form (minimum 200 pixels on
  each side)``

A file with more pages (PDF pages, TIFF frames) than ``max_pages`` is refused before any page
is read, rather than read in part: ``the file has 1001 pages, more than max_pages (1000); no
page was read``.

Arguments out of range (``dpi`` outside 50-1200, ``max_pages`` < 1, ``max_pixels`` < 1,
``min_side`` < 1) raise ``BadArgumentsError`` (exit code 2).

Logging goes to ``logging.getLogger(__name__)`` of each module; no handlers are configured.
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
