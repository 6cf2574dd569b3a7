"""What review (:mod:`._review`) and double entry (:mod:`._entries`) share: finding a
document's field and its form spec, reading and setting a field's value (sealed when the field
is sensitive), the blind entries of a field, and setting a field with its audit event."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from form_schemas.fieldtypes import check_value, interpret_typed
from form_schemas.reasons import Reason
from form_schemas.spec import FieldSpec, FieldValue, FormSpec

from ..errors import BadArgumentsError
from . import _convert as conv
from . import _sampling as sampling
from ._base import TenantBase
from ._sealed import is_sensitive
from .errors import InvalidValueError, NotFoundError
from .models import AuditSampleRow, DocumentRow, FieldEntryRow, FieldRow
from .states import EDITABLE, Action, DocumentStatus, FieldState


def typed_value(spec: FieldSpec, new_value: FieldValue) -> FieldValue:
    """What a person typed (``str``: read with :func:`interpret_typed`) or gave in export form
    (``bool``/``int``), as the field's export-form value; :class:`InvalidValueError` when it
    fails the field's checks."""
    if isinstance(new_value, str):
        got = interpret_typed(spec, new_value)
        value, reasons = got.value, list(got.reasons)
    elif new_value is None:
        raise BadArgumentsError(
            "a correction needs a value", "type '' to clear it, or mark it unreadable"
        )
    else:
        value, reasons = new_value, list(check_value(spec, new_value))
    if reasons:
        raise InvalidValueError(
            spec.id, tuple(r.code for r in reasons), tuple(r.detail or r.code for r in reasons)
        )
    return value


class FieldsBase(TenantBase):
    """Helpers on one document's fields, inside the caller's transaction."""

    def _spec(self, doc: DocumentRow) -> FormSpec:
        return self._forms(doc.form_id, doc.form_version)

    def _field(self, s: Session, doc: DocumentRow, field_id: str) -> FieldRow:
        row = s.scalars(
            select(FieldRow)
            .where(
                FieldRow.tenant_id == self._tenant,
                FieldRow.document_id == doc.id,
                FieldRow.field_id == field_id,
            )
            .with_for_update()
        ).first()
        if row is None:
            raise NotFoundError("field", f"{doc.id}/{field_id}")
        return row

    def _value(self, row: FieldRow) -> FieldValue:
        """A field's current value in clear."""
        value: FieldValue = self._sealer.open_json(
            row.value, row.document_id, row.field_id, "field.value"
        )
        return value

    def _set_value(self, row: FieldRow, value: FieldValue) -> None:
        row.value = self._sealer.json_in(
            value, is_sensitive(row.type), row.document_id, row.field_id, "field.value"
        )

    def _entry_value(self, row: FieldEntryRow) -> FieldValue:
        """A blind entry's value in clear."""
        value: FieldValue = self._sealer.open_json(
            row.value, row.document_id, row.field_id, "entry.value"
        )
        return value

    def _state(self, row: FieldRow) -> dict[str, object]:
        """A field's value, status and reasons (in clear) for its audit event."""
        return {"value": self._value(row), "status": row.status, "reasons": row.reasons}

    def _field_spec(self, doc: DocumentRow, field_id: str) -> FieldSpec:
        try:
            return self._spec(doc).field(field_id)
        except KeyError:
            raise NotFoundError("field", f"{doc.id}/{field_id}") from None

    def _entries(self, s: Session, document_id: int, field_id: str) -> list[FieldEntryRow]:
        """The blind entries of a field, in the order they were made."""
        return list(
            s.scalars(
                select(FieldEntryRow)
                .where(
                    FieldEntryRow.tenant_id == self._tenant,
                    FieldEntryRow.document_id == document_id,
                    FieldEntryRow.field_id == field_id,
                )
                .order_by(FieldEntryRow.id)
            )
        )

    def _refresh(self, s: Session, doc: DocumentRow) -> None:
        """Open-field count, their least confidence, and review → ready when none is open."""
        s.flush()
        rows = s.execute(
            select(FieldRow.status, FieldRow.confidence).where(
                FieldRow.tenant_id == self._tenant, FieldRow.document_id == doc.id
            )
        ).all()
        open_conf = [c for st, c in rows if st == FieldState.REVIEW]
        doc.open_fields, doc.min_confidence = len(open_conf), min(open_conf, default=1.0)
        if doc.status in EDITABLE:
            doc.status = (DocumentStatus.REVIEW if open_conf else DocumentStatus.READY).value

    def _set_field(
        self,
        s: Session,
        doc: DocumentRow,
        row: FieldRow,
        change: tuple[FieldValue, FieldState, list[Reason]],
        *,
        action: Action,
        actor: str,
        detail: str,
    ) -> None:
        """Give ``row`` its new value, status and reasons (``change``), refresh the document's
        open-field figures, and append the field's audit event (old and new state, sealed when
        the field is sensitive)."""
        value, status, reasons = change
        old = self._state(row)
        self._set_value(row, value)
        row.status, row.reasons = status.value, conv.reasons_json(reasons)
        row.updated_at, row.updated_by = self._now(), actor
        self._refresh(s, doc)
        self._record_sample(s, row, status, value, actor)
        self._audit_document(
            s,
            action,
            actor,
            doc,
            field_id=row.field_id,
            old=old,
            new=self._state(row),
            detail=detail,
            sensitive=is_sensitive(row.type),
        )

    def _record_sample(
        self, s: Session, row: FieldRow, status: FieldState, value: FieldValue, actor: str
    ) -> None:
        """If ``row`` was drawn for the sampling audit, record what this decision says of the
        value the machine had accepted (the last decision counts; the first one's time and
        person are kept)."""
        sample = s.scalars(
            select(AuditSampleRow)
            .where(
                AuditSampleRow.tenant_id == self._tenant,
                AuditSampleRow.document_id == row.document_id,
                AuditSampleRow.field_id == row.field_id,
            )
            .with_for_update()
        ).first()
        if sample is None:
            return
        accepted = self._sealer.open_json(
            row.ocr_value, row.document_id, row.field_id, "field.ocr_value"
        )
        found = sampling.outcome(status, value, accepted)
        if found is None:
            return
        sample.outcome = found.value
        if sample.decided_at is None:
            sample.decided_at, sample.decided_by = self._now(), actor
