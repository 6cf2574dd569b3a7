"""PDF files → pages, through poppler (``pdfinfo`` to inspect, ``pdftoppm`` to render).

``read_pdf_pages`` runs ``pdfinfo`` twice up front (page count, then every page's size), so a
password-protected, empty or damaged file is refused before anything is rendered, and every
page's rendered size is known before it is rendered. ``iter_pdf_pages`` then renders one page
per ``pdftoppm`` call, so memory holds one page at a time however long the file is.

poppler draws what it can of a damaged page and says what it could not in "Syntax Error" lines
on stderr, exiting 0. Those lines are kept on the page (``PageImage.render_errors``): they are
harmless on a page that was drawn (poppler repairs many damaged files), but mean "not drawn"
on a page that came out blank, which ingest does not judge (see ``ocr_pipeline.pipeline``).

A PDF that is encrypted with an empty user password (permission restrictions only, as some
scanners write) opens in every viewer without a password; poppler renders it, and so do we,
with a warning. Only a PDF that needs a password to open is refused.
"""

from __future__ import annotations

import logging
import math
import os
import re
import shutil
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any, TypeAlias

from pdf2image import convert_from_path, pdfinfo_from_path
from pdf2image.exceptions import (
    PDFInfoNotInstalledError,
    PDFPageCountError,
    PDFPopplerTimeoutError,
    PDFSyntaxError,
)
from PIL import Image

from ocr_pipeline.errors import InputUnreadableError, RefusalCode
from ocr_pipeline.ingest.convert import to_bgr
from ocr_pipeline.ingest.limits import PageLimits, check_page_size, page_label
from ocr_pipeline.ingest.page import PageFailure, PageImage

logger = logging.getLogger(__name__)

POPPLER_TOOLS = ("pdfinfo", "pdftoppm")
PDFINFO_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 120
POINTS_PER_INCH = 72.0
_TAIL_BYTES = 2048
_SYNTAX_ERROR = "Syntax Error"  # what pdf2image's strict mode looks for on poppler's stderr
MAX_RENDER_ERRORS = 10
"""Distinct poppler complaints kept per page: a damaged file can print thousands of lines."""
_PAGE_KEY = re.compile(r"Page\s+(\d+) size")
_PAGE_SIZE = re.compile(r"([\d.]+) x ([\d.]+) pts")
_DAMAGED_REMEDY = (
    "If the file is still being copied, wait and try again; otherwise open it in a PDF viewer "
    "to check it, and scan the form again or export the PDF again."
)


class PopplerMissingError(InputUnreadableError):
    """poppler's command-line tools are not installed.

    An installation problem rather than a bad file: a folder watcher should stop and report
    it instead of refusing every PDF. Subclasses ``InputUnreadableError`` so that the exit code
    and the "names the file" contract stay the same.
    """

    def __init__(self, path: Path | str, message: str, remedy: str = "") -> None:
        super().__init__(path, message, remedy, code=RefusalCode.TOOLS_MISSING)


PageSize: TypeAlias = tuple[float, float] | None
"""A page's (width, height) in points as pdfinfo reports it, or None if it did not."""


def require_poppler(path: Path) -> None:
    """Raise ``PopplerMissingError`` unless pdfinfo and pdftoppm are on ``PATH``."""
    missing = [tool for tool in POPPLER_TOOLS if shutil.which(tool) is None]
    if missing:
        raise PopplerMissingError(
            path,
            f"cannot read PDF files: poppler's {' and '.join(missing)} not found on PATH",
            "Install the Debian/Ubuntu package poppler-utils "
            "(sudo apt-get install poppler-utils), or put pdftoppm and pdfinfo on PATH.",
        )


def count_pdf_pages(path: Path) -> int:
    """Number of pages according to ``pdfinfo``; refuses files that cannot be opened."""
    require_poppler(path)
    return _page_count(path, _pdfinfo(path))


