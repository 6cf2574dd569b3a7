"""PDF scans through poppler: rendered page by page, refused clearly when broken."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pdf2image import convert_from_path
from pdf2image.exceptions import PDFPopplerTimeoutError, PDFSyntaxError
from PIL import Image, ImageDraw

from ocr_pipeline.errors import InputUnreadableError, RefusalCode
from ocr_pipeline.ingest import (
    PageFailure,
    PageImage,
    PopplerMissingError,
    count_pages,
    iter_pages,
    iter_pages_tolerant,
)
from ocr_pipeline.ingest import pdf as ingest_pdf
from tests.badinput.pdfbytes import PdfImage, image_page, pdf_file

A4_POINTS = (595.28, 841.89)
A4_200DPI = (1654, 2339)

RenderCalls = list[tuple[int, int]]


@pytest.fixture
def render_calls(monkeypatch: pytest.MonkeyPatch) -> RenderCalls:
    """Record the (first_page, last_page) of every pdftoppm call, still rendering for real."""
    calls: RenderCalls = []

    def spy(pdf_path: str, **options: Any) -> Any:
        calls.append((options["first_page"], options["last_page"]))
        return convert_from_path(pdf_path, **options)

    monkeypatch.setattr(ingest_pdf, "convert_from_path", spy)
    return calls


@pytest.fixture
def scanned_pdf(save_image: Callable[..., Path]) -> Path:
    """Three A4 pages at 200 dpi as an MFP writes them: a red box on white, grey, grey."""
    first = Image.new("RGB", A4_200DPI, "white")
    ImageDraw.Draw(first).rectangle((100, 100, 599, 399), fill=(220, 0, 0))
    rest = [Image.new("L", A4_200DPI, shade) for shade in (200, 100)]
    return save_image("scan.pdf", first, *rest, resolution=200.0)


def _refusal(path: Path) -> InputUnreadableError:
    with pytest.raises(InputUnreadableError) as caught:
        iter_pages(path)  # whole-file problems surface before iterating
    return caught.value


def test_pages_are_rendered_as_bgr_at_the_requested_dpi(scanned_pdf: Path) -> None:
    pages = list(iter_pages(scanned_pdf))
    assert [page.index for page in pages] == [0, 1, 2]
    first = pages[0]
    assert first.source == scanned_pdf
    assert (first.dpi, first.dpi_source) == (200.0, "render")
    assert first.image.dtype == np.uint8
    assert abs(first.height - A4_200DPI[1]) <= 2
    assert abs(first.width - A4_200DPI[0]) <= 2
    blue, green, red = (int(v) for v in first.image[250, 350])
    assert red > 180
    assert blue < 60
    assert green < 60
    assert int(pages[2].image[1000, 800, 0]) == pytest.approx(100, abs=6)


def test_dpi_sets_the_render_size(scanned_pdf: Path) -> None:
    page = next(iter_pages(scanned_pdf, dpi=100))
    assert page.dpi == 100.0
    assert abs(page.height - 1170) <= 2


def test_pages_are_rendered_one_at_a_time(scanned_pdf: Path, render_calls: RenderCalls) -> None:
    pages = iter_pages(scanned_pdf)
    assert render_calls == []
    next(pages)
    assert render_calls == [(1, 1)]
    list(pages)
    assert render_calls == [(1, 1), (2, 2), (3, 3)]


def test_over_max_pages_renders_nothing(scanned_pdf: Path, render_calls: RenderCalls) -> None:
    with pytest.raises(InputUnreadableError, match="3 pages, more than max_pages \\(2\\)"):
        iter_pages(scanned_pdf, max_pages=2)
    assert render_calls == []


def test_count_pages(scanned_pdf: Path, render_calls: RenderCalls) -> None:
    assert count_pages(scanned_pdf) == 3
    assert render_calls == []


def test_rotated_page_is_rendered_upright(make_pdf: Callable[..., Path]) -> None:
    page = next(iter_pages(make_pdf("turned.pdf", [A4_POINTS], rotate=90)))
    assert page.width > page.height


def test_password_protected_pdf_is_refused(make_pdf: Callable[..., Path]) -> None:
    error = _refusal(make_pdf("locked.pdf", [A4_POINTS], encrypt="user"))
    assert error.reason == "the PDF is password-protected"
    assert "save an unprotected copy" in error.remedy


def test_pdf_encrypted_without_a_user_password_is_read(
    make_pdf: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    path = make_pdf("restricted.pdf", [A4_POINTS], encrypt="owner")
    with caplog.at_level(logging.WARNING, logger="ocr_pipeline.ingest"):
        pages = list(iter_pages(path))
    assert len(pages) == 1
    assert "opens without a password" in caplog.text


def test_pdf_without_pages_is_refused(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf("empty.pdf", [])
    assert _refusal(path).reason == "the PDF has no pages"
    with pytest.raises(InputUnreadableError, match="no pages"):
        count_pages(path)


def test_truncated_pdf_is_refused(
    scanned_pdf: Path, write_bytes: Callable[[str, bytes], Path]
) -> None:
    whole = scanned_pdf.read_bytes()
    reason = _refusal(write_bytes("cut.pdf", whole[: len(whole) // 2])).reason
    assert reason.startswith("the PDF is damaged and poppler cannot read it (")
    assert "looks truncated" in reason


def test_oversized_page_is_refused_before_rendering(
    make_pdf: Callable[..., Path], render_calls: RenderCalls
) -> None:
    pages = iter_pages(make_pdf("poster.pdf", [A4_POINTS, (14_400.0, 14_400.0)]))
    assert next(pages).index == 0
    with pytest.raises(InputUnreadableError) as caught:
        next(pages)
    assert caught.value.reason.startswith("page 2 of 2: the page declares 40000 x 40000 pixels")
    assert render_calls == [(1, 1)]


def test_tolerant_reading_renders_the_pages_after_an_oversized_one(
    make_pdf: Callable[..., Path], render_calls: RenderCalls
) -> None:
    path = make_pdf("batch.pdf", [A4_POINTS, (14_400.0, 14_400.0), A4_POINTS])
    first, poster, last = iter_pages_tolerant(path)
    assert isinstance(poster, PageFailure) and poster.index == 1
    assert poster.reason.startswith("page 2 of 3: the page declares 40000 x 40000 pixels")
    assert isinstance(first, PageImage) and isinstance(last, PageImage)
    assert (first.index, last.index) == (0, 2)
    assert render_calls == [(1, 1), (3, 3)]


def test_tiny_page_is_refused(make_pdf: Callable[..., Path]) -> None:
    with pytest.raises(InputUnreadableError, match=r"minimum 200 pixels"):
        list(iter_pages(make_pdf("stamp.pdf", [(36.0, 36.0)])))


def test_missing_poppler_names_the_package(
    scanned_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    for call in (iter_pages, count_pages):
        with pytest.raises(PopplerMissingError) as caught:
            call(scanned_pdf)
        assert "pdftoppm" in caught.value.reason
        assert "poppler-utils" in caught.value.remedy
        assert caught.value.code is RefusalCode.TOOLS_MISSING


def test_page_poppler_cannot_render_is_named(
    scanned_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pdftoppm's failures are silent in pdf2image (an empty list); inject one at page 2.
    def fail_on_page_two(pdf_path: str, **options: Any) -> Any:
        return [] if options["first_page"] == 2 else convert_from_path(pdf_path, **options)

    monkeypatch.setattr(ingest_pdf, "convert_from_path", fail_on_page_two)
    pages = iter_pages(scanned_pdf)
    next(pages)
    with pytest.raises(InputUnreadableError) as caught:
        next(pages)
    assert caught.value.reason == "page 2 of 3: poppler rendered no image: the page is damaged"
    assert caught.value.code is RefusalCode.DAMAGED


def test_tolerant_reading_goes_on_after_a_page_poppler_cannot_render(
    scanned_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail_on_page_two(pdf_path: str, **options: Any) -> Any:
        return [] if options["first_page"] == 2 else convert_from_path(pdf_path, **options)

    monkeypatch.setattr(ingest_pdf, "convert_from_path", fail_on_page_two)
    pages = list(iter_pages_tolerant(scanned_pdf))
    assert [(type(p).__name__, p.index) for p in pages] == [
        ("PageImage", 0),
        ("PageFailure", 1),
        ("PageImage", 2),
    ]
    assert isinstance(pages[2], PageImage) and int(pages[2].image[5, 5, 0]) == 100


def test_poppler_vanishing_mid_file_stops_the_reading(
    scanned_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installation problem, not a bad page: it must not become a page failure.
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()

    def vanish_at_page_two(pdf_path: str, **options: Any) -> Any:
        if options["first_page"] == 2:
            monkeypatch.setenv("PATH", str(empty_bin))
            raise FileNotFoundError("pdftoppm")
        return convert_from_path(pdf_path, **options)

    monkeypatch.setattr(ingest_pdf, "convert_from_path", vanish_at_page_two)
    pages = iter_pages_tolerant(scanned_pdf)
    assert isinstance(next(pages), PageImage)
    with pytest.raises(PopplerMissingError):
        next(pages)


def test_render_timeout_is_named(scanned_pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def too_slow(pdf_path: str, **options: Any) -> Any:
        raise PDFPopplerTimeoutError("Run poppler timeout.")

    monkeypatch.setattr(ingest_pdf, "convert_from_path", too_slow)
    with pytest.raises(InputUnreadableError) as caught:
        next(iter_pages(scanned_pdf))
    assert caught.value.reason == "page 1 of 3: rendering did not finish within 120 s"
    assert caught.value.code is RefusalCode.TIMED_OUT


def _jpeg_pdf(path: Path, damaged: int) -> Path:
    """Three pages, each a grey 4 x 6 inch JPEG at 100 dpi; page ``damaged`` (0-based) with
    its JPEG's first kilobyte zeroed, in which poppler finds no JPEG."""
    buffer = io.BytesIO()
    Image.new("L", (400, 600), 128).save(buffer, "JPEG")
    jpeg = buffer.getvalue()
    lost = bytes(1024) + jpeg[1024:]
    pages = [
        image_page(PdfImage(400, 600, lost if i == damaged else jpeg, "DCTDecode"), 100)
        for i in range(3)
    ]
    path.write_bytes(pdf_file(pages))
    return path


