"""Small crops (a 3 mm furigana line at 150 dpi is about 14 px high) are enlarged smoothly to
the recognizer's 48 px; larger crops are scaled as before."""

from __future__ import annotations

import cv2
import numpy as np

from ocr_pipeline.engines.lines import REC_HEIGHT, make_batch, to_rec_height


def _diagonal(h: int, w: int) -> np.ndarray:
    """A white BGR crop with a 1-px dark diagonal stroke, as a thin pen draws it."""
    img = np.full((h, w), 255, np.uint8)
    cv2.line(img, (2, h - 3), (w - 3, 2), (30,), 1, cv2.LINE_AA)
    return np.asarray(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), np.uint8)


def _centres(line: np.ndarray) -> np.ndarray:
    """Ink-weighted row centre of every column that holds ink."""
    ink = 255.0 - line[:, :, 0].astype(np.float64)
    cols = ink.sum(axis=0) > 60
    rows = np.arange(line.shape[0], dtype=np.float64)[:, None]
    return np.asarray(((ink * rows).sum(axis=0) / np.maximum(ink.sum(axis=0), 1e-9))[cols])


def test_a_small_crop_is_enlarged_without_stair_steps() -> None:
    crop = _diagonal(12, 40)
    width = round(40 * REC_HEIGHT / 12)
    line = to_rec_height(crop, width)
    assert line.shape == (REC_HEIGHT, width, 3)
    # A straight stroke stays straight: its centre moves a little from column to column,
    # not in jumps of the enlargement factor (4x) as block-wise INTER_AREA enlarges it.
    steps = np.abs(np.diff(_centres(line)))
    assert steps.max() < 2.0
    blocky = cv2.resize(crop, (width, REC_HEIGHT), interpolation=cv2.INTER_AREA)
    assert np.abs(np.diff(_centres(blocky))).max() > steps.max()


def test_crops_near_the_recognizer_height_are_scaled_as_before() -> None:
    for h in (40, 48, 90):
        crop = _diagonal(h, 3 * h)
        width = round(3 * h * REC_HEIGHT / h)
        expected = cv2.resize(crop, (width, REC_HEIGHT), interpolation=cv2.INTER_AREA)
        assert np.array_equal(to_rec_height(crop, width), expected)


def test_make_batch_enlarges_small_crops_smoothly() -> None:
    crop = _diagonal(12, 40)
    batch, _ = make_batch([crop])
    line = ((batch[0].transpose(1, 2, 0) + 1.0) * 127.5).round().astype(np.uint8)
    assert np.abs(np.diff(_centres(line))).max() < 2.0
