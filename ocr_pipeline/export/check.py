"""Checking a profile against its form, and binding its columns to the form's fields.

:func:`check_profile` lists every problem (an empty list means the profile can be used);
:func:`bind_columns` is what the writer uses, and raises when there are problems.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from form_schemas.spec import FieldSpec, FieldType, FormSpec, TableSpec

from .errors import ProfileInvalidError
from .profile import ROW_WILDCARD, ChoiceStyle, Column, ExportProfile, Meta

_DIGITS_ONLY_TYPES = (FieldType.POSTAL_CODE, FieldType.PHONE)
_BOOLEAN_TYPES = (FieldType.CHECKBOX, FieldType.PRESENCE)


@dataclass(frozen=True)
class BoundColumn:
    """A column with its header name and, for field columns, the field it reads.

    For a ``members.*.name`` column ``spec`` is the table column's spec (the same for every
    row) and :meth:`field_id` gives the cell of a given row."""

    column: Column
    name: str
    spec: FieldSpec | None

    def field_id(self, row: int | None) -> str:
        ref = self.column.field
        if ref is None:
            return self.column.source
        if row is None:
            return ref
        return ref.replace(f".{ROW_WILDCARD}.", f".{row}.")


def _table(form: FormSpec, table_id: str) -> TableSpec | None:
    return next((t for t in form.tables if t.id == table_id), None)


def _resolve_cell(
    profile: ExportProfile, form: FormSpec, ref: str
) -> tuple[FieldSpec | None, str | None]:
    table_id, row, col_id = ref.split(".")
    table = _table(form, table_id)
    if table is None:
        return None, f"form {form.id} has no table {table_id!r}"
    spec = next((c for c in table.columns if c.id == col_id), None)
    if spec is None:
        return None, f"table {table_id!r} has no column {col_id!r}"
    if row == ROW_WILDCARD:
        if profile.rows != table_id:
            return None, f"{ref!r} needs 'rows: {table_id}' (one line per row of the table)"
    elif int(row) >= table.rows:
        return None, f"table {table_id!r} has rows 0 to {table.rows - 1}, not {row}"
    return spec, None


def _resolve_field(
    profile: ExportProfile, form: FormSpec, ref: str
) -> tuple[FieldSpec | None, str | None]:
    """The field a reference names, or ``None`` and why not."""
    if "." in ref:
        return _resolve_cell(profile, form, ref)
    spec = next((f for f in form.fields if f.id == ref), None)
    if spec is not None:
        return spec, None
    if _table(form, ref) is not None:
        return None, f"{ref!r} is a table; name a cell as {ref}.0.COLUMN or {ref}.*.COLUMN"
    return None, f"form {form.id} has no field {ref!r}"


def _option_problems(col: Column, spec: FieldSpec | None) -> Iterator[str]:
    t = spec.type if spec is not None else None
    if col.date_format is not None and not (
        (t is not None and t.is_date) or (col.meta is not None and col.meta.is_timestamp)
    ):
        yield "'date_format' applies to date fields and the received_at/approved_at metadata"
    if col.choices is not None:
        if t is not FieldType.CHOICE or spec is None:
            yield "'choices' applies to choice fields only"
        elif isinstance(col.choices, dict):
            codes = [o.code for o in spec.options]
            unknown = sorted(set(col.choices) - set(codes))
            missing = [c for c in codes if c not in col.choices]
            if unknown:
                yield f"'choices' names codes the field does not have: {unknown} (it has {codes})"
            if missing:
                yield f"'choices' must give a value for every option; missing {missing}"
    if col.booleans is not None and t not in _BOOLEAN_TYPES:
        yield "'booleans' applies to checkbox and presence fields only"
    if col.digits_only and t not in _DIGITS_ONLY_TYPES:
        yield "'digits_only' applies to postal_code and phone fields only"
    if col.value is not None and col.width is not None and len(col.value) > col.width:
        yield f"the fixed value has {len(col.value)} characters, more than 'width' {col.width}"


def _literals(profile: ExportProfile, bound: list[BoundColumn]) -> Iterator[tuple[str, str]]:
    """Every text the profile itself writes, with where it comes from."""
    yield "empty", profile.empty
    yield "delimiter", profile.delimiter
    for flag, text in profile.booleans.items():
        yield f"booleans.{str(flag).lower()}", text
    for i, b in enumerate(bound, 1):
        col = b.column
        if profile.header:
            yield f"column {i} name", b.name
        if col.value is not None:
            yield f"column {i} value", col.value
        if col.width is not None:
            yield f"column {i} pad", col.pad
        if isinstance(col.choices, dict):
            for code, text in col.choices.items():
                yield f"column {i} choices.{code}", text
        elif col.choices is ChoiceStyle.LABEL and b.spec is not None:
            for o in b.spec.options:
                yield f"column {i} (label of option {o.code})", o.label
        for flag, text in (col.booleans or {}).items():
            yield f"column {i} booleans.{str(flag).lower()}", text


def _analyse(profile: ExportProfile, form: FormSpec) -> tuple[list[BoundColumn], list[str]]:
    problems: list[str] = []
    if profile.form != form.id:
        problems.append(f"the profile is for form {profile.form!r}, not {form.id!r}")
    if profile.rows is not None:
        if _table(form, profile.rows) is None:
            problems.append(f"'rows': form {form.id} has no table {profile.rows!r}")
        elif not any(
            (c.field or "").startswith(f"{profile.rows}.{ROW_WILDCARD}.") for c in profile.columns
        ):
            problems.append(f"'rows: {profile.rows}' but no column names {profile.rows}.*.COLUMN")
    bound: list[BoundColumn] = []
    for i, col in enumerate(profile.columns, 1):
        spec: FieldSpec | None = None
        if col.field is not None:
            spec, why = _resolve_field(profile, form, col.field)
            if why is not None:
                problems.append(f"column {i} ({col.name or col.field}): {why}")
        if col.meta is Meta.TABLE_ROW and profile.rows is None:
            problems.append(f"column {i} ({col.name}): meta table_row needs 'rows'")
        label = col.name or col.source
        problems.extend(f"column {i} ({label}): {p}" for p in _option_problems(col, spec))
        name = col.name if col.name is not None else (spec.column if spec else col.source)
        bound.append(BoundColumn(col, name, spec))
    codec = profile.encoding.check_codec
    for where, text in _literals(profile, bound):
        try:
            text.encode(codec)
        except UnicodeEncodeError as exc:
            ch = text[exc.start]
            problems.append(
                f"{where}: character {ch!r} (U+{ord(ch):04X}) cannot be written in "
                f"{profile.encoding.value}"
            )
    return bound, problems


def check_profile(profile: ExportProfile, form: FormSpec) -> list[str]:
    """Every reason ``profile`` cannot export records of ``form``; empty when it can."""
    return _analyse(profile, form)[1]


def bind_columns(profile: ExportProfile, form: FormSpec) -> list[BoundColumn]:
    """The profile's columns bound to the form; raises :class:`ProfileInvalidError`."""
    bound, problems = _analyse(profile, form)
    if problems:
        raise ProfileInvalidError(profile.id, problems)
    return bound
