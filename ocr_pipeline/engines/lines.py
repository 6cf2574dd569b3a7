"""Turning field crops into recognizer input, and the recognition loop both backends share.

PP-OCR recognizers read a line scaled to 48 px high. PaddleOCR and RapidOCR pad every line to
at least 320 px wide; field crops are short (a date part is one or two digits), and the
recognizer's cost grows with the padded width (about 21,000 columns a second on two cores),
so we scale each crop to its own width (at least ``MIN_WIDTH``) and batch crops of similar
width together. Measured on the same crops, readings were the same as with 320-px padding.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from .base import Image, Recognition
from .ctc import CharTable, decode_constrained
from .grammar import Grammar

REC_HEIGHT = 48
MIN_WIDTH = 64
MAX_WIDTH = 3200
MAX_PADDING = 0.25
UPSCALE_SMOOTH = 1.5  # crops enlarged by this factor or more are smoothed, then interpolated
UPSCALE_SIGMA = 0.5  # px of the crop: takes the stair steps off a 10-px high line


def as_bgr(crop: Image) -> Image:
    """A 3-channel BGR copy of ``crop`` (grey crops are expanded)."""
    if crop.ndim == 2:
        return np.ascontiguousarray(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR))
    return np.ascontiguousarray(crop)


def scaled_width(crop: Image) -> int:
    h, w = crop.shape[:2]
    return int(max(1, min(MAX_WIDTH, math.ceil(REC_HEIGHT * w / max(1, h)))))


def to_rec_height(crop: Image, width: int) -> Image:
    """``crop`` (BGR) scaled to ``width`` x :data:`REC_HEIGHT`. Shrinking averages
    (INTER_AREA); enlarging small writing (a 3 mm furigana row is 10 px high at 150 dpi)
    smooths lightly and interpolates linearly: INTER_AREA enlarges in blocks, and on small
    kana the recognizer then read a quarter as many lines right."""
    h = crop.shape[0]
    if h * UPSCALE_SMOOTH > REC_HEIGHT:
        return np.asarray(
            cv2.resize(crop, (width, REC_HEIGHT), interpolation=cv2.INTER_AREA), np.uint8
        )
    soft = cv2.GaussianBlur(crop, (0, 0), UPSCALE_SIGMA)
    return np.asarray(
        cv2.resize(soft, (width, REC_HEIGHT), interpolation=cv2.INTER_LINEAR), np.uint8
    )


def make_batch(crops: Sequence[Image]) -> tuple[NDArray[np.float32], list[float]]:
    """NCHW input normalised to [-1, 1] as PP-OCR expects, right-padded to a common width,
    and for each crop the share of that width it covers."""
    widths = [scaled_width(c) for c in crops]
    padded = max(MIN_WIDTH, *widths)
    batch = np.zeros((len(crops), 3, REC_HEIGHT, padded), dtype=np.float32)
    for i, (crop, w) in enumerate(zip(crops, widths, strict=True)):
        line = to_rec_height(as_bgr(crop), w)
        batch[i, :, :, :w] = line.transpose(2, 0, 1).astype(np.float32) / 127.5 - 1.0
    return batch, [w / padded for w in widths]


def width_sorted_batches(crops: Sequence[Image], size: int) -> list[list[int]]:
    """Indices of ``crops`` grouped into batches of at most ``size``, by width: a batch also
    ends when padding every crop to its widest would waste more than ``MAX_PADDING`` of the
    work (a page has a few long address lines and many short date and box crops)."""
    widths = [max(MIN_WIDTH, scaled_width(c)) for c in crops]
    order = sorted(range(len(crops)), key=lambda i: widths[i])
    batches: list[list[int]] = []
    total = 0
    for i in order:
        w = widths[i]
        if (
            batches
            and len(batches[-1]) < size
            and (len(batches[-1]) + 1) * w <= (1 + MAX_PADDING) * (total + w)
        ):
            batches[-1].append(i)
            total += w
        else:
            batches.append([i])
            total = w
    return batches


class CtcLineRecognizer(ABC):
    """Base of the shipped backends: batching and decoding here, inference in the subclass."""

    name: str
    batch_size: int
    table: CharTable

    def charset(self) -> frozenset[str]:
        """See :class:`~.base.OcrEngine`."""
        if not hasattr(self, "_charset"):
            self._charset = frozenset(self.table.characters[1:])
        return self._charset

    @abstractmethod
    def infer(self, batch: NDArray[np.float32]) -> NDArray[np.float32]:
        """Softmax output (N x frames x classes) for a prepared batch."""

    accepts_grammars = True

    def recognize(
        self,
        crops: Sequence[Image],
        allowed: Sequence[frozenset[str] | None] | None = None,
        grammars: Sequence[Grammar | None] | None = None,
    ) -> list[Recognition]:
        """See :class:`~.base.GrammarEngine`."""
        if allowed is not None and len(allowed) != len(crops):
            raise ValueError("allowed must have one entry per crop")
        if grammars is not None and len(grammars) != len(crops):
            raise ValueError("grammars must have one entry per crop")
        out: dict[int, Recognition] = {}
        for idx in width_sorted_batches(crops, self.batch_size):
            batch, fractions = make_batch([crops[i] for i in idx])
            probs = self.infer(batch)
            for row, i in enumerate(idx):
                out[i] = decode_constrained(
                    probs[row],
                    self.table,
                    None if grammars is None else grammars[i],
                    None if allowed is None else allowed[i],
                    fractions[row],
                )
        return [out[i] for i in range(len(crops))]
