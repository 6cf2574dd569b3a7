"""dpi from metadata when plausible, else estimated from the paper size."""

from __future__ import annotations

import pytest

from ocr_pipeline.ingest.resolution import estimate_dpi, metadata_dpi


def test_plausible_metadata_is_used() -> None:
    assert metadata_dpi((300.0, 300.0), 2480, 3508) == (300.0, 300.0)


def test_unequal_metadata_is_kept_as_recorded() -> None:
    assert metadata_dpi((204.0, 98.0), 1728, 1078) == (204.0, 98.0)


@pytest.mark.parametrize("raw", [None, (1, 1), (72, 72), (0, 0), (300,), "300", (5000, 5000)])
def test_implausible_metadata_is_ignored(raw: object) -> None:
    # 72 dpi on an A4 page scanned at 200 dpi would make it 32 inches long.
    assert metadata_dpi(raw, 1654, 2339) is None


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (1654, 2339, 200),  # A4 portrait
        (2339, 1654, 200),  # A4 landscape
        (2480, 3508, 300),  # A4
        (1240, 1754, 150),  # A4
        (2339, 3307, 200),  # A3
        (3508, 4961, 300),  # A3
        (1433, 2024, 200),  # JIS B5
        (2150, 3035, 300),  # JIS B5
        (1700, 2200, 200),  # letter
        (2550, 3300, 300),  # letter
        (1640, 2320, 198.4),  # A4, cropped a little by the scanner
    ],
)
def test_estimate_from_paper_sizes(width: int, height: int, expected: float) -> None:
    assert estimate_dpi(width, height) == pytest.approx(expected, rel=0.01)


def test_estimate_for_no_paper_shape_assumes_an_a4_long_side() -> None:
    assert estimate_dpi(2339, 2339) == pytest.approx(200, rel=0.01)


def test_estimate_refuses_an_empty_image() -> None:
    with pytest.raises(ValueError, match="0 x 10"):
        estimate_dpi(0, 10)
