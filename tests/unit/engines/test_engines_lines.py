"""Line preparation and the batching loop shared by the CTC backends."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from ocr_pipeline.engines.base import Image
from ocr_pipeline.engines.ctc import CharTable
from ocr_pipeline.engines.lines import (
    MAX_PADDING,
    MAX_WIDTH,
    MIN_WIDTH,
    REC_HEIGHT,
    CtcLineRecognizer,
    as_bgr,
    make_batch,
    scaled_width,
    width_sorted_batches,
)


def crop(h: int, w: int, value: int = 255, channels: int = 0) -> Image:
    shape = (h, w) if channels == 0 else (h, w, channels)
    return np.full(shape, value, dtype=np.uint8)


@pytest.mark.parametrize(
    ("h", "w", "expected"),
    [(48, 100, 100), (24, 100, 200), (96, 100, 50), (10, 3, 15), (1, 10_000, MAX_WIDTH)],
)
def test_scaled_width_keeps_the_aspect_at_recognizer_height(h: int, w: int, expected: int) -> None:
    assert scaled_width(crop(h, w)) == expected


def test_scaled_width_is_at_least_one() -> None:
    assert scaled_width(crop(500, 1)) == 1


def test_as_bgr_expands_grey_and_keeps_colour() -> None:
    grey = crop(5, 7, 100)
    assert as_bgr(grey).shape == (5, 7, 3)
    assert (as_bgr(grey) == 100).all()
    colour = np.zeros((5, 7, 3), np.uint8)
    colour[..., 2] = 200
    assert np.array_equal(as_bgr(colour), colour)


def test_make_batch_shape_padding_and_fractions() -> None:
    crops = [crop(48, 96), crop(24, 100), crop(48, 20, 0)]
    batch, fractions = make_batch(crops)
    assert batch.shape == (3, 3, REC_HEIGHT, 200)
    assert batch.dtype == np.float32
    assert fractions == pytest.approx([96 / 200, 1.0, 20 / 200])
    # Right padding is zeros (mid-grey after normalisation), the crops themselves are not.
    assert (batch[0, :, :, 96:] == 0.0).all()
    assert (batch[2, :, :, 20:] == 0.0).all()


def test_make_batch_normalises_to_minus_one_one() -> None:
    white, black = crop(48, 80, 255), crop(48, 80, 0, channels=3)
    batch, _ = make_batch([white, black])
    assert batch[0, :, :, :80] == pytest.approx(1.0)
    assert batch[1, :, :, :80] == pytest.approx(-1.0)
    assert batch.min() >= -1.0 and batch.max() <= 1.0


def test_make_batch_pads_short_crops_to_the_minimum_width() -> None:
    batch, fractions = make_batch([crop(48, 10)])
    assert batch.shape[-1] == MIN_WIDTH
    assert fractions == pytest.approx([10 / MIN_WIDTH])


def test_width_sorted_batches_cover_every_crop_once_in_aspect_order() -> None:
    widths = [300, 40, 120, 900, 60, 200, 500]
    crops = [crop(40, w) for w in widths]
    batches = width_sorted_batches(crops, 3)
    assert all(1 <= len(b) <= 3 for b in batches)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(widths)))
    assert [widths[i] for i in flat] == sorted(widths)


def test_width_sorted_batches_keep_similar_widths_together_and_bound_padding() -> None:
    widths = [100, 104, 108, 112, 900, 96]
    batches = width_sorted_batches([crop(48, w) for w in widths], 8)
    assert sorted(len(b) for b in batches) == [1, 5]  # the long line gets its own batch
    for b in batches:
        scaled = [max(MIN_WIDTH, widths[i]) for i in b]
        assert len(b) * max(scaled) <= (1 + MAX_PADDING) * sum(scaled)


def test_width_sorted_batches_of_nothing() -> None:
    assert width_sorted_batches([], 4) == []


class _Spy(CtcLineRecognizer):
    """Reads each crop's grey level (written into the batch) as one class: proves the loop
    returns results in the caller's order, whatever the batching did."""

    name = "spy"

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.table = CharTable(("", "a", "b", "c", "d", "e"))
        self.batches: list[int] = []

    def infer(self, batch: NDArray[np.float32]) -> NDArray[np.float32]:
        self.batches.append(len(batch))
        n, _, _, width = batch.shape
        frames = max(1, width // 8)
        out = np.zeros((n, frames, len(self.table.characters)), np.float32)
        for row in range(n):
            level = (batch[row, 0, 0, 0] + 1.0) * 127.5
            out[row, :, 0] = 1.0
            out[row, 0, 0] = 0.0
            out[row, 0, 1 + round(level / 50)] = 1.0
        return out

    def describe(self) -> dict[str, str]:
        return {"engine": self.name}


def _crops(levels: Sequence[int], widths: Sequence[int]) -> list[Image]:
    return [crop(32, w, v) for v, w in zip(levels, widths, strict=True)]


def test_recognize_returns_results_in_input_order_across_batches() -> None:
    spy = _Spy(batch_size=2)
    levels = [200, 0, 100, 50, 150]  # reads as e a c b d
    crops = _crops(levels, [400, 50, 120, 900, 60])
    texts = [r.text for r in spy.recognize(crops)]
    assert texts == ["e", "a", "c", "b", "d"]
    assert sum(spy.batches) == 5
    assert max(spy.batches) <= 2


def test_recognize_applies_each_crops_own_allowed_set() -> None:
    spy = _Spy(batch_size=8)
    crops = _crops([0, 0, 0], [60, 60, 60])
    out = spy.recognize(crops, [None, frozenset("b"), frozenset("a")])
    assert [r.text for r in out] == ["a", "", "a"]


def test_recognize_rejects_an_allowed_list_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="one entry per crop"):
        _Spy(batch_size=4).recognize(_crops([0, 0], [60, 60]), [None])


def test_recognize_nothing() -> None:
    assert _Spy(batch_size=4).recognize([]) == []


def test_charset_is_every_class_but_the_blank() -> None:
    assert _Spy(batch_size=1).charset() == frozenset("abcde")
