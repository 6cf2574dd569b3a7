"""Typed pydantic models of *final* records, one model per form version.

A record model has one attribute per field, table cells included, **flattened**: the cell
``persons.0.name`` is the attribute ``persons__0__name`` with the alias ``persons.0.name``.
Flat keeps the model in step with everything else in the project, which addresses values by
field id (the pipeline's values, review corrections, CSV columns), so::

    Model = record_model(form)
    record = Model.model_validate(values)      # values: {field id: export-form value}
    record_values(record) == values            # export form again, keyed by field id

Attribute types: text-like fields ``str``; dates ``datetime.date``; amounts ``int`` (>= 0);
checkbox and presence ``bool``; choices ``Literal`` of the option codes. Each field's
validator runs :func:`~form_schemas.fieldtypes.check_value`, so a record model accepts
exactly what the field checks accept; the error ``type`` is the first reason code
(``invalid_phone``, ``mynumber_check_digit``, ...). Required top-level fields must be
present and non-empty (a required checkbox must be ticked); required cells only in rows
that hold any writing.

An id that would shadow a pydantic attribute (``copy``, ``model_config``) gets a trailing
underscore as attribute name; the alias is always the field id. Validation errors never
quote the input (``hide_input_in_errors``): records hold personal data.
"""

from __future__ import annotations

import threading
from datetime import date
from functools import partial
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

from .fieldtypes import check_value, is_table_cell
from .spec import FieldSpec, FieldType, FieldValue, FormSpec

T = FieldType
_TEXT_TYPES = {T.TEXT, T.NAME, T.ADDRESS, T.KANA, T.POSTAL_CODE, T.PHONE, T.MYNUMBER, T.DIGITS}


class RecordBase(BaseModel):
    """Base of every generated record model. ``form_key`` is ``id@version`` of the form."""

    # Records hold personal data (個人番号 among it): keep input values out of error texts.
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, hide_input_in_errors=True
    )

    form_key: ClassVar[str] = ""
    # (row id, attribute names of its cells, attribute names of its required cells)
    table_rows: ClassVar[tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]] = ()

    @model_validator(mode="after")
    def _filled_rows_complete(self) -> Self:
        missing: list[str] = []
        for _row, cells, required in self.table_rows:
            if any(getattr(self, c) not in (None, False) for c in cells):
                missing.extend(c for c in required if getattr(self, c) is None)
        if missing:
            fields = type(self).model_fields
            ids = ", ".join(fields[m].alias or m for m in missing)
            raise PydanticCustomError(
                "required_missing", "required cells empty in filled rows: {cells}", {"cells": ids}
            )
        return self


def attribute_name(field_id: str) -> str:
    """Python attribute for a field id: dots of cell ids become ``__``."""
    name = field_id.replace(".", "__")
    if name.startswith("model_") or hasattr(BaseModel, name) or name in ("form_key", "table_rows"):
        name += "_"
    return name


def _python_type(spec: FieldSpec) -> Any:
    if spec.type in _TEXT_TYPES:
        return str
    if spec.type.is_date:
        return date
    if spec.type is T.AMOUNT:
        return int
    if spec.type is T.CHOICE:
        return Literal[tuple(o.code for o in spec.options)]
    return bool


def _validate(spec: FieldSpec, value: Any) -> Any:
    """Run the field's checks on the export form of ``value``; return the typed value."""
    if isinstance(value, date):
        value = value.isoformat()
    reasons = check_value(spec, value)
    if reasons:
        raise PydanticCustomError(
            reasons[0].code, "{detail}", {"detail": "; ".join(map(str, reasons))}
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if spec.type.is_date:
        return date.fromisoformat(value)
    return value


def _definition(spec: FieldSpec) -> tuple[Any, Any]:
    must = spec.required and not is_table_cell(spec)
    typ = _python_type(spec)
    inner: Any = typ if must else typ | None
    annotation: Any = Annotated[inner, BeforeValidator(partial(_validate, spec))]
    default = ... if must else None
    return annotation, Field(default, alias=spec.id, title=spec.label)


def _build(form: FormSpec) -> type[RecordBase]:
    specs = form.all_fields()
    names = {s.id: attribute_name(s.id) for s in specs}
    if len(set(names.values())) != len(names):
        raise ValueError(f"form {form.key}: field ids collide as attribute names")
    model: type[RecordBase] = create_model(  # type: ignore[call-overload]
        f"Record_{form.id}_v{form.version}",
        __base__=RecordBase,
        __doc__=f"A final record of {form.title} ({form.key}).",
        **{names[s.id]: _definition(s) for s in specs},
    )
    rows: dict[str, tuple[list[str], list[str]]] = {}
    for s in specs:
        if is_table_cell(s):
            cells, required = rows.setdefault(s.id.rsplit(".", 1)[0], ([], []))
            cells.append(names[s.id])
            if s.required:
                required.append(names[s.id])
    model.form_key = form.key
    model.table_rows = tuple((r, tuple(c), tuple(q)) for r, (c, q) in rows.items())
    return model


_lock = threading.Lock()
_cache: dict[tuple[str, int], tuple[FormSpec, type[RecordBase]]] = {}


def record_model(form: FormSpec) -> type[RecordBase]:
    """The record model of ``form``, built once per (form id, version).

    A different definition under the same id and version (a user form replacing a built-in
    one without raising the version) gets its own model rather than a stale one.
    """
    key = (form.id, form.version)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == form:
            return hit[1]
        model = _build(form)
        _cache[key] = (form, model)
        return model


def record_values(record: BaseModel) -> dict[str, FieldValue]:
    """The record in export form, keyed by field id (dates as ISO strings)."""
    dumped: dict[str, FieldValue] = record.model_dump(mode="json", by_alias=True)
    return dumped
