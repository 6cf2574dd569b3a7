"""TIFF, JPEG and PNG scans as they really arrive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr_pipeline.errors import InputUnreadableError
from ocr_pipeline.ingest import PageFailure, PageImage, count_pages, iter_pages, iter_pages_tolerant

SMALL = (400, 300)  # width, height: above the 200 px minimum, quick to encode
A4_200DPI = (1654, 2339)


def _only_page(path: Path) -> PageImage:
    pages = list(iter_pages(path))
    assert len(pages) == 1
    page = pages[0]
    assert page.image.dtype == np.uint8
    assert page.image.ndim == 3
    assert page.image.shape[2] == 3
    return page


def _refusal_reason(path: Path, **options: int) -> str:
    with pytest.raises(InputUnreadableError) as caught:
        list(iter_pages(path, **options))
    return caught.value.reason


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_sixteen_bit_grey_is_scaled_to_8_bit(save_image: Callable[..., Path], suffix: str) -> None:
    values = np.full((SMALL[1], SMALL[0]), 65535, dtype=np.uint16)
    values[:, 200:] = 32896
    source = Image.fromarray(values)
    assert source.mode == "I;16"
    page = _only_page(save_image(f"grey16{suffix}", source))
    assert tuple(page.image[10, 10]) == (255, 255, 255)
    assert tuple(page.image[10, 300]) == (128, 128, 128)


@pytest.mark.parametrize("suffix", [".tif", ".jpg"])
def test_cmyk_is_converted(save_image: Callable[..., Path], suffix: str) -> None:
    page = _only_page(save_image(f"cmyk{suffix}", Image.new("CMYK", SMALL, (255, 0, 0, 0))))
    blue, green, red = (int(v) for v in page.image[150, 200])
    assert blue > 240
    assert green > 240
    assert red < 15


def test_fax_group4_tiff(save_image: Callable[..., Path]) -> None:
    fax = Image.new("1", A4_200DPI, 1)
    ImageDraw.Draw(fax).rectangle((100, 100, 499, 199), fill=0)
    path = save_image("fax.tif", fax, compression="group4", dpi=(200, 200))
    with Image.open(path) as written:
        assert written.info["compression"] == "group4"
    page = _only_page(path)
    assert tuple(page.image[150, 300]) == (0, 0, 0)
    assert tuple(page.image[1000, 1000]) == (255, 255, 255)
    assert (page.dpi, page.dpi_source) == (200.0, "metadata")


def test_fax_standard_resolution_is_resampled_to_square_pixels(
    save_image: Callable[..., Path],
) -> None:
    path = save_image("fax.tif", Image.new("1", (1728, 1146), 1), dpi=(204, 98))
    page = _only_page(path)
    assert page.dpi == pytest.approx(204)
    assert page.image.shape[:2] == (round(1146 * 204 / 98), 1728)


def test_palette_png(save_image: Callable[..., Path]) -> None:
    image = Image.new("P", SMALL, 1)
    image.putpalette([255, 255, 255, 200, 30, 10])
    page = _only_page(save_image("palette.png", image))
    assert tuple(page.image[0, 0]) == (10, 30, 200)


def test_rgba_png_is_composited_on_white(save_image: Callable[..., Path]) -> None:
    image = Image.new("RGBA", SMALL, (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 99, 99), fill=(0, 0, 255, 255))
    page = _only_page(save_image("alpha.png", image))
    assert tuple(page.image[200, 300]) == (255, 255, 255)
    assert tuple(page.image[50, 50]) == (255, 0, 0)


def test_multi_page_tiff_with_mixed_modes(save_image: Callable[..., Path]) -> None:
    frames = [
        Image.new("1", SMALL, 0),
        Image.new("L", SMALL, 90),
        Image.new("RGB", SMALL, (1, 2, 3)),
        Image.new("CMYK", SMALL, (0, 0, 0, 0)),
        Image.fromarray(np.full((SMALL[1], SMALL[0]), 65535, dtype=np.uint16)),
        Image.new("P", SMALL, 0),
    ]
    path = save_image("mixed.tif", *frames)
    assert count_pages(path) == 6
    pages = list(iter_pages(path))
    assert [page.index for page in pages] == list(range(6))
    assert all(page.image.shape == (SMALL[1], SMALL[0], 3) for page in pages)
    assert all(page.image.dtype == np.uint8 for page in pages)
    firsts = [tuple(int(v) for v in page.image[0, 0]) for page in pages]
    assert firsts[:5] == [(0, 0, 0), (90, 90, 90), (3, 2, 1), (255, 255, 255), (255, 255, 255)]


@pytest.mark.parametrize(
    ("orientation", "size", "red_corner"),
    [(3, (400, 300), "bottom-right"), (6, (300, 400), "top-right"), (8, (300, 400), "bottom-left")],
)
def test_exif_orientation_is_applied(
    save_image: Callable[..., Path], orientation: int, size: tuple[int, int], red_corner: str
) -> None:
    stored = Image.new("RGB", SMALL, "white")
    ImageDraw.Draw(stored).rectangle((0, 0, 59, 59), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    page = _only_page(save_image(f"o{orientation}.jpg", stored, exif=exif.tobytes()))
    assert (page.width, page.height) == size
    red = (page.image[:, :, 2] > 200) & (page.image[:, :, 1] < 80)
    rows, cols = np.nonzero(red)
    vertical = "bottom" if rows.mean() > page.height / 2 else "top"
    horizontal = "right" if cols.mean() > page.width / 2 else "left"
    assert f"{vertical}-{horizontal}" == red_corner


@pytest.mark.parametrize("suffix", [".jpg", ".png"])
def test_truncated_image_is_refused(
    save_image: Callable[..., Path], write_bytes: Callable[[str, bytes], Path], suffix: str
) -> None:
    noise = np.random.default_rng(0).integers(0, 256, (500, 600, 3), dtype=np.uint8)
    whole = save_image(f"whole{suffix}", Image.fromarray(noise)).read_bytes()
    path = write_bytes(f"cut{suffix}", whole[: len(whole) // 2])
    reason = _refusal_reason(path)
    assert "damaged or truncated" in reason


def test_truncated_tiff_yields_good_pages_then_names_the_bad_one(
    save_image: Callable[..., Path], write_bytes: Callable[[str, bytes], Path]
) -> None:
    frames = [Image.new("L", SMALL, shade) for shade in (10, 20, 30)]
    whole = save_image("whole.tif", *frames).read_bytes()
    path = write_bytes("cut.tif", whole[:-1000])
    pages = iter_pages(path)
    assert [int(next(pages).image[0, 0, 0]) for _ in range(2)] == [10, 20]
    with pytest.raises(InputUnreadableError) as caught:
        next(pages)
    assert caught.value.reason.startswith("page 3 of 3: the TIFF data is damaged or truncated")


def test_truncated_tiff_read_tolerantly_keeps_the_good_pages(
    save_image: Callable[..., Path], write_bytes: Callable[[str, bytes], Path]
) -> None:
    frames = [Image.new("L", SMALL, shade) for shade in (10, 20, 30)]
    whole = save_image("whole.tif", *frames).read_bytes()
    first, second, last = iter_pages_tolerant(write_bytes("cut.tif", whole[:-1000]))
    assert isinstance(first, PageImage) and isinstance(second, PageImage)
    assert [int(first.image[0, 0, 0]), int(second.image[0, 0, 0])] == [10, 20]
    assert isinstance(last, PageFailure) and last.index == 2
    assert last.reason.startswith("page 3 of 3: the TIFF data is damaged or truncated")


def test_tolerant_reading_goes_past_a_damaged_tiff_frame(
    damaged_tiff: Callable[..., Path],
) -> None:
    path = damaged_tiff("middle.tif", [10, 20, 30], damaged=[1])
    first, middle, last = iter_pages_tolerant(path)
    assert isinstance(middle, PageFailure) and middle.index == 1 and middle.source == path
    assert middle.reason.startswith("page 2 of 3: the TIFF data is damaged or truncated (")
    assert middle.error.path == path and "scan the form again" in middle.error.remedy
    # The frame after the damaged one is decoded whole, not left with the damaged one's pixels.
    assert isinstance(first, PageImage) and isinstance(last, PageImage)
    assert [(p.index, int(p.image.min()), int(p.image.max())) for p in (first, last)] == [
        (0, 10, 10),
        (2, 30, 30),
    ]
    with pytest.raises(InputUnreadableError) as caught:  # iter_pages still stops there
        list(iter_pages(path))
    assert caught.value.reason == middle.reason


def test_each_damaged_tiff_frame_is_its_own_failure(damaged_tiff: Callable[..., Path]) -> None:
    path = damaged_tiff("tail.tif", [10, 20, 30], damaged=[1, 2])
    pages = list(iter_pages_tolerant(path))
    assert [type(p).__name__ for p in pages] == ["PageImage", "PageFailure", "PageFailure"]
    assert [p.reason[:11] for p in pages if isinstance(p, PageFailure)] == [
        "page 2 of 3",
        "page 3 of 3",
    ]


def test_decompression_bomb_is_refused_when_opened(
    make_declared_png: Callable[[int, int], Path],
) -> None:
    path = make_declared_png(100_000, 100_000)
    with pytest.raises(InputUnreadableError) as caught:
        iter_pages(path)  # not even iterated
    assert "decompression bomb" in caught.value.reason


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_page_over_the_pixel_limit_is_refused_before_decoding(
    make_declared_png: Callable[[int, int], Path],
) -> None:
    # Below Pillow's own hard limit, above ours; the file holds no real pixel data, so
    # any attempt to decode it would fail with "damaged" instead. Pillow's warning is kept
    # quiet: our own message says it.
    reason = _refusal_reason(make_declared_png(13_000, 12_000))
    assert reason.startswith("the page declares 13000 x 12000 pixels (156 megapixels)")
    assert "limit of 144 megapixels" in reason


def test_pixel_limit_is_a_parameter(save_image: Callable[..., Path]) -> None:
    path = save_image("small.png", Image.new("L", SMALL, 255))
    assert "limit of 0.1 megapixels" in _refusal_reason(path, max_pixels=100_000)
    assert len(list(iter_pages(path, max_pixels=120_000))) == 1


def test_tiny_image_is_refused_with_the_minimum(save_image: Callable[..., Path]) -> None:
    path = save_image("dot.png", Image.new("L", (1, 1), 0))
    reason = _refusal_reason(path)
    assert "only 1 x 1 pixels" in reason
    assert "minimum 200 pixels on each side" in reason
    assert len(list(iter_pages(path, min_side=1))) == 1


def test_bad_page_in_a_tiff_is_named_after_the_good_ones(
    save_image: Callable[..., Path],
) -> None:
    frames = [Image.new("L", SMALL, 255), Image.new("L", (1, 1), 0), Image.new("L", SMALL, 0)]
    pages = iter_pages(save_image("three.tif", *frames))
    assert next(pages).index == 0
    with pytest.raises(InputUnreadableError) as caught:
        next(pages)
    assert caught.value.reason.startswith("page 2 of 3: the page is only 1 x 1 pixels")


def test_max_pages_refuses_a_longer_file(save_image: Callable[..., Path]) -> None:
    frames = [Image.new("L", SMALL, shade) for shade in (10, 20, 30)]
    path = save_image("three.tif", *frames)
    with pytest.raises(InputUnreadableError) as caught:
        iter_pages(path, max_pages=2)
    assert caught.value.reason == "the file has 3 pages, more than max_pages (2); no page was read"
    assert [page.index for page in iter_pages(path, max_pages=3)] == [0, 1, 2]


def test_dpi_from_metadata(save_image: Callable[..., Path]) -> None:
    path = save_image("a4.jpg", Image.new("RGB", (2480, 3508), "white"), dpi=(300, 300))
    page = _only_page(path)
    assert (page.dpi, page.dpi_source) == (300.0, "metadata")


@pytest.mark.parametrize("dpi", [None, (72, 72)])
def test_dpi_estimated_without_plausible_metadata(
    save_image: Callable[..., Path], dpi: tuple[int, int] | None
) -> None:
    options = {} if dpi is None else {"dpi": dpi}
    page = _only_page(save_image("a4.png", Image.new("L", A4_200DPI, 255), **options))
    assert page.dpi_source == "estimated"
    assert page.dpi == pytest.approx(200, rel=0.01)