def test_clean_pages_carry_no_poppler_complaints(scanned_pdf: Path) -> None:
    pages = list(iter_pages(scanned_pdf))
    assert [(p.page_count, p.render_errors) for p in pages] == [(3, ())] * 3


def test_a_page_poppler_cannot_draw_is_rendered_with_its_complaint(
    tmp_path: Path, render_calls: RenderCalls
) -> None:
    # poppler exits 0 and draws the page white: a page, not a failure; the pipeline judges it.
    pages = list(iter_pages(_jpeg_pdf(tmp_path / "scan.pdf", damaged=1)))
    assert [p.render_errors for p in pages] == [
        (),
        ("Syntax Error: Could not find start of jpeg data",),
        (),
    ]
    assert int(pages[1].image.min()) >= 250 and int(pages[0].image.max()) < 140
    assert render_calls == [(1, 1), (2, 2), (2, 2), (3, 3)]  # page 2 again, for its picture


def test_only_distinct_syntax_errors_are_kept(
    scanned_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stderr = "\n".join(
        [
            "Internal Error: xref num 1 not found but needed, try to reconstruct",
            "Syntax Error (10): Illegal character ')'",
            "Syntax Warning: May not be a PDF file (continuing anyway)",
            "Syntax Error (10): Illegal character ')'",
            *(f"Syntax Error ({n}): Unknown operator 'x'" for n in range(20)),
        ]
    )

    def complain(pdf_path: str, **options: Any) -> Any:
        if options["strict"]:
            raise PDFSyntaxError(stderr)
        return convert_from_path(pdf_path, **options)

    monkeypatch.setattr(ingest_pdf, "convert_from_path", complain)
    page = next(iter_pages(scanned_pdf))
    assert len(page.render_errors) == ingest_pdf.MAX_RENDER_ERRORS
    assert page.render_errors[:2] == (
        "Syntax Error (10): Illegal character ')'",
        "Syntax Error (0): Unknown operator 'x'",
    )
    assert int(page.image[5, 5, 2]) == 255  # the picture of the lenient rendering
