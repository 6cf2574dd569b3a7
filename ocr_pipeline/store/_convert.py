"""Rows to views (:mod:`.views`) and checks of arguments coming into the store.

A view's fields are copied from the row's columns of the same names (:func:`_view`), so the
column list is written once, in :mod:`.models`; only what is renamed, typed or sealed
differently is written here."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import TYPE_CHECKING, Any, TypeVar

from form_schemas.reasons import Reason

from ..errors import BadArgumentsError
from . import views
from ._sealed import Sealer
from .models import (
    AuditEventRow,
    DocumentRow,
    ExportRow,
    FieldRow,
    PageRow,
    SourceFileRow,
    WorkItemRow,
)
from .states import Action, DocumentStatus, FieldState, SourceState, WorkState

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from sqlalchemy import Row

V = TypeVar("V", bound="DataclassInstance")

TENANT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_ACTOR = 200


def check_pattern(pattern: re.Pattern[str], value: str, problem: str, remedy: str) -> str:
    """``value`` if it is a string that ``pattern`` matches in full, else
    :class:`BadArgumentsError` with ``problem`` and ``remedy``."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise BadArgumentsError(problem, remedy)
    return value


def check_tenant_id(tenant_id: str) -> str:
    return check_pattern(
        TENANT_ID,
        tenant_id,
        f"invalid tenant id {tenant_id!r}",
        "use 1-64 characters: lower-case letters, digits, '-' and '_' (e.g. the 6-digit "
        "local government code)",
    )


def check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip() or len(actor) > MAX_ACTOR:
        raise BadArgumentsError(
            "every change needs an actor (who made it)",
            f"pass the user's login or 'system:<component>' (1-{MAX_ACTOR} characters)",
        )
    return actor


def check_sha256(sha256: str) -> str:
    return check_pattern(
        SHA256,
        sha256,
        f"not a SHA-256 hex digest: {sha256!r}",
        "pass hashlib.sha256(data).hexdigest()",
    )


def check_json(what: str, value: Any) -> Any:
    """``value`` if it can be stored as JSON."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise BadArgumentsError(
            f"{what} cannot be stored as JSON: {exc}", "pass str, numbers, lists and dicts"
        ) from exc
    return value


def check_limit(limit: int, offset: int = 0, most: int = 1000) -> None:
    if not 1 <= limit <= most or offset < 0:
        raise BadArgumentsError(
            f"limit {limit} / offset {offset} out of range",
            f"use 1 <= limit <= {most}, offset >= 0",
        )


def reasons_json(reasons: tuple[Reason, ...] | list[Reason]) -> list[dict[str, str]]:
    return [{"code": r.code, "detail": r.detail} for r in reasons]


def _view(view: type[V], row: object, **converted: Any) -> V:
    """A view whose fields are the row's columns of the same names (the models define them
    once); ``converted``: the fields that are named or typed differently."""
    names = [f.name for f in dataclasses.fields(view) if f.init and f.name not in converted]
    return view(**{n: getattr(row, n) for n in names}, **converted)


def source(row: SourceFileRow | Row[Any]) -> views.SourceFile:
    """From the ORM object or a row of ``source_files`` (Core statements)."""
    return _view(views.SourceFile, row, name=row.original_name, state=SourceState(row.state))


def page(row: PageRow) -> views.PageInfo:
    return _view(views.PageInfo, row)


def work(row: WorkItemRow | Row[Any]) -> views.WorkItem:
    """From the ORM object or a row of ``work_items`` (Core statements)."""
    return _view(views.WorkItem, row, state=WorkState(row.state))


def field(row: FieldRow, sealer: Sealer) -> views.FieldView:
    bbox = row.bbox
    doc, fid = row.document_id, row.field_id
    return _view(
        views.FieldView,
        row,
        value=sealer.open_json(row.value, doc, fid, "field.value"),
        ocr_value=sealer.open_json(row.ocr_value, doc, fid, "field.ocr_value"),
        raw=sealer.open_text(row.raw, doc, fid, "field.raw"),
        char_confidences=tuple(row.char_confidences),
        status=FieldState(row.status),
        reasons=tuple(Reason(r["code"], r.get("detail", "")) for r in row.reasons),
        bbox=(bbox[0], bbox[1], bbox[2], bbox[3]) if bbox else None,
    )


def summary(row: DocumentRow, sealer: Sealer) -> views.DocumentSummary:
    return _view(views.DocumentSummary, row, **_summary_converted(row, sealer))


def _summary_converted(row: DocumentRow, sealer: Sealer) -> dict[str, Any]:
    reason = row.return_reason
    return {
        "status": DocumentStatus(row.status),
        "return_reason": None
        if reason is None
        else sealer.open_text(reason, row.id, None, "document.return_reason"),
    }


def document(
    row: DocumentRow,
    source_name: str,
    fields: list[FieldRow],
    pages: list[PageRow],
    sealer: Sealer,
) -> views.Document:
    return _view(
        views.Document,
        row,
        **_summary_converted(row, sealer),
        source_name=source_name,
        fields={f.field_id: field(f, sealer) for f in sorted(fields, key=lambda f: f.id)},
        pages=tuple(page(p) for p in sorted(pages, key=lambda p: p.page_no)),
    )


def event(row: AuditEventRow, sealer: Sealer) -> views.AuditEvent:
    doc, fid = row.document_id, row.field_id
    return _view(
        views.AuditEvent,
        row,
        action=Action(row.action),
        old=sealer.open_json(row.old, doc, fid, "audit.old"),
        new=sealer.open_json(row.new, doc, fid, "audit.new"),
        detail=sealer.open_text(row.detail, doc, fid, "audit.detail"),
    )


def export(row: ExportRow) -> views.ExportRecord:
    return _view(views.ExportRecord, row, size=row.byte_size)
