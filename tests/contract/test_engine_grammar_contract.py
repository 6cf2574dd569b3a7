"""Grammars with the real recognizer: a handwritten one-stroke 1 in an address line.

The line is rendered with PIL and IPAex Gothic, the 1 drawn as a slanted stroke with
``cv2.line`` (how many people write it, and what the recognizer reads as ``/``).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from ocr_pipeline.engines import Image, OcrEngine, available_engines
from ocr_pipeline.engines import grammar as g
from ocr_pipeline.engines.base import accepts_grammars
from ocr_pipeline.extract.routing import Thresholds

pytestmark = pytest.mark.ocr

FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
SIZE, PAD, GAP = 40, 12, 26


def with_stroke_ones(parts: list[str], slant: int) -> Image:
    """``parts`` printed left to right with a slanted one-stroke 1 between each two."""
    font = ImageFont.truetype(FONT, SIZE)
    probe = ImageDraw.Draw(PILImage.new("L", (1, 1)))
    boxes = [probe.textbbox((0, 0), p, font=font) for p in parts]
    width = sum(int(b[2] - b[0]) for b in boxes) + GAP * (len(parts) - 1) + 2 * PAD
    img = PILImage.new("L", (width, SIZE + 2 * PAD), 255)
    draw = ImageDraw.Draw(img)
    x, ends = PAD, []
    for text, box in zip(parts, boxes, strict=True):
        draw.text((x - box[0], PAD), text, font=font, fill=0)
        x += int(box[2] - box[0])
        ends.append(x)
        x += GAP
    out = np.asarray(img, dtype=np.uint8).copy()
    for end in ends[:-1]:
        cx = end + GAP // 2
        cv2.line(out, (cx + slant, PAD + 2), (cx - slant, PAD + SIZE - 2), (0,), 3)
    return out


@pytest.fixture(scope="session", params=sorted(available_engines()))
def backend(
    request: pytest.FixtureRequest, engine_by_name: Callable[[str], OcrEngine]
) -> OcrEngine:
    return engine_by_name(str(request.param))


@pytest.mark.parametrize("slant", [4, 8, 12])
@pytest.mark.parametrize(
    ("parts", "digit_at"),
    [(["大分県別府市荘園町", "番", "5号"], "町1番"), (["府内町三丁目", "0番", "号"], "目10番")],
)
def test_a_stroke_one_in_an_address_is_never_a_slash(
    backend: OcrEngine, parts: list[str], digit_at: str, slant: int
) -> None:
    assert accepts_grammars(backend)
    (rec,) = backend.recognize([with_stroke_ones(parts, slant)], [None], [g.address_grammar()])
    assert "/" not in rec.text
    threshold = Thresholds.load().for_type("address")
    assert digit_at in rec.text or rec.confidence < threshold, rec


def test_a_clean_address_is_read_as_without_a_grammar(backend: OcrEngine) -> None:
    assert accepts_grammars(backend)
    line = with_stroke_ones(["大分県別府市荘園町１番１５号"], 0)
    plain, held = backend.recognize([line, line], [None, None], [None, g.address_grammar()])
    assert held == plain
    assert not held.grammar_forced
