"""Page furniture shared by the built-in forms: margins, 注意事項, the office-use strip."""

from __future__ import annotations

from collections.abc import Sequence

from .canvas import A4_SIZE, Canvas, DesignError
from .tables import Column, Table

LEFT = 120  # page margins: 15 mm, clear of scanner edge shadows
RIGHT = A4_SIZE[0] - 120
CENTRE = A4_SIZE[0] // 2
BOTTOM = A4_SIZE[1] - 110
NOTE_SIZE = 22


def notes(canvas: Canvas, y: int, items: Sequence[str], title: str = "注意事項") -> int:
    """A numbered list of printed notes under a heading; returns the y below it."""
    canvas.text(LEFT, y, f"【{title}】", 26, anchor="lt")
    y += 42
    for i, item in enumerate(items, start=1):
        canvas.text(LEFT + 8, y, f"{i}.", NOTE_SIZE, anchor="lt")
        y = canvas.wrapped(LEFT + 44, y, item, NOTE_SIZE, max_width=RIGHT - LEFT - 44, leading=1.45)
        y += 4
    return _check(y)


def office_use(
    canvas: Canvas, y: int, title: str, headers: Sequence[str], height: int = 110
) -> int:
    """A strip of stamp cells for the office (not read by the OCR); returns the y below it."""
    canvas.text(LEFT, y, f"※{title}（記入しないでください）", 22, anchor="lt")
    y += 34
    n = len(headers)
    width = (RIGHT - LEFT - 2 * 2 - 2 * (n - 1)) // n
    cols = [Column(f"c{i}", h, width if i < n - 1 else None) for i, h in enumerate(headers)]
    table = Table(canvas, (LEFT, RIGHT, y), cols, header_h=44, row_h=height, frame=2)
    table.row()
    return _check(table.close())


def _check(y: int) -> int:
    if y > BOTTOM:
        raise DesignError(f"the page content ends at y={y}, inside the bottom margin ({BOTTOM})")
    return y
