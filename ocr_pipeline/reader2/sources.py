"""Where training characters come from: font faces and stroke-drawn writers.

Only the synthesizer's own faces are used (the print faces and SetoFont of
:mod:`ocr_pipeline.synth.fonts`); the handwriting fonts kept for evaluation are never opened.
Stroke-drawn writers (:mod:`ocr_pipeline.synth.handwriter`) come only from the development
range; a held-out sub-range of it measures the reader on writers it has not seen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image as PILImage
from PIL import ImageDraw

from ..synth.fonts import HAND_FACES, PRINT_FACES, FontFace, available, has_glyph, load

log = logging.getLogger(__name__)

Alpha = NDArray[np.float32]
Draw = Callable[[str, float, np.random.Generator], Alpha | None]
HELD_OUT_SHARE = 0.2  # the last fifth of the development writers is never trained on
TRAIN_WRITERS = 600  # writers drawn from the training sub-range (evenly spaced seeds)
HELD_OUT_WRITERS = 100  # writers drawn from the held-out sub-range


@dataclass(frozen=True)
class Source:
    """One way of drawing characters: ``draw(char, em_px, rng)`` gives an alpha patch (0-1,
    ink 1) or None when the source lacks the character."""

    name: str
    draw: Draw
    hand: bool


def _font_draw(face: FontFace) -> Draw:
    def draw(char: str, em_px: float, rng: np.random.Generator) -> Alpha | None:
        if not has_glyph(face, char):
            return None
        size = max(8, round(em_px))
        font = load(face, size)
        canvas = PILImage.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(canvas).text((size // 2, size // 2), char, fill=255, font=font)
        return np.asarray(canvas, np.float32) / 255.0

    return draw


def font_sources() -> list[Source]:
    """The print faces and SetoFont that exist on this machine."""
    faces = available(PRINT_FACES + HAND_FACES)
    return [Source(f"font:{f.name}", _font_draw(f), f in HAND_FACES) for f in faces]


def _writer_draw(writer: Any, render_char: Callable[..., Any]) -> Draw:
    def draw(char: str, em_px: float, rng: np.random.Generator) -> Alpha | None:
        patch = render_char(char, writer, em_px, rng)
        return None if patch is None else np.asarray(patch, np.float32)

    return draw


def writer_seeds() -> tuple[list[int], list[int]]:
    """Development writer seeds: (training, held out); empty when the stroke-drawn writer
    model is not available."""
    try:
        from ..synth.handwriter import DEV_WRITERS
    except ImportError:
        return [], []
    seeds = DEV_WRITERS
    cut = round(len(seeds) * (1 - HELD_OUT_SHARE))
    train, held = seeds[:cut], seeds[cut:]
    return _spread(train, TRAIN_WRITERS), _spread(held, HELD_OUT_WRITERS)


def _spread(seeds: range, count: int) -> list[int]:
    """``count`` seeds evenly spaced over ``seeds``."""
    step = max(1, len(seeds) // max(1, count))
    return [int(s) for s in seeds[::step][:count]]


def writer_sources(seeds: list[int]) -> list[Source]:
    """Stroke-drawn writers for ``seeds`` (none when the writer model is not available)."""
    if not seeds:
        return []
    try:
        from ..synth.handwriter import writer_for_seed
        from ..synth.kvg import strokes_of
        from ..synth.strokes import render_char
    except ImportError:
        log.warning("stroke-drawn writers are not available; training on fonts only")
        return []
    strokes_of("ア")  # KanjiVG installed? If not, this says how to install it
    return [
        Source(f"writer:{s}", _writer_draw(writer_for_seed(s), render_char), True) for s in seeds
    ]
