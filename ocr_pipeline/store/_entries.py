"""Double entry (ベリファイ入力): fields whose form says ``double_entry: true`` (個人番号,
amounts) are keyed blind by two different people and compared.

The first entry is kept apart (``field_entries``) and changes no field; its audit event
(``entered``) does not hold the value, so that the second person cannot look it up. The second
entry, by someone else, decides: equal values become the field's value (``confirmed`` when
that is what was read, else ``corrected``; the event names both people); different values
leave the field in review, record both (``entries_differ``) and a third person, who made
neither entry, decides with :meth:`correct_field` or :meth:`confirm_field` (those refuse a
double-entry field otherwise). Marking the field unreadable needs no second person.
"""

from __future__ import annotations

from sqlalchemy import select

from form_schemas.spec import FieldValue

from ..errors import BadArgumentsError
from . import _convert as conv
from ._fields import FieldsBase, typed_value
from ._sealed import is_sensitive
from .errors import ConflictError
from .models import FieldEntryRow
from .states import EDITABLE, Action, EntryOutcome, FieldState
from .views import Document, EntryStatus, FieldEntry


class EntriesMixin(FieldsBase):
    def enter_value(
        self,
        document_id: int,
        field_id: str,
        typed: FieldValue,
        *,
        actor: str,
        expected_version: int,
    ) -> tuple[Document, EntryOutcome]:
        """One blind entry of a double-entry field by ``actor`` (read like a correction:
        :class:`InvalidValueError` when it fails the field's checks). Returns the document
        and what the entry led to. :class:`ConflictError` when ``actor`` already keyed this
        field, both entries are made, the field is no longer in review, or the document
        changed since ``expected_version``."""
        conv.check_actor(actor)
        with self._db.write() as s:
            doc = self._lock_document(s, document_id, expected_version, EDITABLE, "an entry")
            spec = self._field_spec(doc, field_id)
            if not spec.double_entry:
                raise BadArgumentsError(
                    f"field {field_id} is not keyed twice (no double_entry in its form)",
                    "correct or confirm it instead",
                )
            row = self._field(s, doc, field_id)
            if row.status != FieldState.REVIEW:
                raise ConflictError(
                    f"field {field_id} is {row.status}; it takes no more entries",
                    "reload the document",
                )
            entries = self._entries(s, doc.id, field_id)
            if actor in {e.actor for e in entries}:
                raise ConflictError(
                    f"{actor} has already keyed field {field_id}",
                    "another person keys it a second time, blind",
                )
            if len(entries) >= 2:
                raise ConflictError(
                    f"field {field_id} has two entries that differ",
                    "a third person decides by correcting or confirming it",
                )
            value = typed_value(spec, typed)
            now = self._now()
            secret = is_sensitive(row.type)
            s.add(
                FieldEntryRow(
                    tenant_id=self._tenant,
                    document_id=doc.id,
                    field_id=field_id,
                    actor=actor,
                    value=self._sealer.json_in(value, secret, doc.id, field_id, "entry.value"),
                    created_at=now,
                )
            )
            self._audit_document(
                s,
                Action.ENTERED,
                actor,
                doc,
                field_id=field_id,
                new={"entry": len(entries) + 1},
            )
            if not entries:
                return self._view(s, doc), EntryOutcome.WAITING
            first = entries[0]
            if self._entry_value(first) != value:
                both = [{"actor": e.actor, "value": self._entry_value(e)} for e in entries]
                both.append({"actor": actor, "value": value})
                self._audit_document(
                    s,
                    Action.ENTRIES_DIFFER,
                    actor,
                    doc,
                    field_id=field_id,
                    new={"entries": both},
                    detail="a third person decides",
                    sensitive=secret,
                )
                return self._view(s, doc), EntryOutcome.MISMATCH
            status = FieldState.CONFIRMED if value == self._value(row) else FieldState.CORRECTED
            self._set_field(
                s,
                doc,
                row,
                (value, status, []),
                action=Action.CONFIRMED if status is FieldState.CONFIRMED else Action.CORRECTED,
                actor=actor,
                detail=f"double entry: {first.actor} and {actor} agree",
            )
            return self._view(s, doc), EntryOutcome.MATCHED

    def double_entries(self, document_id: int, viewer: str) -> dict[str, EntryStatus]:
        """Where the double entry of each double-entry field of a document stands, as
        ``viewer`` may know it: values only once two entries differ (the third look)."""
        with self._db.read() as s:
            doc = self._document(s, document_id)
            spec = self._spec(doc)
            wanted = [f.id for f in spec.all_fields() if f.double_entry]
            rows = s.scalars(
                select(FieldEntryRow)
                .where(
                    FieldEntryRow.tenant_id == self._tenant,
                    FieldEntryRow.document_id == doc.id,
                )
                .order_by(FieldEntryRow.id)
            ).all()
            out: dict[str, EntryStatus] = {}
            for fid in wanted:
                mine = [r for r in rows if r.field_id == fid]
                values = [self._entry_value(r) for r in mine]
                differ = len(values) >= 2 and values[0] != values[1]
                out[fid] = EntryStatus(
                    field_id=fid,
                    count=len(mine),
                    by_viewer=viewer in {r.actor for r in mine},
                    mismatch=differ,
                    entries=tuple(
                        FieldEntry(r.actor, v, r.created_at)
                        for r, v in zip(mine, values, strict=True)
                    )
                    if differ
                    else (),
                )
            return out
