"""Normalising one character image into the second reader's input."""

from __future__ import annotations

import numpy as np
import pytest

from ocr_pipeline.reader2 import glyph
from ocr_pipeline.reader2.glyph import N_FEATURES, SIZE, feature_matrix, features, square
from tests.reader2_glyphs import drawn


def test_features_have_a_fixed_length_whatever_the_image_size() -> None:
    for size in (14, 30, 60):
        vec = features(drawn("8", size))
        assert vec.shape == (N_FEATURES,)
        assert vec.dtype == np.float32
        assert np.isfinite(vec).all()


def test_the_character_is_centred_in_the_square_with_its_aspect_ratio() -> None:
    sq, h, w = square(drawn("1", 40))
    assert sq.shape == (SIZE, SIZE)
    assert h > 2 * w  # a 1 is tall and narrow
    cols = np.flatnonzero(sq.max(axis=0) > 0.3)
    rows = np.flatnonzero(sq.max(axis=1) > 0.3)
    assert rows[-1] - rows[0] > 3 * (cols[-1] - cols[0]) / 2  # still narrow after scaling
    assert abs((cols[0] + cols[-1]) / 2 - SIZE / 2) < 3


def test_faint_writing_is_stretched_like_ink() -> None:
    dark, faint = drawn("5", 40), np.full_like(drawn("5", 40), 255)
    faint = np.where(dark < 200, 150, 255).astype(np.uint8)
    a, b = square(dark)[0], square(faint)[0]
    assert float(np.abs(a - b).mean()) < 0.1


def test_the_line_height_carries_the_size_that_scaling_loses() -> None:
    big, small = drawn("ツ", 40), drawn("ッ", 40)
    fb, fs = features(big, 34.0), features(small, 34.0)
    assert fb[-4] > fs[-4] + 0.15  # ink height relative to the line
    assert fb[-2] == 1.0 and features(big)[-2] == 0.0  # the "line height known" flag


def test_an_empty_image_gives_zeros_not_an_error() -> None:
    vec = features(np.full((30, 30), 255, np.uint8))
    assert not vec[: SIZE * SIZE].any()
    assert feature_matrix([], []).shape == (0, N_FEATURES)


@pytest.mark.parametrize("q", [10.0, 50.0, 90.0])
def test_the_fast_percentile_is_numpys_bit_for_bit(q: float) -> None:
    rng = np.random.default_rng(11)
    for n in (1, 2, 3, 17, 400, 2500):
        for values in (rng.random(n) * 255, np.round(rng.random(n) * 255)):
            ink = values.astype(np.float32)
            assert glyph._percentile(ink, q) == float(np.percentile(ink, q))
