"""The form definition format: what a ``form.yaml`` file may say.

A form is a folder holding a blank template image and a ``form.yaml`` that describes the
field zones in the template's pixel coordinates. ``form_schemas/README.md`` documents the
format for administrators; this module is its single source of truth.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

BBox = tuple[int, int, int, int]
"""``(x0, y0, x1, y1)`` in template pixels, x1 > x0 and y1 > y0."""

FieldValue = str | int | bool | None
"""A field value in export form: ISO date strings, digit strings, ints for amounts,
bools for checkboxes and presence, option codes for choices, ``None`` when empty."""

IDENT = r"^[a-z][a-z0-9_]*$"
MAX_VOCABULARY = 500  # words of a field's vocabulary (a closed list such as 続柄)


class FieldType(StrEnum):
    """Field types; ``form_schemas.fieldtypes`` normalises and checks each of them."""

    TEXT = "text"
    NAME = "name"
    ADDRESS = "address"
    KANA = "kana"
    DATE = "date"
    WAREKI_DATE = "wareki_date"
    POSTAL_CODE = "postal_code"
    PHONE = "phone"
    MYNUMBER = "mynumber"
    DIGITS = "digits"
    AMOUNT = "amount"
    CHOICE = "choice"
    CHECKBOX = "checkbox"
    PRESENCE = "presence"

    @property
    def is_mark(self) -> bool:
        """Read from pixels (ink in boxes), not by the text recognizer."""
        return self in (FieldType.CHOICE, FieldType.CHECKBOX, FieldType.PRESENCE)

    @property
    def is_date(self) -> bool:
        return self in (FieldType.DATE, FieldType.WAREKI_DATE)

    @property
    def is_digit_run(self) -> bool:
        """Written as digits only, one per box or group, so that each can be cut apart and read
        alone (the second reader's field types; amounts are not among them)."""
        return self in _DIGIT_RUNS


_DIGIT_RUNS = frozenset(
    {
        FieldType.DIGITS,
        FieldType.MYNUMBER,
        FieldType.POSTAL_CODE,
        FieldType.PHONE,
        FieldType.DATE,
        FieldType.WAREKI_DATE,
    }
)


class ReviewPolicy(StrEnum):
    """When a human must look at a field."""

    AUTO = "auto"  # review when the machine is unsure or a check fails
    ALWAYS = "always"  # e.g. 個人番号 and amounts
    NEVER = "never"  # informational fields; failed checks are still reported


class Era(StrEnum):
    MEIJI = "meiji"
    TAISHO = "taisho"
    SHOWA = "showa"
    HEISEI = "heisei"
    REIWA = "reiwa"


def _check_bbox(b: BBox) -> BBox:
    x0, y0, x1, y1 = b
    if x0 < 0 or y0 < 0 or x1 <= x0 or y1 <= y0:
        raise ValueError(f"bbox {list(b)} must be [x0, y0, x1, y1] with x1 > x0 >= 0, y1 > y0 >= 0")
    return b


CheckedBBox = Annotated[BBox, AfterValidator(_check_bbox)]


def union(boxes: list[BBox]) -> BBox:
    """Smallest box holding all ``boxes``."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def shift(b: BBox, dx: int, dy: int) -> BBox:
    return (b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """One printed option of a circled choice (丸囲み), or an era of a 和暦 date."""

    code: str
    label: str
    bbox: CheckedBBox


class Segment(_Strict):
    """A run of writing space: a free line (``boxes: 0``) or a comb of equal boxes."""

    bbox: CheckedBBox
    boxes: int = Field(0, ge=0, le=64)

    def box_bboxes(self) -> list[BBox]:
        """The comb's boxes, left to right (empty for a free line)."""
        if self.boxes == 0:
            return []
        x0, y0, x1, y1 = self.bbox
        w = (x1 - x0) / self.boxes
        return [(round(x0 + i * w), y0, round(x0 + (i + 1) * w), y1) for i in range(self.boxes)]


class DateParts(_Strict):
    """Writing spaces of year, month and day (the printed 年 月 日 sit between them)."""

    year: Segment
    month: Segment
    day: Segment

    def segments(self) -> list[Segment]:
        return [self.year, self.month, self.day]


class FieldSpec(_Strict):
    """One field. Geometry depends on ``type``:

    - text-like types: ``segments`` (or the shorthand ``bbox`` + ``boxes``);
    - ``date`` / ``wareki_date``: ``parts``; ``wareki_date`` also ``era`` (printed, fixed)
      or ``options`` (eras to circle);
    - ``choice``: ``options``; ``checkbox`` and ``presence``: ``bbox``.
    """

    id: Annotated[str, Field(pattern=IDENT)]
    label: str
    type: FieldType
    bbox: CheckedBBox | None = None
    boxes: int = Field(0, ge=0, le=64)
    segments: tuple[Segment, ...] = ()
    parts: DateParts | None = None
    era: Era | None = None
    options: tuple[Option, ...] = ()
    required: bool = False
    review: ReviewPolicy = ReviewPolicy.AUTO
    double_entry: bool = False
    sensitive: bool = False
    length: int | None = Field(None, ge=1, le=64)
    lines: int = Field(1, ge=1, le=6)
    separator: str = ""
    reading_of: str | None = None
    address_field: str | None = None
    export_column: str | None = None
    vocabulary: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: object) -> object:
        """``bbox`` + ``boxes`` on a text-like field means one segment."""
        if not isinstance(data, dict):
            return data
        ftype = data.get("type")
        text_like = ftype not in (None, "choice", "checkbox", "presence", "date", "wareki_date")
        if text_like and data.get("bbox") is not None and not data.get("segments"):
            data = dict(data)
            data["segments"] = [{"bbox": data["bbox"], "boxes": data.get("boxes", 0)}]
            data.pop("boxes", None)
            data["bbox"] = None
        return data

    @model_validator(mode="after")
    def _geometry(self) -> Self:
        t = self.type
        if t.is_date:
            if self.parts is None:
                raise ValueError(f"field {self.id!r}: a {t} field needs 'parts' (year, month, day)")
            if t is FieldType.WAREKI_DATE and (self.era is None) == (not self.options):
                raise ValueError(
                    f"field {self.id!r}: a wareki_date needs either 'era' (printed) or "
                    "'options' (eras to circle), not both"
                )
            if t is FieldType.WAREKI_DATE:
                valid = {e.value for e in Era}
                bad = [o.code for o in self.options if o.code not in valid]
                if bad:
                    raise ValueError(
                        f"field {self.id!r}: unknown era codes {bad}; use {sorted(valid)}"
                    )
        elif t is FieldType.CHOICE:
            if len(self.options) < 2:
                raise ValueError(f"field {self.id!r}: a choice needs at least two options")
        elif t in (FieldType.CHECKBOX, FieldType.PRESENCE):
            if self.bbox is None:
                raise ValueError(f"field {self.id!r}: a {t} field needs 'bbox'")
        elif not self.segments:
            raise ValueError(f"field {self.id!r}: a {t} field needs 'bbox' or 'segments'")
        codes = [o.code for o in self.options]
        if len(set(codes)) != len(codes):
            raise ValueError(f"field {self.id!r}: option codes must be unique")
        if t is FieldType.MYNUMBER and self.total_boxes not in (0, 12):
            raise ValueError(f"field {self.id!r}: 個人番号 has 12 boxes, not {self.total_boxes}")
        self._check_vocabulary()
        return self

    def _check_vocabulary(self) -> None:
        words = self.vocabulary
        if not words:
            return
        if self.type is not FieldType.TEXT or self.lines != 1 or len(self.segments) != 1:
            raise ValueError(
                f"field {self.id!r}: 'vocabulary' is for a one-line text field written in one "
                "space (続柄, 職業)"
            )
        if len(words) > MAX_VOCABULARY or any(not w.strip() or len(w) > 32 for w in words):
            raise ValueError(
                f"field {self.id!r}: 'vocabulary' holds 1 to {MAX_VOCABULARY} words of 1 to 32 "
                "characters, none empty"
            )
        if len(set(words)) != len(words):
            raise ValueError(f"field {self.id!r}: a word is listed twice in 'vocabulary'")

    @property
    def total_boxes(self) -> int:
        return sum(s.boxes for s in self.segments)

    @property
    def expected_length(self) -> int | None:
        """Digits expected for fixed-length fields (from ``length`` or the comb)."""
        if self.length is not None:
            return self.length
        if self.type is FieldType.MYNUMBER:
            return 12
        if self.type is FieldType.POSTAL_CODE:
            return 7
        if self.type is FieldType.DIGITS and self.total_boxes:
            return self.total_boxes
        return None

    def all_segments(self) -> list[Segment]:
        if self.parts is not None:
            return self.parts.segments()
        return list(self.segments)

    def outline(self) -> BBox:
        """Bounding box of everything the field reads."""
        boxes = [s.bbox for s in self.all_segments()] + [o.bbox for o in self.options]
        if self.bbox is not None:
            boxes.append(self.bbox)
        return union(boxes)

    def shifted(self, dx: int, dy: int, new_id: str) -> FieldSpec:
        """A copy moved by (dx, dy): how table rows are made from the first row."""
        data = self.model_dump()

        def move(node: object) -> object:
            if isinstance(node, dict):
                return {
                    k: (shift(tuple(v), dx, dy) if k == "bbox" and v is not None else move(v))
                    for k, v in node.items()
                }
            if isinstance(node, list | tuple):
                return [move(v) for v in node]
            return node

        moved = FieldSpec.model_validate(move(data))
        # Cell ids (TABLE.ROW.COLUMN) are made here, not written by hand: no pattern check.
        return moved.model_copy(update={"id": new_id})

    @property
    def column(self) -> str:
        return self.export_column or self.label


