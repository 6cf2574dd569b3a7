"""Every corpus case through ``ocr_pipeline.ingest``: a refused file raises
``InputUnreadableError`` naming the file, why, and what to do; a readable one yields pages
(and, read with ``iter_pages_tolerant``, a ``PageFailure`` for a page that cannot be read, or
for a PDF page poppler could not draw, the page with poppler's complaints for the pipeline to
judge)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ocr_pipeline.errors import InputUnreadableError, RefusalCode
from ocr_pipeline.ingest import (
    PageFailure,
    PageImage,
    count_pages,
    iter_pages,
    iter_pages_tolerant,
)
from ocr_pipeline.settings import Settings

from .case import Case, Fault, Outcome
from .corpus import CASES

SHORT = 5
"""Files with at most this many pages are read to the end here (the 300-page PDF is read in
full by the CLI test)."""
MAX_PAGES = int(Settings.model_fields["max_pages"].default)
"""The default page limit, which ``formocr`` passes to ingest."""

R = RefusalCode
REFUSAL: dict[str, RefusalCode] = {
    "empty_file": R.EMPTY,
    "dangling_symlink": R.MISSING,
    "still_being_written": R.DAMAGED,
    "deleted_while_queued": R.MISSING,
    "text_named_pdf": R.FORMAT_MISMATCH,
    "html_named_pdf": R.FORMAT_MISMATCH,
    "docx": R.UNSUPPORTED_FORMAT,
    "heic": R.UNSUPPORTED_FORMAT,
    "bmp": R.UNSUPPORTED_FORMAT,
    "truncated_pdf": R.DAMAGED,
    "encrypted_pdf": R.PASSWORD_PROTECTED,
    "pdf_no_pages": R.NO_PAGES,
    "pdf_over_page_limit": R.TOO_MANY_PAGES,
    "pdf_page_bomb": R.TOO_LARGE,
    "pdf_page_bomb_in_batch": R.TOO_LARGE,  # its page 2
    "truncated_jpeg": R.DAMAGED,
    "truncated_png": R.DAMAGED,
    "png_bomb": R.TOO_LARGE,
    "huge_dimensions": R.TOO_LARGE,
    "one_pixel": R.TOO_SMALL,
    "tiff_no_pages": R.DAMAGED,
    "tiff_corrupt_page": R.DAMAGED,  # its page 2
}
"""The code each refused file (or lost page) carries: what the clerk's sentence follows."""


def test_every_refused_case_has_its_refusal_code() -> None:
    refused = {c.id for c in CASES if c.outcome is Outcome.REFUSED}
    assert refused <= set(REFUSAL), sorted(refused - set(REFUSAL))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_ingest_refuses_or_reads(case: Case, build_case: Callable[[Case], Path]) -> None:
    path = build_case(case)
    if case.fault is Fault.VANISH:
        path.unlink()
    if case.outcome is Outcome.REFUSED:
        with pytest.raises(InputUnreadableError) as caught:
            for _page in iter_pages(path, max_pages=MAX_PAGES):
                pass
        error = caught.value
        assert case.message in error.reason
        assert error.code is REFUSAL[case.id]
        assert error.path == path
        assert str(error).startswith(f"{path}: {error.reason}\n  What to do: ")
        assert error.remedy.endswith(".")
        if case.fault is Fault.GROWING:
            assert "still being copied, wait and try again" in error.remedy
        return
    assert count_pages(path) == len(case.pages)
    pages = iter_pages_tolerant(path, max_pages=MAX_PAGES)
    failed = False
    for index, page in enumerate(pages):
        assert page.index == index
        if case.pages[index] == "error" and isinstance(page, PageImage):
            # drawn blank: poppler's complaint is kept for the pipeline's reason
            assert page.render_errors and page.render_errors[0] in case.message
            continue
        if case.pages[index] == "error":  # this page is lost, the others are read
            failed = True
            assert isinstance(page, PageFailure)
            assert page.reason.startswith(case.message)
            assert page.error.code is REFUSAL[case.id]
            assert page.error.path == path and page.error.remedy.endswith(".")
            continue
        assert isinstance(page, PageImage)
        assert page.render_errors == ()
        assert page.image.ndim == 3 and page.image.shape[2] == 3
        assert page.image.dtype == np.uint8 and min(page.width, page.height) >= 1000
        if case.pages[index] == "ok":  # a form: paper white, print dark, not inverted
            assert 200 < float(page.image.mean()) < 254
        if index + 1 >= SHORT:
            break
    if failed:  # iter_pages stops at the page
        with pytest.raises(InputUnreadableError) as caught:
            for _page in iter_pages(path, max_pages=MAX_PAGES):
                pass
        assert caught.value.reason.startswith(case.message)


def test_cases_are_complete() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) >= 30
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    assert all(c.description.endswith(".") and c.kind for c in CASES)
    for case in CASES:
        refused = case.outcome is Outcome.REFUSED
        assert bool(case.pages) is not refused, case.id
        assert (refused or case.outcome is Outcome.UNWRITABLE) <= bool(case.message), case.id
