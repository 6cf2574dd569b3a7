"""Rows to views (:mod:`.views`) and checks of arguments coming into the store."""

from __future__ import annotations

import json
import re
from typing import Any

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

TENANT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_ACTOR = 200


def check_tenant_id(tenant_id: str) -> str:
    if not isinstance(tenant_id, str) or not TENANT_ID.fullmatch(tenant_id):
        raise BadArgumentsError(
            f"invalid tenant id {tenant_id!r}",
            "use 1-64 characters: lower-case letters, digits, '-' and '_' (e.g. the 6-digit "
            "local government code)",
        )
    return tenant_id


def check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip() or len(actor) > MAX_ACTOR:
        raise BadArgumentsError(
            "every change needs an actor (who made it)",
            f"pass the user's login or 'system:<component>' (1-{MAX_ACTOR} characters)",
        )
    return actor


def check_sha256(sha256: str) -> str:
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        raise BadArgumentsError(
            f"not a SHA-256 hex digest: {sha256!r}", "pass hashlib.sha256(data).hexdigest()"
        )
    return sha256


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


def source(row: SourceFileRow) -> views.SourceFile:
    return views.SourceFile(
        id=row.id,
        sha256=row.sha256,
        name=row.original_name,
        size=row.size,
        received_at=row.received_at,
        state=SourceState(row.state),
        error=row.error,
        stored_path=row.stored_path,
        page_count=row.page_count,
    )


def page(row: PageRow) -> views.PageInfo:
    return views.PageInfo(
        page_no=row.page_no,
        status=row.status,
        reason=row.reason,
        form_id=row.form_id,
        form_version=row.form_version,
        document_id=row.document_id,
        image_sha256=row.image_sha256,
        registration=row.registration,
        timings=row.timings,
    )


def work(row: WorkItemRow) -> views.WorkItem:
    return views.WorkItem(
        id=row.id,
        tenant_id=row.tenant_id,
        source_file_id=row.source_file_id,
        kind=row.kind,
        state=WorkState(row.state),
        attempts=row.attempts,
        lease_until=row.lease_until,
        worker_id=row.worker_id,
        last_error=row.last_error,
    )


def field(row: FieldRow, sealer: Sealer) -> views.FieldView:
    bbox = row.bbox
    doc, fid = row.document_id, row.field_id
    return views.FieldView(
        field_id=row.field_id,
        type=row.type,
        page_no=row.page_no,
        value=sealer.open_json(row.value, doc, fid, "field.value"),
        ocr_value=sealer.open_json(row.ocr_value, doc, fid, "field.ocr_value"),
        raw=sealer.open_text(row.raw, doc, fid, "field.raw"),
        confidence=row.confidence,
        char_confidences=tuple(row.char_confidences),
        status=FieldState(row.status),
        reasons=tuple(Reason(r["code"], r.get("detail", "")) for r in row.reasons),
        bbox=(bbox[0], bbox[1], bbox[2], bbox[3]) if bbox else None,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _summary_args(row: DocumentRow, sealer: Sealer) -> dict[str, Any]:
    reason = row.return_reason
    return {
        "id": row.id,
        "source_file_id": row.source_file_id,
        "first_page": row.first_page,
        "form_id": row.form_id,
        "form_version": row.form_version,
        "status": DocumentStatus(row.status),
        "return_reason": None
        if reason is None
        else sealer.open_text(reason, row.id, None, "document.return_reason"),
        "version": row.version,
        "open_fields": row.open_fields,
        "min_confidence": row.min_confidence,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def summary(row: DocumentRow, sealer: Sealer) -> views.DocumentSummary:
    return views.DocumentSummary(**_summary_args(row, sealer))


def document(
    row: DocumentRow,
    source_name: str,
    fields: list[FieldRow],
    pages: list[PageRow],
    sealer: Sealer,
) -> views.Document:
    return views.Document(
        **_summary_args(row, sealer),
        source_name=source_name,
        fields={f.field_id: field(f, sealer) for f in sorted(fields, key=lambda f: f.id)},
        pages=tuple(page(p) for p in sorted(pages, key=lambda p: p.page_no)),
    )


def event(row: AuditEventRow, sealer: Sealer) -> views.AuditEvent:
    doc, fid = row.document_id, row.field_id
    return views.AuditEvent(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=Action(row.action),
        source_file_id=row.source_file_id,
        document_id=row.document_id,
        field_id=row.field_id,
        doc_version=row.doc_version,
        old=sealer.open_json(row.old, doc, fid, "audit.old"),
        new=sealer.open_json(row.new, doc, fid, "audit.new"),
        detail=sealer.open_text(row.detail, doc, fid, "audit.detail"),
    )


def export(row: ExportRow) -> views.ExportRecord:
    return views.ExportRecord(
        id=row.id,
        profile=row.profile,
        form_id=row.form_id,
        actor=row.actor,
        at=row.at,
        file_name=row.file_name,
        sha256=row.sha256,
        size=row.byte_size,
        params=row.params,
        document_count=row.document_count,
    )
