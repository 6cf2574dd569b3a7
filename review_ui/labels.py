"""What fields and people are called on screen: a table cell by its table, row and column
(``異動する人 2行目 フリガナ``), a user by their display name, the system's own actors in
Japanese. Pure functions (no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping

from form_schemas.spec import FieldSpec, FormSpec

from . import texts

SYSTEM_ACTORS = {
    "system:watch": "受付（監視フォルダ）",
    "system:watcher": "受付（監視フォルダ）",
    "system:ocr": "OCR 読み取り",
    "system:demo": "デモ",
}
_by_form: dict[str, tuple[FormSpec, dict[str, FieldSpec], dict[str, str]]] = {}


def _index(form: FormSpec) -> tuple[dict[str, FieldSpec], dict[str, str]]:
    """Every field of ``form`` by id, and each table cell's title (made once per form
    definition: ``FormSpec.field`` expands the tables on every call)."""
    known = _by_form.get(form.key)
    if known is not None and known[0] is form:
        return known[1], known[2]
    specs = {f.id: f for f in form.all_fields()}
    cells = {
        table.cell_id(row, column.id): f"{table.label} {row + 1}行目 {column.label}"
        for table in form.tables
        for row in range(table.rows)
        for column in table.columns
    }
    _by_form[form.key] = (form, specs, cells)
    return specs, cells


def spec(form: FormSpec | None, field_id: str) -> FieldSpec | None:
    """The field ``field_id`` of ``form`` (``None`` when the form or field is unknown)."""
    return None if form is None else _index(form)[0].get(field_id)


def field_label(form: FormSpec | None, field_id: str) -> str:
    """A field's name for people: its label, or for a table cell the table's label, the row
    number (from 1) and the column's label; the id when the form does not know it."""
    if form is None:
        return field_id
    specs, cells = _index(form)
    if field_id in cells:
        return cells[field_id]
    found = specs.get(field_id)
    return found.label if found is not None else field_id


def field_title(form: FormSpec | None, field_id: str, field_type: str) -> str:
    """The heading of a field under review: its name with its type in brackets; a table
    cell's column label that already is the type's name is not repeated (``異動する人 2行目
    フリガナ``, not ``フリガナ（フリガナ）``)."""
    label = field_label(form, field_id)
    kind = texts.field_type(field_type)
    if form is not None and field_id in _index(form)[1] and label.endswith(f" {kind}"):
        return label
    return f"{label}（{kind}）"


def actor_name(actor: str | None, names: Mapping[str, str]) -> str:
    """Who did something, for people: a user's display name (their login id when they have
    none, ``names`` maps login ids to display names), the system's actors in Japanese."""
    if not actor:
        return ""
    if actor in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[actor]
    kind, _, who = actor.partition(":")
    if kind == "user" and who:
        return names.get(who) or who
    if kind == "system" and who:
        return f"システム（{who}）"
    return actor
