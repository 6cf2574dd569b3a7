"""A form being made from a blank scan by drawing its field boxes (the review UI's 帳票作成
page): the draft's fields in ``form.yaml`` form, what each still lacks, and writing the finished
folder (``form.yaml`` + ``template.png``) where formocr finds its forms.

A field grows one drawn box at a time: a text-like field gets its writing space (a second box
adds a segment), a choice one option per box, a date its year, month and day, a checkbox its
box. The draft is plain data (dicts as in ``form.yaml``), so that a page can keep it in its
session and a test can build one without a browser.
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
from .spec import IDENT, BBox, FieldSpec, FieldType, FormSpec

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
class FormDraft:
    """A form in the making. ``fields`` are ``form.yaml`` field entries, in reading order."""

    id: str = ""
    title: str = ""
    version: int = 1
    dpi: int = 200
    fields: list[dict[str, Any]] = field(default_factory=list)

    def field_ids(self) -> list[str]:
        return [str(f["id"]) for f in self.fields]

    def get(self, field_id: str) -> dict[str, Any]:
        for entry in self.fields:
            if entry["id"] == field_id:
                return entry
        raise DraftError(f"no field {field_id!r} in the draft", "no_field", field_id)

    def boxes(self) -> list[tuple[str, str, BBox]]:
        """Every drawn box: (field id, what it is, box), for drawing them on the template."""
        out: list[tuple[str, str, BBox]] = []
        for entry in self.fields:
            fid = str(entry["id"])
            if entry.get("bbox"):
                out.append((fid, "", _box(entry["bbox"])))
            for n, seg in enumerate(entry.get("segments", ()), 1):
                out.append((fid, f"{n}", _box(seg["bbox"])))
            for part, seg in entry.get("parts", {}).items():
                out.append((fid, part, _box(seg["bbox"])))
            for option in entry.get("options", ()):
                out.append((fid, str(option["code"]), _box(option["bbox"])))
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
) -> dict[str, Any]:
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
    entry: dict[str, Any] = {"id": field_id, "label": label.strip(), "type": type_.value}
    if required:
        entry["required"] = True
    if review != "auto":
        entry["review"] = review
    if double_entry:
        entry["double_entry"] = True
    if sensitive:
        entry["sensitive"] = True
    if type_ is FieldType.WAREKI_DATE and era:
        entry["era"] = era
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
    type_ = FieldType(entry["type"])
    bbox = list(box)
    if type_ in (FieldType.CHECKBOX, FieldType.PRESENCE):
        entry["bbox"] = bbox
    elif type_ is FieldType.CHOICE or (type_ is FieldType.WAREKI_DATE and option is not None):
        if option is None or not option[0].strip() or not option[1].strip():
            raise DraftError(
                f"field {field_id!r}: an option needs a code and a label", "no_option", field_id
            )
        code, text = option[0].strip(), option[1].strip()
        options = entry.setdefault("options", [])
        if any(o["code"] == code for o in options):
            raise DraftError(
                f"field {field_id!r} already has an option {code!r}", "duplicate_option", code
            )
        options.append({"code": code, "label": text, "bbox": bbox})
    elif type_.is_date:
        if part not in DATE_PARTS:
            raise DraftError(
                f"a date part is one of {', '.join(DATE_PARTS)}, not {part!r}", "bad_part", part
            )
        entry.setdefault("parts", {})[part] = {"bbox": bbox}
    else:
        segment: dict[str, Any] = {"bbox": bbox}
        if boxes:
            segment["boxes"] = boxes
        entry.setdefault("segments", []).append(segment)


def remove_field(draft: FormDraft, field_id: str) -> None:
    draft.fields.remove(draft.get(field_id))


def field_problems(entry: dict[str, Any]) -> list[str]:
    """What the field still lacks (empty when it is complete), in English."""
    try:
        FieldSpec.model_validate(_ordered(entry))
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
        problems.extend(f"{entry['id']}: {p}" for p in field_problems(entry))
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


_KEY_ORDER = (
    *("id", "label", "type", "required", "review", "double_entry", "sensitive", "length"),
    "lines",
    *("separator", "reading_of", "address_field", "export_column", "era", "bbox", "boxes"),
    *("segments", "parts", "options"),
)


def _ordered(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry's keys in the order the built-in forms write them."""
    return {k: entry[k] for k in _KEY_ORDER if k in entry} | {
        k: v for k, v in entry.items() if k not in _KEY_ORDER
    }


def spec_dict(draft: FormDraft) -> dict[str, Any]:
    return {
        "id": draft.id,
        "version": draft.version,
        "title": draft.title.strip(),
        "template": {"image": TEMPLATE_FILE, "dpi": draft.dpi},
        "fields": [_ordered(e) for e in draft.fields],
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
