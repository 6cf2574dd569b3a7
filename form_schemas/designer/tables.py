"""Ruled tables whose rows repeat: the geometry behind :class:`TableSpec`.

A table is drawn row by row with the same painter; the painter's fields for row 0 become the
table's columns, and every later row is checked to be row 0 moved down by ``row_pitch`` — the
invariant :meth:`TableSpec.expand` relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..spec import FieldSpec, TableSpec
from .canvas import SHADE, Canvas, DesignError
from .layout import LINE, Run, bands

HEADER_SIZE = 24


@dataclass(frozen=True)
class Column:
    """A table column: ``header`` text (lines split by ``\\n``), content ``width`` (None: the
    rest of the table) and whether its cells are split into an upper and a lower band."""

    key: str
    header: str
    width: int | None = None
    banded: bool = False


RowCells = dict[str, list[Run]]
Painter = Callable[[RowCells, int], list[FieldSpec]]


class Table:
    """A header row and equal body rows inside a frame; :meth:`row` draws the next row."""

    def __init__(
        self,
        canvas: Canvas,
        box: tuple[int, int, int],
        columns: Sequence[Column],
        *,
        header_h: int,
        row_h: int,
        upper_h: int = 0,
        frame: int = 4,
        dash: int = 8,
    ) -> None:
        self.canvas = canvas
        self.x0, self.x1, self.top = box
        self.columns = list(columns)
        self.row_h, self.upper_h, self.frame, self.dash = row_h, upper_h, frame, dash
        self._spans = self._column_spans()
        self.body_top = self.top + header_h
        self.rows = 0
        self._header()

    def _column_spans(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        x = self.x0 + self.frame
        for i, col in enumerate(self.columns):
            end = self.x1 - self.frame if col.width is None else x + col.width
            if i == len(self.columns) - 1 and end != self.x1 - self.frame:
                raise DesignError(f"table columns end at {end}, not at the frame")
            spans.append((x, end))
            x = end + LINE
        return spans

    def _vrules(self, y0: int, y1: int) -> None:
        for _, end in self._spans[:-1]:
            self.canvas.vline(end, y0, y1, LINE)

    def _header(self) -> None:
        c = self.canvas
        y0, y1 = self.top + self.frame, self.body_top
        for (x0, x1), col in zip(self._spans, self.columns, strict=True):
            c.fill((x0, y0, x1, y1), SHADE)
            lines = col.header.split("\n")
            size = c.px(HEADER_SIZE)
            step = round(size * 1.35)
            first = (y0 + y1) // 2 - step * (len(lines) - 1) // 2
            for i, text in enumerate(lines):
                c.text((x0 + x1) // 2, first + i * step, text, size, anchor="mm")
        self._vrules(y0, y1)

    def row(self) -> RowCells:
        """Draw the next body row; returns the runs of each column (two when banded)."""
        y = self.body_top + self.rows * self.row_h
        self.canvas.hline(self.x0, self.x1, y, LINE)
        y0, y1 = y + LINE, y + self.row_h
        self._vrules(y0, y1)
        cells: RowCells = {}
        for (x0, x1), col in zip(self._spans, self.columns, strict=True):
            area = (x0, y0, x1, y1)
            if col.banded:
                cells[col.key] = bands(area, [self.upper_h, 0], self.canvas, self.dash)
            else:
                cells[col.key] = [Run(self.canvas, area)]
        self.rows += 1
        return cells

    def close(self) -> int:
        """Draw the outer frame; returns the y just below it."""
        bottom = self.body_top + self.rows * self.row_h + self.frame
        self.canvas.frame((self.x0, self.top, self.x1, bottom), self.frame)
        return bottom


def record_table(table: Table, tid: str, label: str, rows: int, paint: Painter) -> TableSpec:
    """Draw ``rows`` rows with ``paint`` and describe them as a :class:`TableSpec`."""
    if table.rows:
        raise DesignError("record_table must draw the table's first row")
    columns = paint(table.row(), 0)
    for r in range(1, rows):
        drawn = paint(table.row(), r)
        expected = [c.shifted(0, r * table.row_h, c.id) for c in columns]
        if [f.model_dump() for f in drawn] != [f.model_dump() for f in expected]:
            raise DesignError(f"table {tid!r}: row {r} is not row 0 moved by the row pitch")
    return TableSpec(id=tid, label=label, rows=rows, row_pitch=table.row_h, columns=tuple(columns))
