"""The public entry point: arguments, laziness, and the PageImage contract."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from ocr_pipeline import ingest
from ocr_pipeline.errors import BadArgumentsError, InputUnreadableError
from ocr_pipeline.ingest import PageImage, count_pages, iter_pages

SMALL = (400, 300)


@pytest.fixture
def png(save_image: Callable[..., Path]) -> Path:
    return save_image("page.png", Image.new("L", SMALL, 255))


@pytest.mark.parametrize("dpi", [0, 49, 1201, 200.0, True])
def test_unusable_dpi_is_a_bad_argument(png: Path, dpi: object) -> None:
    with pytest.raises(BadArgumentsError, match="dpi must be"):
        iter_pages(png, dpi=dpi)  # type: ignore[arg-type]


@pytest.mark.parametrize("max_pages", [0, -1])
def test_unusable_max_pages_is_a_bad_argument(png: Path, max_pages: int) -> None:
    with pytest.raises(BadArgumentsError, match="max_pages"):
        iter_pages(png, max_pages=max_pages)


@pytest.mark.parametrize(("max_pixels", "min_side"), [(0, 200), (100, 0)])
def test_unusable_limits_are_bad_arguments(png: Path, max_pixels: int, min_side: int) -> None:
    with pytest.raises(BadArgumentsError):
        iter_pages(png, max_pixels=max_pixels, min_side=min_side)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_whole_file_problems_raise_when_called(write_bytes: Callable[[str, bytes], Path]) -> None:
    path = write_bytes("scan.tif", b"II*\x00" + b"\xff" * 20)
    with pytest.raises(InputUnreadableError) as caught:
        iter_pages(path)  # not iterated
    assert caught.value.reason == "the TIFF header is damaged or truncated"


def test_string_paths_are_accepted(png: Path) -> None:
    pages = list(iter_pages(str(png)))
    assert pages[0].source == png
    assert count_pages(str(png)) == 1


def test_page_image_is_frozen_and_sized(png: Path) -> None:
    page = next(iter_pages(png))
    assert (page.width, page.height) == SMALL
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.index = 3  # type: ignore[misc]
    assert page != PageImage(page.source, page.index, page.image.copy(), page.dpi)


def test_package_docstring_lists_every_refusal() -> None:
    doc = ingest.__doc__ or ""
    for phrase in (
        "does not exist",
        "dangling link",
        "is a directory, not a file",
        "not a regular file",
        "the file is empty (0 bytes)",
        "permission denied",
        "not a PDF: starts with",
        "unsupported format: starts with",
        "the PDF is password-protected",
        "the PDF has no pages",
        "the PDF is damaged and poppler cannot read it",
        "poppler-utils",
        "damaged or truncated",
        "decompression bomb",
        "too small to be a scanned form",
        "rendering did not finish",
        "poppler rendered no image",
    ):
        assert phrase in doc, phrase
