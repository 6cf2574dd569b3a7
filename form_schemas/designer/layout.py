"""Cells and ruled grids: where widgets go.

A :class:`Run` is the interior of one ruled cell with a left-to-right cursor; widgets draw at
the cursor and return the writing space they made. A :class:`Grid` is the usual form body:
rows of a shaded label cell followed by content cells, inside a thick outer frame.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from ..spec import BBox, Option, Segment
from .canvas import SHADE, Canvas, DesignError, Face

LABEL_SIZE = 28
NOTE_SIZE = 20
BOX_H = 80  # writing boxes: 10 mm
COMB_W = 66  # comb boxes: 8.4 mm
LINE = 2  # ruling lines
CHECKBOX = 44  # outer edge of □; 40 px inside
INDENT = 16  # space between a cell's left rule and the first printed thing in it


@dataclass
class Run:
    """The interior ``area`` of a cell and a cursor ``x`` moving right as widgets are placed."""

    canvas: Canvas
    area: BBox
    x: int = -1

    def __post_init__(self) -> None:
        if self.x < 0:
            self.x = self.area[0]

    @property
    def cy(self) -> int:
        return (self.area[1] + self.area[3]) // 2

    @property
    def height(self) -> int:
        return self.area[3] - self.area[1]

    def _begin(self) -> None:
        if self.x == self.area[0]:
            self.x += self.canvas.px(INDENT)

    def _advance(self, to: int) -> None:
        if to > self.area[2]:
            raise DesignError(f"widget ends at x={to}, beyond its cell {self.area}")
        self.x = to

    def skip(self, px: int) -> Run:
        self._advance(self.x + px)
        return self

    def print(
        self, s: str, size: int | None = None, gap: int = 10, face: Face = Face.GOTHIC
    ) -> BBox:
        """Printed text at the cursor, vertically centred; the cursor moves past it (``size``
        defaults to :data:`LABEL_SIZE` at 200 dpi)."""
        size = size or self.canvas.px(LABEL_SIZE)
        self._begin()
        ink = self.canvas.text(self.x, self.cy, s, size, face=face)
        self._advance(self.x + self.canvas.text_width(s, size, face) + gap)
        return ink

    def _outer(self, w: int, h: int) -> BBox:
        if h > self.height - 8:
            raise DesignError(f"a {h} px high box does not fit in the cell {self.area}")
        self._begin()
        top = self.cy - h // 2
        return (self.x, top, self.x + w, top + h)

    def box(self, w: int, h: int | None = None, gap: int = 10) -> BBox:
        """A ruled box of outer width ``w`` (height :data:`BOX_H` at 200 dpi); returns its
        writing space."""
        outer = self._outer(w, h or self.canvas.px(BOX_H))
        self._advance(outer[2] + gap)
        return self.canvas.frame(outer, LINE)

    def rest(self) -> BBox:
        """The rest of the cell as writing space. Ruled on every side by the cell itself,
        or closed on the left by a rule when something was printed before it."""
        x0, y0, x1, y1 = self.area
        if self.x > x0:
            self.canvas.vline(self.x, y0, y1, LINE)
            x0 = self.x + LINE
        self.x = x1
        return (x0, y0, x1, y1)

    def comb(
        self,
        n: int,
        box_w: int | None = None,
        h: int | None = None,
        dash: int = 0,
        gap: int = 10,
    ) -> Segment:
        """``n`` equal boxes in one frame; dividers are 1 px, dashed when ``dash`` > 0.
        Boxes are :data:`COMB_W` x :data:`BOX_H` at 200 dpi unless told otherwise.

        The dividers sit on the box boundaries that :meth:`Segment.box_bboxes` computes.
        """
        box_w = box_w or self.canvas.px(COMB_W)
        outer = self._outer(n * box_w + 2 * LINE, h or self.canvas.px(BOX_H))
        self._advance(outer[2] + gap)
        inner = self.canvas.frame(outer, LINE)
        for i in range(1, n):
            self.canvas.vline(inner[0] + i * box_w, inner[1], inner[3], 1, dash)
        return Segment(bbox=inner, boxes=n)

    def options(
        self, items: Sequence[tuple[str, str]], size: int = 34, gap: float = 1.6
    ) -> list[Option]:
        """Printed options for circling, separated by ・.

        Each option's box is its em box grown by 0.3 em on every side (room for a hand-drawn
        circle about 1.6 times the glyph); neighbouring boxes stay ``gap - 0.6`` em apart.
        """
        pad = round(size * 0.3)
        if size + 2 * pad > self.height:
            raise DesignError(f"options of {size} px do not fit in the cell {self.area}")
        self._begin()
        self._advance(self.x + pad)
        out: list[Option] = []
        top = self.cy - size // 2
        for i, (code, label) in enumerate(items):
            if i:
                step = round(size * gap)
                self.canvas.text(self.x + step // 2, self.cy, "・", size, anchor="mm")
                self._advance(self.x + step)
            w = self.canvas.text_width(label, size)
            self.canvas.text(self.x, self.cy, label, size)
            out.append(
                Option(
                    code=code,
                    label=label,
                    bbox=(self.x - pad, top - pad, self.x + w + pad, top + size + pad),
                )
            )
            self._advance(self.x + w)
        self._advance(self.x + pad)
        return out

    def checkbox(self, gap: int = 14) -> BBox:
        """A □ of :data:`CHECKBOX` px; returns the space inside its lines."""
        side = self.canvas.px(CHECKBOX)
        return self.box(side, side, gap)


@dataclass(frozen=True)
class Cell:
    """One label + content pair in a grid row. ``width`` is the content width (None: the rest)."""

    label: str | None
    width: int | None = None
    label_width: int | None = None


class Grid:
    """Rows of label and content cells in a frame of ``frame`` px; see :meth:`row`."""

    def __init__(
        self, canvas: Canvas, x0: int, x1: int, y0: int, *, label_w: int, frame: int = 4
    ) -> None:
        self.canvas = canvas
        self.x0, self.x1, self.top = x0, x1, y0
        self.label_w = label_w
        self.frame = frame
        self.y = y0
        self._indent = 0
        self._first_in_section = False

    def _label(self, area: BBox, text: str) -> None:
        self.canvas.fill(area, SHADE)
        first, *notes = text.split("\n")
        px = self.canvas.px
        heights = [px(LABEL_SIZE)] + [px(NOTE_SIZE)] * len(notes)
        total = sum(round(h * 1.3) for h in heights)
        y = (area[1] + area[3] - total) // 2
        for line, size in zip([first, *notes], heights, strict=True):
            step = round(size * 1.3)
            self.canvas.text(area[0] + px(14), y + step // 2, line, size)
            y += step

    def row(self, height: int, *cells: Cell, dash: int = 0) -> list[Run]:
        """A row ``height`` px tall including the rule above it (dashed when ``dash`` > 0).

        Returns one :class:`Run` per cell, over the content part of the cell.
        """
        c = self.canvas
        top_w = self.frame if self.y == self.top else LINE
        left = self.x0 + self.frame + self._indent
        rule_from = self.x0 if self._first_in_section or not self._indent else left
        c.hline(rule_from, self.x1, self.y, top_w, dash)
        self._first_in_section = False
        y0, y1 = self.y + top_w, self.y + height
        runs: list[Run] = []
        lx = left
        for i, cell in enumerate(cells):
            if cell.label is not None:
                lw = cell.label_width or (self.label_w if i == 0 else self._measure(cell.label))
                self._label((lx, y0, lx + lw, y1), cell.label)
                c.vline(lx + lw, y0, y1, LINE)
                lx += lw + LINE
            last = i == len(cells) - 1
            end = self.x1 - self.frame if cell.width is None else lx + cell.width
            if last and end != self.x1 - self.frame:
                raise DesignError(f"row at y={self.y}: cells end at {end}, not at the frame")
            runs.append(Run(c, (lx, y0, end, y1)))
            if not last:
                c.vline(end, y0, y1, LINE)
                lx = end + LINE
        self.y += height
        return runs

    def _measure(self, label: str) -> int:
        size = self.canvas.px(LABEL_SIZE)
        return max(self.canvas.text_width(ln, size) for ln in label.split("\n")) + 30

    @contextmanager
    def section(self, title: str, width: int = 64) -> Iterator[None]:
        """Rows drawn inside share a merged cell on the left holding ``title`` vertically."""
        top = self.y
        self._indent, self._first_in_section = width + LINE, True
        try:
            yield
        finally:
            self._indent = 0
        x = self.x0 + self.frame
        top_w = self.frame if top == self.top else LINE
        self.canvas.fill((x, top + top_w, x + width, self.y), SHADE)
        self.canvas.vline(x + width, top + top_w, self.y, LINE)
        self.canvas.vertical_text(
            x + width // 2, (top + top_w + self.y) // 2, title, self.canvas.px(LABEL_SIZE)
        )

    def close(self) -> int:
        """Draw the outer frame; returns the y just below it."""
        bottom = self.y + self.frame
        self.canvas.frame((self.x0, self.top, self.x1, bottom), self.frame)
        return bottom


def bands(
    area: BBox, heights: Sequence[int], canvas: Canvas, dash: int = 0, ruled: bool = True
) -> list[Run]:
    """Split a cell's interior into stacked runs of the given heights, with rules between
    them when ``ruled`` (the last band takes what is left)."""
    out: list[Run] = []
    y = area[1]
    for i, h in enumerate(heights):
        y1 = area[3] if i == len(heights) - 1 else y + h
        out.append(Run(canvas, (area[0], y, area[2], y1)))
        if i < len(heights) - 1:
            if ruled:
                canvas.hline(area[0], area[2], y1, LINE, dash)
            y = y1 + (LINE if ruled else 0)
    return out
