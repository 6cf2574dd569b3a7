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

from form_schemas.fieldtypes import check_value, is_table_cell
from form_schemas.reasons import Reason, ReasonCode
from form_schemas.records import record_model
from form_schemas.spec import FieldSpec, FieldValue

from ..errors import BadArgumentsError
from . import _convert as conv
from ._fields import FieldsBase, typed_value
from ._sealed import mentions_my_number
from .errors import ConflictError, InvalidValueError
from .models import DocumentRow, FieldRow
from .states import EDITABLE, Action, DocumentStatus, FieldState
from .views import Document

_Decide = Callable[[FieldSpec, FieldValue], tuple[FieldValue, FieldState, list[Reason]]]
"""``(field spec, current value) -> (value, status, reasons)``: the outcome of a field
change."""

RETURNABLE = frozenset({DocumentStatus.REVIEW, DocumentStatus.READY, DocumentStatus.APPROVED})


class ReviewMixin(FieldsBase):
    def _change_field(
        self,
        document_id: int,
        field_id: str,
        action: Action,
        detail: str,
        decide: _Decide,
        *,
        actor: str,
        expected_version: int,
    ) -> Document:
        """One reviewer's change of one field (``decide`` gives its outcome), as one
        transaction on the document version the reviewer saw."""
        conv.check_actor(actor)
        with self._db.write() as s:
            doc = self._lock_document(s, document_id, expected_version, EDITABLE, action.value)
            row = self._field(s, doc, field_id)
            spec = self._field_spec(doc, field_id)
            if spec.double_entry and action is not Action.UNREADABLE:
                self._check_third_look(s, doc, row, actor)
            change = decide(spec, self._value(row))
            self._set_field(s, doc, row, change, action=action, actor=actor, detail=detail)
            return self._view(s, doc)

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
            Action.CORRECTED,
            reason,
            decide,
            actor=actor,
            expected_version=expected_version,
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
            Action.CONFIRMED,
            reason,
            decide,
            actor=actor,
            expected_version=expected_version,
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
            return None, FieldState.UNREADABLE, [Reason(ReasonCode.UNREADABLE, reason)]

        return self._change_field(
            document_id,
            field_id,
            Action.UNREADABLE,
            reason,
            decide,
            actor=actor,
            expected_version=expected_version,
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
            self._audit_document(
                s, Action.APPROVED, actor, doc, old=old, new={"status": doc.status}
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
            self._audit_document(
                s,
                Action.RETURNED,
                actor,
                doc,
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
            # Seeing a value changes nothing: the event names no version.
            self._audit_document(
                s, Action.REVEALED, actor, doc, field_id=row.field_id, versioned=False
            )
