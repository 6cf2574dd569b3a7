"""The public entry point: arguments, laziness, and the PageImage contract."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from ocr_pipeline import ingest
from ocr_pipeline.errors import BadArgumentsError, InputUnreadableError
from ocr_pipeline.ingest import PageImage, count_pages, iter_pages, iter_pages_tolerant

SMALL = (400, 300)


@pytest.fixture
def png(save_image: Callable[..., Path]) -> Path:
    return save_image("page.png", Image.new("L", SMALL, 255))


@pytest.mark.parametrize("dpi", [0, 49, 1201, 200.0, True])
def test_unusable_dpi_is_a_bad_argument(png: Path, dpi: object) -> None:
    with pytest.raises(BadArgumentsError, match="dpi must be"):
        iter_pages(png, dpi=dpi)  # type: ignore[arg-type]  # bad values on purpose


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


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_tolerant_reading_raises_whole_file_problems_when_called(
    write_bytes: Callable[[str, bytes], Path], save_image: Callable[..., Path]
) -> None:
    with pytest.raises(InputUnreadableError) as caught:
        iter_pages_tolerant(write_bytes("scan.tif", b"II*\x00" + b"\xff" * 20))
    assert caught.value.reason == "the TIFF header is damaged or truncated"
    three = save_image("three.tif", *(Image.new("L", SMALL, 255) for _ in range(3)))
    with pytest.raises(InputUnreadableError, match=r"more than max_pages \(2\)"):
        iter_pages_tolerant(three, max_pages=2)


def test_tolerant_reading_refuses_a_single_page_file_whose_page_is_bad(
    save_image: Callable[..., Path],
) -> None:
    dot = save_image("dot.png", Image.new("L", (1, 1), 0))
    with pytest.raises(InputUnreadableError) as tolerant:
        list(iter_pages_tolerant(dot))
    with pytest.raises(InputUnreadableError) as strict:
        list(iter_pages(dot))
    assert tolerant.value.reason == strict.value.reason
    assert tolerant.value.reason.startswith("the page is only 1 x 1 pixels")


def test_tolerant_reading_refuses_a_file_none_of_whose_pages_can_be_read(
    damaged_tiff: Callable[..., Path],
) -> None:
    pages = iter_pages_tolerant(damaged_tiff("all.tif", [10, 20, 30], damaged=[0, 1, 2]))
    seen: list[object] = []
    with pytest.raises(InputUnreadableError) as caught:
        seen.extend(pages)
    assert seen == [], "nothing comes out of a file that is refused"
    assert caught.value.reason.startswith("page 1 of 3: the TIFF data is damaged or truncated")


def test_tolerant_reading_reads_a_file_whose_first_and_last_pages_are_bad(
    damaged_tiff: Callable[..., Path],
) -> None:
    path = damaged_tiff("ends.tif", [10, 20, 30], damaged=[0, 2])
    pages = list(iter_pages_tolerant(path))
    assert [(type(p).__name__, p.index) for p in pages] == [
        ("PageFailure", 0),
        ("PageImage", 1),
        ("PageFailure", 2),
    ]


def test_string_paths_are_accepted(png: Path) -> None:
    pages = list(iter_pages(str(png)))
    assert pages[0].source == png
    assert count_pages(str(png)) == 1


def test_page_image_is_frozen_and_sized(png: Path) -> None:
    page = next(iter_pages(png))
    assert (page.width, page.height) == SMALL
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.index = 3  # type: ignore[misc]  # frozen: the point of the test
    assert page != PageImage(page.source, page.index, page.image.copy(), page.dpi)


def test_readme_lists_every_refusal() -> None:
    # The package docstring points there (it once held this list itself).
    assert "What ingest reads, and every refusal" in (ingest.__doc__ or "")
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n### What ingest reads, and every refusal\n")
    doc = readme[start : readme.index("\n## ", start)]
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