def read_pdf_pages(path: Path) -> list[PageSize]:
    """Whole-file checks, then the size in points of every page (index 0 = page 1)."""
    require_poppler(path)
    info = _pdfinfo(path)
    count = _page_count(path, info)
    if str(info.get("Encrypted", "no")).startswith("yes"):
        logger.warning(
            "%s: the PDF is encrypted but opens without a password (%s); reading it",
            path,
            info["Encrypted"],
        )
    return _page_sizes(_pdfinfo(path, through_page=count), count)


def iter_pdf_pages(
    path: Path, sizes: list[PageSize], dpi: int, limits: PageLimits, max_pages: int | None
) -> Generator[PageImage | PageFailure, None, None]:
    """Render and yield pages one at a time at ``dpi``, as BGR.

    Each page's size at ``dpi`` is checked against ``limits`` before it is rendered (after,
    for a page whose size pdfinfo did not report). A page that breaks the limits or that
    poppler does not render comes out as a ``PageFailure`` naming it, and the next page is
    rendered on its own (one ``pdftoppm`` call per page). Missing poppler raises
    ``PopplerMissingError``: an installation problem, not a bad page.
    """
    count = len(sizes)
    wanted = count if max_pages is None else min(count, max_pages)
    for index in range(wanted):
        try:
            page = _read_page(path, index, sizes, dpi, limits)
        except PopplerMissingError:
            raise
        except InputUnreadableError as exc:
            yield PageFailure(source=path, index=index, error=exc)
            continue
        yield page


def _read_page(
    path: Path, index: int, sizes: list[PageSize], dpi: int, limits: PageLimits
) -> PageImage:
    """Page ``index`` checked against ``limits`` and rendered at ``dpi``."""
    label = page_label(index, len(sizes))
    size = sizes[index]
    if size is not None:
        width, height = (math.ceil(side * dpi / POINTS_PER_INCH) for side in size)
        check_page_size(path, label, width, height, limits)
    rendered, render_errors = _render(path, index + 1, dpi, label)
    bgr = to_bgr(rendered)
    if size is None:
        check_page_size(path, label, bgr.shape[1], bgr.shape[0], limits)
    return PageImage(
        source=path,
        index=index,
        image=bgr,
        dpi=float(dpi),
        dpi_source="render",
        page_count=len(sizes),
        render_errors=render_errors,
    )


def _render(path: Path, number: int, dpi: int, label: str) -> tuple[Image.Image, tuple[str, ...]]:
    """Page ``number`` drawn at ``dpi``, and poppler's "Syntax Error" lines while drawing it.

    pdf2image hands over poppler's stderr only in strict mode, by raising ``PDFSyntaxError``
    instead of returning the picture; so a page is rendered strictly, and one that raises (a
    damaged file, rare) is rendered once more, leniently, to keep what poppler drew.
    """
    started = time.perf_counter()
    render_errors: tuple[str, ...] = ()
    try:
        images = _convert(path, number, dpi, label, strict=True)
    except PDFSyntaxError as exc:
        render_errors = _syntax_errors(str(exc))
        images = _convert(path, number, dpi, label, strict=False)
    if len(images) != 1:
        raise InputUnreadableError(
            path,
            f"{label}poppler rendered no image: the page is damaged",
            _DAMAGED_REMEDY,
            code=RefusalCode.DAMAGED,
        )
    if render_errors:
        logger.debug("%s: %spoppler reported %s", path, label, "; ".join(render_errors))
    logger.debug(
        "%s: %srendered at %d dpi in %.2f s", path, label, dpi, time.perf_counter() - started
    )
    return images[0], render_errors


def _convert(path: Path, number: int, dpi: int, label: str, *, strict: bool) -> list[Image.Image]:
    """pdftoppm's images of page ``number`` (one, or none if poppler drew nothing)."""
    try:
        return convert_from_path(
            _poppler_arg(path),
            dpi=dpi,
            first_page=number,
            last_page=number,
            timeout=RENDER_TIMEOUT_S,
            strict=strict,
        )
    except PDFPageCountError as exc:
        raise _pdfinfo_failure(path, str(exc), label) from None
    except PDFPopplerTimeoutError:
        raise InputUnreadableError(
            path,
            f"{label}rendering did not finish within {RENDER_TIMEOUT_S} s",
            "The page may be damaged or extremely complex; scan the form again.",
            code=RefusalCode.TIMED_OUT,
        ) from None
    except FileNotFoundError:  # pdftoppm vanished between the check and the call
        require_poppler(path)
        raise


