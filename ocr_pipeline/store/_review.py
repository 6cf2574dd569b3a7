"""Review: correcting, confirming and giving up on fields; approving and returning documents.

Every change names its ``actor`` and the document ``version`` it was based on; a change based
on an older version raises :class:`ConflictError` naming what changed since (optimistic
locking: reviewers never block each other, and never overwrite each other silently). Every
change raises the version by one and appends its audit event in the same transaction.

A field leaves review only with a value that passes its checks (:func:`check_value`) or as
``unreadable``. A document can be approved when no field needs review, no required field is
unreadable and the values make a valid record of its form (:func:`record_model`).

Fields whose form asks for double entry are keyed twice, blind (:mod:`._entries`); correcting
or confirming one of them here is the third look, allowed only after two entries disagree.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from form_schemas.fieldtypes import check_value, interpret_typed, is_table_cell
from form_schemas.reasons import Reason
from form_schemas.records import record_model
from form_schemas.spec import FieldSpec, FieldValue, FormSpec

from ..errors import BadArgumentsError
from . import _convert as conv
from ._base import TenantBase
from ._sealed import is_sensitive, mentions_my_number
from .errors import ConflictError, InvalidValueError, NotFoundError
from .models import DocumentRow, FieldEntryRow, FieldRow
from .states import EDITABLE, Action, DocumentStatus, FieldState
from .views import Document

_Decide = Callable[[FieldSpec, FieldValue], tuple[FieldValue, FieldState, list[Reason]]]
"""``(field spec, current value) -> (value, status, reasons)``: the outcome of a field
change."""

RETURNABLE = frozenset({DocumentStatus.REVIEW, DocumentStatus.READY, DocumentStatus.APPROVED})


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


class ReviewMixin(TenantBase):
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

    def _change_field(
        self,
        document_id: int,
        field_id: str,
        *,
        actor: str,
        expected_version: int,
        action: Action,
        detail: str,
        decide: _Decide,
    ) -> Document:
        conv.check_actor(actor)
        with self._db.write() as s:
            doc = self._lock_document(s, document_id, expected_version, EDITABLE, action.value)
            row = self._field(s, doc, field_id)
            spec = self._field_spec(doc, field_id)
            if spec.double_entry and action is not Action.UNREADABLE:
                self._check_third_look(s, doc, row, actor)
            old = self._state(row)
            value, status, reasons = decide(spec, self._value(row))
            self._set_value(row, value)
            row.status, row.reasons = status.value, conv.reasons_json(reasons)
            row.updated_at, row.updated_by = self._now(), actor
            self._refresh(s, doc)
            self._audit(
                s,
                action,
                actor,
                source_file_id=doc.source_file_id,
                document_id=doc.id,
                field_id=field_id,
                doc_version=doc.version,
                old=old,
                new=self._state(row),
                detail=detail,
                sensitive=is_sensitive(row.type),
            )
            return self._view(s, doc)

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

    def _check_third_look(self, s: Session, doc: DocumentRow, row: FieldRow, actor: str) -> None:
        """A double-entry field takes a value from one person only as the third look: after
        two blind entries by two others that disagree."""
        entries = self._entries(s, doc.id, row.field_id)
        differ = len(entries) >= 2 and self._entry_value(entries[0]) != self._entry_value(
            entries[1]
        )
        if row.status != FieldState.REVIEW or not differ:
            raise ConflictError(
                f"field {row.field_id} is keyed twice, blind, by two people (double entry)",
                "key it with enter_value (the review screen's 入力); a third person decides "
                "only when the two entries differ",
            )
        if actor in {e.actor for e in entries}:
            raise ConflictError(
                f"field {row.field_id}: the two entries differ and {actor} made one of them",
                "a third person decides",
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

    def correct_field(
        self,
        document_id: int,
        field_id: str,
        new_value: FieldValue,
        *,
        actor: str,
        expected_version: int,
        reason: str = "",
    ) -> Document:
        """Set a field to what the reviewer typed (``str``: read with
        :func:`interpret_typed`, so ``令和6年4月1日`` becomes ``2024-04-01``; ``bool``/``int``:
        taken as the export-form value). A value that fails the field's checks raises
        :class:`InvalidValueError` and changes nothing. Status ``corrected``; ``reason`` goes
        into the audit event. Returns the document as it now is (new ``version``)."""

        def decide(spec: FieldSpec, _: FieldValue) -> tuple[FieldValue, FieldState, list[Reason]]:
            return typed_value(spec, new_value), FieldState.CORRECTED, []

        return self._change_field(
            document_id,
            field_id,
            actor=actor,
            expected_version=expected_version,
            action=Action.CORRECTED,
            detail=reason,
            decide=decide,
        )

    def confirm_field(
        self,
        document_id: int,
        field_id: str,
        *,
        actor: str,
        expected_version: int,
        reason: str = "",
    ) -> Document:
        """The reviewer agrees with the value as it stands (status ``confirmed``). Refused
        with :class:`InvalidValueError` when the value fails its checks: correct it instead.
        Findings that are not value checks (``kana_missing``, ``unknown_address``, ...) are
        exactly what confirming settles."""

        def decide(spec: FieldSpec, now: FieldValue) -> tuple[FieldValue, FieldState, list[Reason]]:
            failed = check_value(spec, now)
            if failed:
                raise InvalidValueError(
                    field_id,
                    tuple(r.code for r in failed),
                    tuple(r.detail or r.code for r in failed),
                )
            return now, FieldState.CONFIRMED, []

        return self._change_field(
            document_id,
            field_id,
            actor=actor,
            expected_version=expected_version,
            action=Action.CONFIRMED,
            detail=reason,
            decide=decide,
        )

    def mark_unreadable(
        self,
        document_id: int,
        field_id: str,
        *,
        actor: str,
        expected_version: int,
        reason: str = "",
    ) -> Document:
        """The reviewer cannot read the field: value ``None``, status ``unreadable``, reason
        code ``unreadable``. A document with a required field unreadable cannot be approved;
        return it."""

        def decide(spec: FieldSpec, _: FieldValue) -> tuple[FieldValue, FieldState, list[Reason]]:
            return None, FieldState.UNREADABLE, [Reason("unreadable", reason)]

        return self._change_field(
            document_id,
            field_id,
            actor=actor,
            expected_version=expected_version,
            action=Action.UNREADABLE,
            detail=reason,
            decide=decide,
        )

    def approve(self, document_id: int, *, actor: str, expected_version: int) -> Document:
        """Approve a document (``approved``, ready for export). Refused with
        :class:`ConflictError` while a field needs review, a required field is unreadable, or
        the values do not make a valid record (the message names fields and reason codes,
        never values)."""
        conv.check_actor(actor)
        with self._db.write() as s:
            allowed = frozenset({DocumentStatus.REVIEW, DocumentStatus.READY})
            doc = self._lock_document(s, document_id, expected_version, allowed, "approval")
            fields = list(
                s.scalars(
                    select(FieldRow).where(
                        FieldRow.tenant_id == self._tenant, FieldRow.document_id == doc.id
                    )
                )
            )
            self._check_approvable(doc, fields)
            old = {"status": doc.status}
            doc.status = DocumentStatus.APPROVED.value
            self._audit(
                s,
                Action.APPROVED,
                actor,
                source_file_id=doc.source_file_id,
                document_id=doc.id,
                doc_version=doc.version,
                old=old,
                new={"status": doc.status},
            )
            return self._view(s, doc)

    def _check_approvable(self, doc: DocumentRow, fields: list[FieldRow]) -> None:
        problems = [f"{f.field_id} needs review" for f in fields if f.status == FieldState.REVIEW]
        spec = self._spec(doc)
        by_id = {f.field_id: f for f in fields}
        for fs in spec.all_fields():
            row = by_id.get(fs.id)
            unreadable = row is not None and row.status == FieldState.UNREADABLE
            if fs.required and not is_table_cell(fs) and unreadable:
                problems.append(f"{fs.id} is required and unreadable")
        if not problems:
            try:
                record_model(spec).model_validate({k: self._value(f) for k, f in by_id.items()})
            except ValidationError as exc:
                problems = [f"{'.'.join(map(str, e['loc']))}: {e['type']}" for e in exc.errors()]
        if problems:
            raise ConflictError(
                f"document {doc.id} cannot be approved: " + "; ".join(problems),
                "correct or confirm those fields, or return the document to the applicant",
            )

    def return_document(
        self, document_id: int, *, actor: str, expected_version: int, reason: str
    ) -> Document:
        """Send a document back to the applicant (返戻): status ``returned`` with ``reason``.
        Possible from review, ready and approved (not once exported)."""
        conv.check_actor(actor)
        if not isinstance(reason, str) or not reason.strip():
            raise BadArgumentsError("returning a document needs a reason", "say why")
        with self._db.write() as s:
            doc = self._lock_document(s, document_id, expected_version, RETURNABLE, "return")
            old = {"status": doc.status}
            doc.status = DocumentStatus.RETURNED.value
            doc.return_reason = self._sealer.text_in(
                reason, mentions_my_number(reason), doc.id, None, "document.return_reason"
            )
            self._audit(
                s,
                Action.RETURNED,
                actor,
                source_file_id=doc.source_file_id,
                document_id=doc.id,
                doc_version=doc.version,
                old=old,
                new={"status": doc.status, "reason": reason},
                detail=reason,
            )
            return self._view(s, doc)

    def log_reveal(self, document_id: int, field_id: str, actor: str) -> None:
        """Record that ``actor`` was shown a masked value (個人番号). Changes nothing else and
        does not raise the document's version."""
        conv.check_actor(actor)
        with self._db.write() as s:
            doc = self._document(s, document_id)
            row = self._field(s, doc, field_id)
            self._audit(
                s,
                Action.REVEALED,
                actor,
                source_file_id=doc.source_file_id,
                document_id=doc.id,
                field_id=row.field_id,
            )
