"""A form being made from a blank scan by drawing its field boxes (the review UI's 帳票作成
page): the draft's fields in ``form.yaml`` form, what each still lacks, and writing the finished
folder (``form.yaml`` + ``template.png``) where formocr finds its forms.

A field grows one drawn box at a time: a text-like field gets its writing space (a second box
adds a segment), a choice one option per box, a date its year, month and day, a checkbox its
box. The draft is plain typed data (:class:`FormDraft` of :class:`DraftField`), so that a page
can keep it in its session and a test can build one without a browser; each field turns into
its ``form.yaml`` entry (:meth:`DraftField.as_entry`) only when the form is checked or written.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .registry import SCHEMA_FILE, FormDefinition, load_form
from .spec import IDENT, BBox, FieldSpec, FieldType, FormSpec, ReviewPolicy

TEMPLATE_FILE = "template.png"
DATE_PARTS = ("year", "month", "day")


class DraftError(ValueError):
    """A drawn box or a field cannot go into the draft. The message says why (English);
    ``code`` and ``subject`` let a user interface say it in its own words."""

    def __init__(self, message: str, code: str, subject: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.subject = subject


@dataclass
class DraftSegment:
    """A text-like field's writing space; ``boxes`` is its comb's box count (0: no comb)."""

    bbox: BBox
    boxes: int = 0


@dataclass
class DraftOption:
    """One option of a choice (or a circled era): its code, its label and its drawn box."""

    code: str
    label: str
    bbox: BBox


@dataclass
class DraftField:
    """A field in the making: what the 帳票作成 page asked, and the boxes drawn so far. Only
    the boxes its type uses are filled: ``bbox`` (checkbox, presence), ``segments`` (text-like),
    ``parts`` (a date's year, month and day, in the order drawn), ``options`` (choice, circled
    era)."""

    id: str
    label: str
    type: FieldType
    required: bool = False
    review: ReviewPolicy = ReviewPolicy.AUTO
    double_entry: bool = False
    sensitive: bool = False
    era: str | None = None
    bbox: BBox | None = None
    segments: list[DraftSegment] = field(default_factory=list)
    parts: dict[str, BBox] = field(default_factory=dict)
    options: list[DraftOption] = field(default_factory=list)

    def as_entry(self) -> dict[str, Any]:
        """The field as its ``form.yaml`` entry: keys in the order the built-in forms write
        them, and only those that say something (no ``required: false``, no empty lists)."""
        entry: dict[str, Any] = {"id": self.id, "label": self.label, "type": self.type.value}
        flags = (
            ("required", self.required),
            ("review", self.review is not ReviewPolicy.AUTO and self.review.value),
            ("double_entry", self.double_entry),
            ("sensitive", self.sensitive),
            ("era", self.era),
        )
        entry |= {key: value for key, value in flags if value}
        if self.bbox is not None:
            entry["bbox"] = list(self.bbox)
        if self.segments:
            entry["segments"] = [
                {"bbox": list(s.bbox)} | ({"boxes": s.boxes} if s.boxes else {})
                for s in self.segments
            ]
        if self.parts:
            entry["parts"] = {part: {"bbox": list(box)} for part, box in self.parts.items()}
        if self.options:
            entry["options"] = [
                {"code": o.code, "label": o.label, "bbox": list(o.bbox)} for o in self.options
            ]
        return entry

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> DraftField:
        """The field of a ``form.yaml`` entry written by :meth:`as_entry` (the way back)."""
        return cls(
            id=str(entry["id"]),
            label=str(entry["label"]),
            type=FieldType(entry["type"]),
            required=bool(entry.get("required", False)),
            review=ReviewPolicy(entry.get("review", ReviewPolicy.AUTO)),
            double_entry=bool(entry.get("double_entry", False)),
            sensitive=bool(entry.get("sensitive", False)),
            era=entry.get("era"),
            bbox=_box(entry["bbox"]) if entry.get("bbox") else None,
            segments=[
                DraftSegment(_box(s["bbox"]), int(s.get("boxes", 0)))
                for s in entry.get("segments", ())
            ],
            parts={part: _box(seg["bbox"]) for part, seg in entry.get("parts", {}).items()},
            options=[
                DraftOption(str(o["code"]), str(o["label"]), _box(o["bbox"]))
                for o in entry.get("options", ())
            ],
        )


@dataclass
class FormDraft:
    """A form in the making; ``fields`` in reading order."""

    id: str = ""
    title: str = ""
    version: int = 1
    dpi: int = 200
    fields: list[DraftField] = field(default_factory=list)

    def field_ids(self) -> list[str]:
        return [f.id for f in self.fields]

    def get(self, field_id: str) -> DraftField:
        for entry in self.fields:
            if entry.id == field_id:
                return entry
        raise DraftError(f"no field {field_id!r} in the draft", "no_field", field_id)

    def boxes(self) -> list[tuple[str, str, BBox]]:
        """Every drawn box: (field id, what it is, box), for drawing them on the template."""
        out: list[tuple[str, str, BBox]] = []
        for f in self.fields:
            if f.bbox is not None:
                out.append((f.id, "", f.bbox))
            out.extend((f.id, f"{n}", seg.bbox) for n, seg in enumerate(f.segments, 1))
            out.extend((f.id, part, box) for part, box in f.parts.items())
            out.extend((f.id, option.code, option.bbox) for option in f.options)
        return out


def _box(value: Any) -> BBox:
    x0, y0, x1, y1 = (int(v) for v in value)
    return (x0, y0, x1, y1)


def check_box(box: BBox, size: tuple[int, int]) -> BBox:
    """``box`` as whole pixels inside a template of ``size`` (width, height), at least 4 px
    each way."""
    x0, y0, x1, y1 = (round(v) for v in box)
    width, height = size
    x0, x1 = sorted((max(0, min(width, x0)), max(0, min(width, x1))))
    y0, y1 = sorted((max(0, min(height, y0)), max(0, min(height, y1))))
    if x1 - x0 < 4 or y1 - y0 < 4:
        raise DraftError(f"the box {list(box)} is too small (at least 4 x 4 pixels)", "too_small")
    return (x0, y0, x1, y1)


def add_field(
    draft: FormDraft,
    *,
    field_id: str,
    label: str,
    type_: FieldType,
    box: BBox,
    boxes: int = 0,
    required: bool = False,
    review: str = "auto",
    double_entry: bool = False,
    sensitive: bool = False,
    era: str | None = None,
    part: str = "year",
    option: tuple[str, str] | None = None,
) -> DraftField:
    """A new field whose first drawn box is ``box``; added at the end of ``draft``.

    ``boxes`` is the comb's box count of a text-like field; ``era`` the printed era of a
    ``wareki_date`` (without it, eras are circled: add them as options); ``part`` which part of
    a date ``box`` is; ``option`` (code, label) what ``box`` is in a choice."""
    if not re.fullmatch(IDENT, field_id):
        raise DraftError(
            f"field id {field_id!r}: use lower-case letters, digits and _, starting with a letter",
            "bad_id",
            field_id,
        )
    if field_id in draft.field_ids():
        raise DraftError(f"field id {field_id!r} is already in the draft", "duplicate_id", field_id)
    if not label.strip():
        raise DraftError("a field needs a label (the name reviewers see)", "no_label")
    entry = DraftField(
        id=field_id,
        label=label.strip(),
        type=type_,
        required=required,
        review=ReviewPolicy(review),
        double_entry=double_entry,
        sensitive=sensitive,
        era=era if type_ is FieldType.WAREKI_DATE and era else None,
    )
    draft.fields.append(entry)
    try:
        add_box(draft, field_id, box, boxes=boxes, part=part, option=option)
    except DraftError:
        draft.fields.pop()
        raise
    return entry


def add_box(
    draft: FormDraft,
    field_id: str,
    box: BBox,
    *,
    boxes: int = 0,
    part: str = "year",
    option: tuple[str, str] | None = None,
) -> None:
    """Add a drawn ``box`` to the field ``field_id`` (see :func:`add_field` for the rest)."""
    entry = draft.get(field_id)
    type_ = entry.type
    bbox = _box(box)
    if type_ in (FieldType.CHECKBOX, FieldType.PRESENCE):
        entry.bbox = bbox
    elif type_ is FieldType.CHOICE or (type_ is FieldType.WAREKI_DATE and option is not None):
        if option is None or not option[0].strip() or not option[1].strip():
            raise DraftError(
                f"field {field_id!r}: an option needs a code and a label", "no_option", field_id
            )
        code, text = option[0].strip(), option[1].strip()
        if any(o.code == code for o in entry.options):
            raise DraftError(
                f"field {field_id!r} already has an option {code!r}", "duplicate_option", code
            )
        entry.options.append(DraftOption(code, text, bbox))
    elif type_.is_date:
        if part not in DATE_PARTS:
            raise DraftError(
                f"a date part is one of {', '.join(DATE_PARTS)}, not {part!r}", "bad_part", part
            )
        entry.parts[part] = bbox
    else:
        entry.segments.append(DraftSegment(bbox, boxes))


def remove_field(draft: FormDraft, field_id: str) -> None:
    draft.fields.remove(draft.get(field_id))


def field_problems(entry: DraftField) -> list[str]:
    """What the field still lacks (empty when it is complete), in English."""
    try:
        FieldSpec.model_validate(entry.as_entry())
    except ValidationError as exc:
        return [str(err["msg"]).removeprefix("Value error, ") for err in exc.errors()]
    return []


FORM_GAPS = {
    "bad_form_id": "the form id: use lower-case letters, digits and _",
    "no_title": "the form needs a title",
    "no_fields": "the form has no fields yet",
}
"""What the draft as a whole may lack, by code (a user interface says it in its words)."""


def form_gaps(draft: FormDraft) -> list[str]:
    """The codes of :data:`FORM_GAPS` that apply to ``draft``."""
    gaps = []
    if not re.fullmatch(IDENT, draft.id):
        gaps.append("bad_form_id")
    if not draft.title.strip():
        gaps.append("no_title")
    if not draft.fields:
        gaps.append("no_fields")
    return gaps


def form_problems(draft: FormDraft, size: tuple[int, int]) -> list[str]:
    """Everything that keeps the draft from being saved (empty: it can be saved)."""
    problems = [FORM_GAPS[gap] for gap in form_gaps(draft)]
    for entry in draft.fields:
        problems.extend(f"{entry.id}: {p}" for p in field_problems(entry))
    if not problems:
        try:
            FormSpec.model_validate(spec_dict(draft))
        except ValidationError as exc:
            problems.extend(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    width, height = size
    for fid, _what, (x0, y0, x1, y1) in draft.boxes():
        if x1 > width or y1 > height or min(x0, y0) < 0:
            problems.append(f"{fid}: a box lies outside the {width}x{height} template")
    return problems


def spec_dict(draft: FormDraft) -> dict[str, Any]:
    return {
        "id": draft.id,
        "version": draft.version,
        "title": draft.title.strip(),
        "template": {"image": TEMPLATE_FILE, "dpi": draft.dpi},
        "fields": [e.as_entry() for e in draft.fields],
    }


def form_yaml(draft: FormDraft, author: str, when: datetime) -> str:
    head = (
        f"# {draft.title.strip()}\n"
        f"# Drawn in the review UI (帳票作成) by {author}, "
        f"{when.isoformat(timespec='seconds')}.\n"
        "# Coordinates are template pixels at template.dpi; see form_schemas/README.md.\n"
    )
    body = yaml.safe_dump(spec_dict(draft), allow_unicode=True, sort_keys=False, width=100)
    return head + body


def stage(draft: FormDraft, template_png: bytes, folder: Path, author: str) -> FormDefinition:
    """Write the draft into ``folder`` (which must exist) and load it back, checked as every
    form is (:func:`~form_schemas.registry.load_form`)."""
    (folder / TEMPLATE_FILE).write_bytes(template_png)
    text = form_yaml(draft, author, datetime.now().astimezone())
    (folder / SCHEMA_FILE).write_text(text, encoding="utf-8")
    return load_form(folder)


def save_form(
    draft: FormDraft, template_png: bytes, forms_dir: Path, author: str, taken: set[str]
) -> FormDefinition:
    """Write the finished form as ``forms_dir/<id>/`` (``form.yaml`` and ``template.png``),
    all at once: the folder appears complete or not at all. ``taken`` are the ids of the forms
    already installed; a form of the same id is refused (raise its version in its own folder
    to change it)."""
    if draft.id in taken or (forms_dir / draft.id).exists():
        raise DraftError(
            f"a form {draft.id!r} exists already; choose another id (to change that form, edit "
            "its folder and raise its version)",
            "form_exists",
            draft.id,
        )
    forms_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{draft.id}-", dir=forms_dir))
    try:
        stage(draft, template_png, work, author)
        for name in (TEMPLATE_FILE, SCHEMA_FILE):
            with open(work / name, "rb") as f:
                os.fsync(f.fileno())
        os.chmod(work, 0o755)
        work.rename(forms_dir / draft.id)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    fd = os.open(forms_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return load_form(forms_dir / draft.id)