def _syntax_errors(stderr: str) -> tuple[str, ...]:
    """poppler's distinct "Syntax Error" lines in ``stderr``, in order, at most
    ``MAX_RENDER_ERRORS``."""
    lines = (line.strip() for line in stderr.splitlines())
    found = dict.fromkeys(line for line in lines if _SYNTAX_ERROR in line)
    return tuple(found)[:MAX_RENDER_ERRORS]


def _poppler_arg(path: Path) -> str:
    # Absolute, so that a name starting with "-" is never taken for an option.
    return os.fspath(path.absolute())


def _pdfinfo(path: Path, through_page: int | None = None) -> Any:
    """pdfinfo's fields; with ``through_page``, also every page's size up to that page."""
    arg = _poppler_arg(path)
    try:
        if through_page is None:
            return pdfinfo_from_path(arg, timeout=PDFINFO_TIMEOUT_S)
        return pdfinfo_from_path(
            arg, timeout=PDFINFO_TIMEOUT_S, first_page=1, last_page=through_page
        )
    except PDFInfoNotInstalledError:
        require_poppler(path)
        raise
    except PDFPageCountError as exc:
        raise _pdfinfo_failure(path, str(exc), "") from None
    except PDFPopplerTimeoutError:
        raise InputUnreadableError(
            path,
            f"pdfinfo did not finish within {PDFINFO_TIMEOUT_S} s",
            "The PDF may be damaged; open it in a PDF viewer, or scan the form again.",
            code=RefusalCode.TIMED_OUT,
        ) from None


def _page_count(path: Path, info: dict[str, Any]) -> int:
    count = info.get("Pages")
    if not isinstance(count, int) or count < 1:
        raise _no_pages(path)
    return count


def _page_sizes(info: dict[str, Any], count: int) -> list[PageSize]:
    found: dict[int, tuple[float, float]] = {}
    for key, value in info.items():
        key_match = _PAGE_KEY.fullmatch(key)
        size_match = _PAGE_SIZE.search(str(value))
        if key_match and size_match:
            found[int(key_match.group(1))] = (
                float(size_match.group(1)),
                float(size_match.group(2)),
            )
    if len(found) < count:
        logger.debug("pdfinfo reported sizes for %d of %d pages", len(found), count)
    return [found.get(number) for number in range(1, count + 1)]


def _no_pages(path: Path) -> InputUnreadableError:
    return InputUnreadableError(
        path,
        "the PDF has no pages",
        "The scan produced an empty document: scan the form again.",
        code=RefusalCode.NO_PAGES,
    )


def _pdfinfo_failure(path: Path, message: str, label: str) -> InputUnreadableError:
    """Turn poppler's complaint (pdf2image puts its stderr in the message) into our error."""
    stderr = message.partition("\n")[2]
    if "Incorrect password" in stderr:
        return InputUnreadableError(
            path,
            f"{label}the PDF is password-protected",
            "Open it with the password and save an unprotected copy, or scan the paper form "
            "again without a password.",
            code=RefusalCode.PASSWORD_PROTECTED,
        )
    if "Invalid page count 0" in stderr or "last page (0)" in stderr:
        return _no_pages(path)
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    detail = lines[-1] if lines else "no explanation from poppler"
    truncated = ""
    if not _ends_with_eof_marker(path):
        truncated = "; there is no %%EOF marker at its end, so the file looks truncated"
    return InputUnreadableError(
        path,
        f"{label}the PDF is damaged and poppler cannot read it ({detail}){truncated}",
        _DAMAGED_REMEDY,
        code=RefusalCode.DAMAGED,
    )


def _ends_with_eof_marker(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            fh.seek(max(0, path.stat().st_size - _TAIL_BYTES))
            return b"%%EOF" in fh.read()
    except OSError:
        return True  # cannot tell; do not claim truncation