class TableSpec(_Strict):
    """A table of ``rows`` equal rows. ``columns`` carry the geometry of row 0;
    row ``r`` is row 0 moved down by ``r * row_pitch``. Cell fields are named
    ``TABLE.ROW.COLUMN``; a column's ``required`` applies to rows that hold any writing."""

    id: Annotated[str, Field(pattern=IDENT)]
    label: str
    rows: int = Field(ge=1, le=50)
    row_pitch: int = Field(ge=1)
    columns: tuple[FieldSpec, ...]

    def cell_id(self, row: int, column: str) -> str:
        return f"{self.id}.{row}.{column}"

    def expand(self) -> list[FieldSpec]:
        cells: list[FieldSpec] = []
        for r in range(self.rows):
            for col in self.columns:
                cell = col.shifted(0, r * self.row_pitch, self.cell_id(r, col.id))
                refs = {
                    k: self.cell_id(r, v)
                    for k, v in (
                        ("reading_of", col.reading_of),
                        ("address_field", col.address_field),
                    )
                    if v is not None
                }
                cells.append(cell.model_copy(update=refs) if refs else cell)
        return cells


class TemplateSpec(_Strict):
    image: str = "template.png"
    dpi: int = Field(200, ge=100, le=600)


class FormSpec(_Strict):
    """A whole form definition, versioned; the version is stamped on every record."""

    id: Annotated[str, Field(pattern=IDENT)]
    version: int = Field(1, ge=1)
    title: str
    template: TemplateSpec = TemplateSpec()
    fields: tuple[FieldSpec, ...] = ()
    tables: tuple[TableSpec, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Self:
        ids = [f.id for f in self.fields] + [t.id for t in self.tables]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"form {self.id!r}: duplicate field ids {dupes}")
        known = {f.id for f in self.fields}
        for f in self.fields:
            for ref in (f.reading_of, f.address_field):
                if ref is not None and ref not in known:
                    raise ValueError(f"field {f.id!r} refers to unknown field {ref!r}")
        for t in self.tables:
            col_ids = {c.id for c in t.columns}
            for c in t.columns:
                for ref in (c.reading_of, c.address_field):
                    if ref is not None and ref not in col_ids:
                        raise ValueError(
                            f"table {t.id!r} column {c.id!r} refers to unknown column {ref!r}"
                        )
        return self

    def all_fields(self) -> list[FieldSpec]:
        """Top-level fields and table cells, in reading order of the schema."""
        out = list(self.fields)
        for t in self.tables:
            out.extend(t.expand())
        return out

    def field(self, field_id: str) -> FieldSpec:
        for f in self.all_fields():
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    @property
    def key(self) -> str:
        """``id@version``: what records are stamped with."""
        return f"{self.id}@{self.version}"
