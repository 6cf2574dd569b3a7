"""Characters printed in code for the second reader's tests (IPAex Gothic, white paper)."""

from __future__ import annotations

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from form_schemas.spec import DateParts, Era, FieldSpec, FieldType, Segment

FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"


def drawn(text: str, size: int = 40, gap: int = 4) -> np.ndarray:
    """``text`` printed in IPAex Gothic on white paper, ``gap`` px between characters
    (negative: they overlap), trimmed with a small margin."""
    font = ImageFont.truetype(FONT, size)
    width = size * len(text) + 40
    canvas = PILImage.new("L", (width, size * 2), 255)
    draw = ImageDraw.Draw(canvas)
    x = 10
    for ch in text:
        draw.text((x, size // 3), ch, fill=0, font=font)
        x += int(draw.textlength(ch, font=font)) + gap
    img = np.asarray(canvas, np.uint8)
    ys, xs = np.nonzero(img < 128)
    return np.ascontiguousarray(
        img[max(0, ys.min() - 6) : ys.max() + 7, max(0, xs.min() - 6) : xs.max() + 7]
    )


def reiwa_date() -> FieldSpec:
    """A 和暦 date field of the Reiwa era, its year, month and day each in a box."""
    box = Segment(bbox=(0, 0, 100, 60))
    return FieldSpec(
        id="f",
        label="日付",
        type=FieldType.WAREKI_DATE,
        era=Era.REIWA,
        parts=DateParts(year=box, month=box, day=box),
    )
