"""Scanner effects and the extra pages: recorded faithfully, within their bounds."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from ocr_pipeline.synth import Degrade, blank_page, degrade_page, foreign_page
from ocr_pipeline.synth.scan import LEVELS, a4_size


def _page_with_corner_mark() -> NDArray[np.uint8]:
    """A white A4 page with a black square near the top-left corner."""
    w, h = a4_size(200)
    page = np.full((h, w, 3), 255, np.uint8)
    page[100:300, 100:300] = 0
    return page


def _dark_centroid(image: NDArray[np.uint8]) -> tuple[float, float]:
    """Relative position of the dark square (averaged over 20-px cells so specks vanish)."""
    grey = image if image.ndim == 2 else image.mean(axis=2).astype(np.uint8)
    small = cv2.resize(
        grey, (grey.shape[1] // 20, grey.shape[0] // 20), interpolation=cv2.INTER_AREA
    )
    ys, xs = np.nonzero(small < 170)
    return float((xs.mean() + 0.5) / small.shape[1]), float((ys.mean() + 0.5) / small.shape[0])


def _num(applied: dict[str, object], key: str) -> float:
    value = applied[key]
    assert isinstance(value, int | float), (key, value)
    return float(value)


def test_none_returns_the_page_unchanged() -> None:
    page = _page_with_corner_mark()
    out, applied = degrade_page(page, np.random.default_rng(0), Degrade.NONE)
    assert np.array_equal(out, page) and out is not page
    assert applied["dpi"] == 200 and applied["rotation_90s"] == 0 and applied["angle"] == 0.0


@pytest.mark.parametrize("level", [Degrade.MILD, Degrade.HARD])
def test_records_stay_within_the_level_and_match_the_image(level: Degrade) -> None:
    lv = LEVELS[level]
    page = _page_with_corner_mark()
    turns = set()
    for seed in range(16):
        out, a = degrade_page(page, np.random.default_rng(seed), level)
        assert abs(_num(a, "angle")) <= lv.max_angle
        assert abs(_num(a, "scale") - 1) <= lv.max_scale + 1e-9
        assert a["dpi"] in lv.dpis and a["level"] == level.value
        assert (out.ndim == 2) == (a["color"] == "grey")
        k = int(_num(a, "rotation_90s"))
        turns.add(k)
        assert a["upside_down"] == (k == 2) and a["sideways"] == (k in (1, 3))
        w, h = a4_size(200)
        f = int(_num(a, "dpi")) / 200
        size = (round(h * f), round(w * f))
        assert out.shape[:2] == (size if k % 2 == 0 else size[::-1])
        x, y = _dark_centroid(out)
        expected = {0: (0.12, 0.085), 1: (0.085, 0.88), 2: (0.88, 0.915), 3: (0.915, 0.12)}[k]
        assert abs(x - expected[0]) < 0.08 and abs(y - expected[1]) < 0.08, (k, x, y)
    assert 0 in turns and 2 in turns


def test_hard_is_harder_than_mild() -> None:
    page = _page_with_corner_mark()
    mild = [degrade_page(page, np.random.default_rng(s), Degrade.MILD)[1] for s in range(12)]
    hard = [degrade_page(page, np.random.default_rng(s), Degrade.HARD)[1] for s in range(12)]
    assert max(abs(_num(a, "angle")) for a in hard) > 1.0
    assert min(int(_num(a, "speckles")) for a in hard) > max(int(_num(a, "speckles")) for a in mild)
    assert all(int(_num(a, "jpeg_quality")) <= 75 for a in hard)
    assert all(int(_num(a, "jpeg_quality")) >= 85 for a in mild)


def test_forced_dpi_is_used() -> None:
    out, applied = degrade_page(
        _page_with_corner_mark(), np.random.default_rng(1), Degrade.MILD, dpi=300
    )
    assert applied["dpi"] == 300 and max(out.shape[:2]) == round(a4_size(200)[1] * 1.5)


@pytest.mark.parametrize("level", list(Degrade))
def test_blank_pages_are_nearly_white_paper(level: Degrade) -> None:
    page = blank_page(np.random.default_rng(2), level, dpi=300)
    assert page.shape == a4_size(300)[::-1]
    assert page.mean() > 240 and (page < 128).mean() < 0.001
    assert blank_page(np.random.default_rng(2), level, grey=False).shape == (*a4_size(200)[::-1], 3)


def test_foreign_pages_are_a4_with_printed_text_and_vary() -> None:
    a = foreign_page(np.random.default_rng(1))
    b = foreign_page(np.random.default_rng(2))
    assert a.shape == (*a4_size(200)[::-1], 3)
    assert 0.005 < (a < 128).mean() < 0.2
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("level", [Degrade.MILD, Degrade.HARD])
def test_a_template_drawn_at_150_dpi_is_scanned_at_150_dpi(level: Degrade) -> None:
    w, h = a4_size(150)
    page = np.full((h, w, 3), 255, np.uint8)
    for seed in range(4):
        scan, applied = degrade_page(page, np.random.default_rng(seed), level, source_dpi=150)
        assert applied["dpi"] == 150
        size = sorted(scan.shape[:2])  # a sideways scan is h x w
        assert abs(size[0] - w) <= 2 and abs(size[1] - h) <= 2


def test_a_200_dpi_template_is_still_scanned_at_200_or_300_dpi() -> None:
    w, h = a4_size(200)
    page = np.full((h, w, 3), 255, np.uint8)
    dpis = {
        degrade_page(page, np.random.default_rng(seed), Degrade.MILD)[1]["dpi"] for seed in range(8)
    }
    assert dpis == {200, 300}
