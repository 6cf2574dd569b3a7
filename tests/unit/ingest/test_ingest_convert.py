"""Every Pillow mode becomes H x W x 3 BGR uint8."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from ocr_pipeline.ingest.convert import to_bgr


def _assert_bgr(array: np.ndarray, height: int, width: int) -> None:
    assert array.shape == (height, width, 3)
    assert array.dtype == np.uint8
    assert array.flags["C_CONTIGUOUS"]


def test_rgb_becomes_bgr() -> None:
    bgr = to_bgr(Image.new("RGB", (4, 3), (200, 100, 10)))
    _assert_bgr(bgr, 3, 4)
    assert tuple(bgr[0, 0]) == (10, 100, 200)


def test_grey_is_replicated() -> None:
    bgr = to_bgr(Image.new("L", (4, 3), 77))
    _assert_bgr(bgr, 3, 4)
    assert (bgr == 77).all()


def test_one_bit_is_black_and_white() -> None:
    image = Image.new("1", (4, 3), 1)
    image.putpixel((0, 0), 0)
    bgr = to_bgr(image)
    assert tuple(bgr[0, 0]) == (0, 0, 0)
    assert tuple(bgr[2, 3]) == (255, 255, 255)


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    values = np.array([[0, 1000, 32896, 65535]], dtype=np.uint16)
    bgr = to_bgr(Image.fromarray(values))
    assert bgr[0, :, 0].tolist() == [0, 4, 128, 255]


def test_int32_grey_with_16_bit_values_is_scaled() -> None:
    values = np.array([[0, 65535, 70000, -5]], dtype=np.int32)
    bgr = to_bgr(Image.fromarray(values, mode="I"))
    assert bgr[0, :, 0].tolist() == [0, 255, 255, 0]


def test_int32_grey_with_8_bit_values_is_kept() -> None:
    values = np.array([[0, 7, 255]], dtype=np.int32)
    bgr = to_bgr(Image.fromarray(values, mode="I"))
    assert bgr[0, :, 0].tolist() == [0, 7, 255]


def test_float_grey_from_zero_to_one_is_scaled() -> None:
    values = np.array([[0.0, 0.5, 1.0]], dtype=np.float32)
    bgr = to_bgr(Image.fromarray(values, mode="F"))
    assert bgr[0, :, 0].tolist() == [0, 128, 255]


@pytest.mark.parametrize(
    "mode",
    [
        "1",
        "L",
        "LA",
        "La",
        "P",
        "PA",
        "RGB",
        "RGBA",
        "RGBa",
        "RGBX",
        "CMYK",
        "YCbCr",
        "LAB",
        "HSV",
        "I",
        "I;16",
        "I;16L",
        "I;16B",
        "I;16N",
        "F",
    ],
)
def test_every_pillow_mode_converts(mode: str) -> None:
    _assert_bgr(to_bgr(Image.new(mode, (4, 3))), 3, 4)


def test_cmyk_cyan_becomes_bgr_cyan() -> None:
    bgr = to_bgr(Image.new("CMYK", (4, 3), (255, 0, 0, 0)))
    assert tuple(bgr[0, 0]) == (255, 255, 0)


def test_palette_is_expanded() -> None:
    image = Image.new("P", (4, 3), 1)
    image.putpalette([0, 0, 0, 255, 0, 0])
    assert tuple(to_bgr(image)[0, 0]) == (0, 0, 255)


def test_palette_transparency_becomes_white() -> None:
    image = Image.new("P", (4, 3), 0)
    image.putpalette([0, 0, 0, 255, 0, 0])
    image.info["transparency"] = 0
    assert tuple(to_bgr(image)[0, 0]) == (255, 255, 255)


@pytest.mark.parametrize(
    ("mode", "colour", "expected"),
    [
        ("RGBA", (0, 0, 0, 0), (255, 255, 255)),
        ("RGBA", (0, 0, 255, 255), (255, 0, 0)),
        ("RGBA", (0, 0, 0, 128), (127, 127, 127)),
        ("LA", (0, 0), (255, 255, 255)),
        ("LA", (0, 255), (0, 0, 0)),
        ("La", (0, 0), (255, 255, 255)),
        ("PA", (0, 0), (255, 255, 255)),
        ("RGBa", (0, 0, 0, 0), (255, 255, 255)),
    ],
)
def test_alpha_is_composited_on_white(
    mode: str, colour: tuple[int, ...], expected: tuple[int, int, int]
) -> None:
    bgr = to_bgr(Image.new(mode, (4, 3), colour))
    _assert_bgr(bgr, 3, 4)
    assert tuple(int(v) for v in bgr[1, 1]) == expected
