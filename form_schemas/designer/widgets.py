"""Widgets that draw a writing space and return the field that reads it.

Each function draws at a :class:`~.layout.Run`'s cursor and returns a :class:`FieldSpec`
whose geometry is what was just drawn, so no coordinate is ever typed by hand. ``meta`` is
passed through to :class:`FieldSpec` (``required``, ``review``, ``export_column``, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..japanese.era import ERAS
from ..spec import (
    DateParts,
    Era,
    FieldSpec,
    FieldType,
    FormSpec,
    Segment,
    TableSpec,
    TemplateSpec,
)
from .canvas import BLACK, DPI, Canvas, Color
from .layout import Run

DATE_WIDTHS = (100, 84, 84)  # year, month, day writing spaces (outer px)
PHONE_WIDTHS = (150, 190, 190)
OPTION_SIZE = 34


def line(
    run: Run,
    fid: str,
    label: str,
    ftype: FieldType = FieldType.TEXT,
    *,
    width: int | None = None,
    **meta: Any,
) -> FieldSpec:
    """A free writing line: a ruled box ``width`` px wide, or the rest of the cell."""
    bbox = run.rest() if width is None else run.box(width)
    return FieldSpec(
        id=fid, label=label, type=ftype, segments=(Segment(bbox=bbox, boxes=0),), **meta
    )


def comb(
    run: Run, fid: str, label: str, ftype: FieldType, n: int, *, dash: int = 0, **meta: Any
) -> FieldSpec:
    """``n`` character boxes (水栓番号, 個人番号, ...)."""
    return FieldSpec(id=fid, label=label, type=ftype, segments=(run.comb(n, dash=dash),), **meta)


def postal_code(run: Run, fid: str, label: str, **meta: Any) -> FieldSpec:
    """〒 [3 boxes] － [4 boxes]."""
    run.print("〒", gap=8)
    first = run.comb(3, gap=6)
    run.print("－", gap=6)
    second = run.comb(4)
    return FieldSpec(
        id=fid,
        label=label,
        type=FieldType.POSTAL_CODE,
        segments=(first, second),
        separator="-",
        **meta,
    )


def phone(
    run: Run, fid: str, label: str, *, widths: Sequence[int] | None = None, **meta: Any
) -> FieldSpec:
    """Three free boxes with a printed － between them, joined with '-' (widths
    :data:`PHONE_WIDTHS` at 200 dpi unless told otherwise)."""
    widths = widths or [run.canvas.px(w) for w in PHONE_WIDTHS]
    segments: list[Segment] = []
    for i, w in enumerate(widths):
        if i:
            run.print("－", gap=6)
        segments.append(Segment(bbox=run.box(w, gap=6), boxes=0))
    return FieldSpec(
        id=fid, label=label, type=FieldType.PHONE, segments=tuple(segments), separator="-", **meta
    )


def wareki(
    run: Run,
    fid: str,
    label: str,
    *,
    era: Era | None = Era.REIWA,
    era_run: Run | None = None,
    widths: Sequence[int] | None = None,
    **meta: Any,
) -> FieldSpec:
    """元号 + [ ]年[ ]月[ ]日. With ``era`` the era is printed (令和); with ``era=None`` the
    five eras are printed for circling, on ``era_run`` when given (e.g. a band above)."""
    px = run.canvas.px
    widths = widths or [px(w) for w in DATE_WIDTHS]
    options: tuple[Any, ...] = ()
    if era is not None:
        run.print(next(e.kanji for e in ERAS if e.era is era), gap=12)
    else:
        items = [(e.era.value, e.short) for e in ERAS]
        options = tuple((era_run or run).options(items, size=px(30), gap=1.3))
        if era_run is None:
            run.skip(24)
    parts = []
    for w, unit in zip(widths, "年月日", strict=True):
        parts.append(Segment(bbox=run.box(w, gap=6), boxes=0))
        run.print(unit, gap=14)
    return FieldSpec(
        id=fid,
        label=label,
        type=FieldType.WAREKI_DATE,
        parts=DateParts(year=parts[0], month=parts[1], day=parts[2]),
        era=era,
        options=options,
        **meta,
    )


def choice(
    run: Run,
    fid: str,
    label: str,
    items: Sequence[tuple[str, str]],
    *,
    size: int | None = None,
    **meta: Any,
) -> FieldSpec:
    """Printed options (code, text) of which one is circled by hand."""
    size = size or run.canvas.px(OPTION_SIZE)
    return FieldSpec(
        id=fid, label=label, type=FieldType.CHOICE, options=tuple(run.options(items, size)), **meta
    )


def checkbox(
    run: Run, fid: str, label: str, text: str, *, size: int = 26, **meta: Any
) -> FieldSpec:
    """□ followed by the printed statement it confirms."""
    bbox = run.checkbox()
    run.print(text, size=size)
    return FieldSpec(id=fid, label=label, type=FieldType.CHECKBOX, bbox=bbox, **meta)


def amount(run: Run, fid: str, label: str, *, width: int, **meta: Any) -> FieldSpec:
    """A free box for a sum of money with 円 printed after it."""
    f = line(run, fid, label, FieldType.AMOUNT, width=width, **meta)
    run.print("円", size=30)
    return f


class FormDraft:
    """A form being drawn: its canvas and the fields and tables recorded so far."""

    def __init__(
        self, form_id: str, title: str, ink: Color = BLACK, version: int = 1, dpi: int = DPI
    ) -> None:
        self.id = form_id
        self.title = title
        self.version = version
        self.canvas = Canvas(ink, dpi=dpi)
        self.fields: list[FieldSpec] = []
        self.tables: list[TableSpec] = []

    def add(self, *fields: FieldSpec) -> None:
        self.fields.extend(fields)

    def add_table(self, table: TableSpec) -> None:
        self.tables.append(table)

    def spec(self) -> FormSpec:
        """The validated form definition (raises if references or ids are wrong)."""
        return FormSpec(
            id=self.id,
            version=self.version,
            title=self.title,
            template=TemplateSpec(image="template.png", dpi=self.canvas.dpi),
            fields=tuple(self.fields),
            tables=tuple(self.tables),
        )


__all__ = [
    "FormDraft",
    "amount",
    "checkbox",
    "choice",
    "comb",
    "line",
    "phone",
    "postal_code",
    "wareki",
]
