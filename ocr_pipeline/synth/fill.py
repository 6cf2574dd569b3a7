"""Filling one form: the blank template with every field written in or marked.

Ink goes only into the field zones (text may run over a border by at most
``OVERRUN_FRACTION`` of a line's height) and around the printed options it circles;
:func:`ink_zones` lists where ink may be.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import cv2
import numpy as np

from form_schemas.registry import FormDefinition
from form_schemas.spec import FieldSpec, FieldType, FieldValue, Segment

from ..errors import SchemaInvalidError
from . import marks
from .canvas import Image
from .fonts import HAND_FACES, PRINT_FACES, available, faces_from_paths
from .handwriter import writer_for_seed, writer_range
from .kvg import kanjivg_folder
from .options import Style, SynthOptions
from .pen import (
    OVERRUN_FRACTION,
    Align,
    Pen,
    hand_pen,
    print_pen,
    stroke_pen,
    write_comb,
    write_line,
)
from .writing import SPACE, Mark, Writing, writing_for

BBox = tuple[int, int, int, int]
HAND_SHARE = 0.6  # of pages in mixed style


@lru_cache(maxsize=8)
def _template(path: str) -> Image:
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise SchemaInvalidError(
            f"template image {path} cannot be read", "Redraw or re-export it as PNG."
        )
    image.flags.writeable = False
    return np.asarray(image, np.uint8)


def choose_pen(rng: np.random.Generator, options: SynthOptions, dpi: int = 200) -> Pen:
    """The page's writer: handwriting or print per ``options.style`` (mixed: per page;
    stroke: a writer of the set ``options.writers`` drawn with ``rng``)."""
    style = options.style
    if style is Style.STROKE:
        kanjivg_folder()  # fail before the first page when KanjiVG is missing
        seeds = writer_range(options.writers)
        writer = writer_for_seed(int(rng.integers(seeds.start, seeds.stop)))
        faces = faces_from_paths(options.fonts) if options.fonts else available(HAND_FACES)
        return stroke_pen(rng, faces, writer, dpi)
    if style is Style.MIXED:
        style = Style.HAND if rng.random() < HAND_SHARE else Style.PRINT
    if style is Style.HAND:
        faces = faces_from_paths(options.fonts) if options.fonts else available(HAND_FACES)
        return hand_pen(rng, faces, dpi)
    faces = (
        faces_from_paths(options.fonts)
        if options.fonts and options.style is Style.PRINT
        else available(PRINT_FACES)
    )
    return print_pen(rng, faces, dpi)


def _stamp_text(form: FormDefinition, values: Mapping[str, FieldValue | Writing]) -> str:
    for f in form.fields:
        v = values.get(f.id)
        if f.type is FieldType.NAME and isinstance(v, str):
            return v.split(SPACE)[0]
        if f.type is FieldType.NAME and isinstance(v, Writing) and v.parts:
            return v.parts[0]
    return ""


def render_filled(
    form: FormDefinition,
    values: Mapping[str, FieldValue | Writing],
    rng: np.random.Generator,
    options: SynthOptions,
) -> tuple[Image, dict[str, str | int]]:
    """The filled page (BGR, template size) and what wrote it: style, font, ink (and the
    writer's seed in the stroke style).

    ``values`` holds export values (or :class:`Writing` for what has none, such as an
    impossible date); missing fields stay empty.
    """
    page = _template(str(form.template_path)).copy()
    pen = choose_pen(rng, options, form.spec.template.dpi)
    stamp_text = _stamp_text(form, values)
    for f in form.fields:
        v = values.get(f.id)
        w = v if isinstance(v, Writing) else writing_for(f, v, rng, stamp_text)
        if not w.empty:
            draw_field(page, f, w, pen, rng)
    if pen.writer is not None:
        return page, {
            "style": Style.STROKE.value,
            "writer": pen.writer.seed,
            "font": pen.face.name,
            "ink": pen.ink,
        }
    style = Style.HAND if pen.is_hand else Style.PRINT
    return page, {"style": style.value, "font": pen.face.name, "ink": pen.ink}


def draw_field(page: Image, f: FieldSpec, w: Writing, pen: Pen, rng: np.random.Generator) -> None:
    """Write or mark one field."""
    thickness = int(rng.integers(2, 5)) if pen.is_hand else 2
    if f.bbox is not None and w.mark is not None:
        _mark(page, f.bbox, w, pen, rng=rng, thickness=thickness)
    if w.circle is not None:
        for o in f.options:
            if o.code == w.circle:
                marks.circle(page, o.bbox, rng, pen.color, thickness, regular=not pen.is_hand)
    for seg, pieces in zip(f.all_segments(), segment_texts(f, w), strict=True):
        if pieces:
            _write_segment(page, f, seg, pieces, w, pen=pen, rng=rng)


def _mark(
    page: Image, bbox: BBox, w: Writing, pen: Pen, *, rng: np.random.Generator, thickness: int
) -> None:
    if w.mark is Mark.STAMP:
        marks.stamp(page, bbox, rng, w.stamp_text)
    elif w.mark is Mark.SIGNATURE and pen.is_hand and w.stamp_text and rng.random() < 0.6:
        x0, y0, x1, y1 = bbox  # the surname, signed across the middle of the box
        band = (x0 + 2, round(y0 + 0.25 * (y1 - y0)), x1 - 2, round(y1 - 0.25 * (y1 - y0)))
        write_line(page, w.stamp_text, band, pen, rng, align=Align.CENTER)
    elif w.mark is Mark.SIGNATURE:
        marks.signature(page, bbox, rng, pen.color, thickness)
    elif w.mark is Mark.CROSS:
        marks.cross(page, bbox, rng, pen.color, thickness)
    elif w.mark is Mark.FILL:
        marks.fill(page, bbox, rng, pen.color, thickness)
    else:
        marks.tick(page, bbox, rng, pen.color, thickness)


def segment_texts(f: FieldSpec, w: Writing) -> list[list[str]]:
    """The pieces of text that go into each segment of ``f`` (empty list: nothing)."""
    segs = f.all_segments()
    parts = [p for p in w.parts if p]
    if len(segs) == 1:
        return [parts]
    if len(parts) == len(segs):
        return [[p] for p in parts]
    if all(s.boxes for s in segs):
        chars = "".join(parts)
        out, i = [], 0
        for s in segs:
            out.append([chars[i : i + s.boxes]] if chars[i : i + s.boxes] else [])
            i += s.boxes
        return out
    if len(parts) < len(segs):
        return [[p] for p in parts] + [[] for _ in segs[len(parts) :]]
    return [[p] for p in parts[: len(segs) - 1]] + [parts[len(segs) - 1 :]]


def _write_segment(
    page: Image,
    f: FieldSpec,
    seg: Segment,
    pieces: list[str],
    w: Writing,
    *,
    pen: Pen,
    rng: np.random.Generator,
) -> None:
    if seg.boxes:
        text = w.joiner.join(pieces)
        if len(text) > seg.boxes or (w.numeric and "," in text):
            text = "".join(pieces).replace(",", "")
        if len(text) <= seg.boxes:
            align = (
                Align.RIGHT
                if w.numeric and f.type not in (FieldType.MYNUMBER, FieldType.DIGITS)
                else Align.LEFT
            )
            write_comb(page, text, seg.box_bboxes(), pen, rng, align=align)
            return
    align = (
        Align.RIGHT
        if f.type is FieldType.AMOUNT
        else Align.CENTER
        if f.type.is_date
        else Align.LEFT
    )
    x0, y0, x1, y1 = seg.bbox
    lines = f.lines if seg.boxes == 0 else 1
    pitch = (y1 - y0) / lines
    rows = (
        pieces
        if 1 < len(pieces) <= lines
        else _wrap(w.joiner.join(pieces), lines, x1 - x0, pitch * pen.size)
    )
    for i, text in enumerate(rows):
        box = (x0, round(y0 + i * pitch), x1, round(y0 + (i + 1) * pitch))
        write_line(page, text, box, pen, rng, align=align)


def _wrap(text: str, lines: int, width: float, em: float) -> list[str]:
    """Split ``text`` over up to ``lines`` lines when it would not fit on one at ``em``."""
    needed = sum(0.55 if ch.isascii() else 1.0 for ch in text) * em
    n = min(lines, max(1, int(np.ceil(needed / (0.92 * width)))))
    if n == 1:
        return [text]
    size = -(-len(text) // n)
    return [text[i : i + size] for i in range(0, len(text), size)]


def ink_zones(form: FormDefinition) -> list[BBox]:
    """Boxes that may hold ink on a filled page: zones grown by the allowed overrun,
    options grown by the reach of a circle, check and seal boxes by a tick's reach."""
    zones: list[BBox] = []
    for f in form.fields:
        for seg in f.all_segments():
            x0, y0, x1, y1 = seg.bbox
            g = round(OVERRUN_FRACTION * (y1 - y0) / (f.lines if seg.boxes == 0 else 1)) + 2
            zones.append((x0 - g, y0 - g, x1 + g, y1 + g))
        zones.extend(marks.reach(o.bbox, "circle") for o in f.options)
        if f.bbox is not None:
            kind = "check" if f.type is FieldType.CHECKBOX else "presence"
            zones.append(marks.reach(f.bbox, kind))
    return zones
