"""Learning from reviewers: a tenant's training settings and the evidence its reviewers left.

The evidence is not a second copy of residents' ink: it is the fields a person corrected,
confirmed or marked unreadable, read from the live rows with what cuts their crop again
exactly (the page image as scanned, the registration matrix, the zone, the form version).
So it lives exactly as long as its document: a document deleted or purged takes its
examples with it. 個人番号 fields, and fields their form marks sensitive, are never evidence.

Settings are columns of the tenant's row: ``training_opt_in`` (an administrator allows the
tenant's evidence to be exported and trained on) and ``reader_model`` (the tenant's own second
reader model, by id; empty: the packaged one). Each change is an audit event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from form_schemas.sensitivity import is_sensitive
from form_schemas.spec import FieldSpec

from ..errors import BadArgumentsError
from . import _convert as conv
from ._base import TenantBase
from ._sealed import is_sensitive as sealed_type
from .errors import FormMissingError, NotFoundError
from .models import AuditSampleRow, DocumentRow, FieldRow, PageRow, TenantRow
from .states import Action, FieldState
from .views import TrainingExample

REVIEWED = (FieldState.CORRECTED.value, FieldState.CONFIRMED.value, FieldState.UNREADABLE.value)
MODELS_DIR = "models"
MODEL_MANIFEST = "model.json"
MODEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")


def models_root(data_dir: Path) -> Path:
    """Where tenants' own models live: ``<data_dir>/models/<tenant>/<model_id>/``."""
    return data_dir / MODELS_DIR


def check_model_id(model_id: str) -> str:
    """A model id is a folder name: letters, digits, ``_``, ``.``, ``-`` (no ``..``)."""
    if not isinstance(model_id, str) or not MODEL_ID.fullmatch(model_id) or ".." in model_id:
        raise BadArgumentsError(
            f"{model_id!r} is not a model id",
            "use an id that `formocr train list --tenant T` shows, or 'packaged'",
        )
    return model_id


class TrainingMixin(TenantBase):
    def _tenant_row(self, s: Session) -> TenantRow:
        row = s.get(TenantRow, self._tenant)
        if row is None:
            raise NotFoundError("tenant", self._tenant)
        return row

    def training_opt_in(self) -> bool:
        """Whether an administrator allowed this tenant's reviewed fields to be exported and
        trained on (off until turned on)."""
        with self._db.read() as s:
            return bool(self._tenant_row(s).training_opt_in)

    def set_training_opt_in(self, on: bool, *, actor: str) -> None:
        """Allow (``on``) or stop training use of this tenant's reviewed fields; an audit
        event records who changed it from what."""
        conv.check_actor(actor)
        with self._db.write() as s:
            row = self._tenant_row(s)
            old = bool(row.training_opt_in)
            row.training_opt_in = bool(on)
            self._audit(s, Action.TRAINING_OPT_IN, actor, old={"on": old}, new={"on": bool(on)})

    def reader_model(self) -> str | None:
        """The id of this tenant's own second reader model, or None for the packaged one."""
        with self._db.read() as s:
            return self._tenant_row(s).reader_model

    def set_reader_model(self, model_id: str | None, *, actor: str) -> None:
        """Read this tenant's fields with its own model ``model_id`` (a folder
        ``<data_dir>/models/<tenant>/<model_id>/`` with ``model.json``), or with the packaged
        model (None). An unknown id is refused (:class:`BadArgumentsError`); an audit event
        records the switch. Workers take it at their next file."""
        conv.check_actor(actor)
        if model_id is not None:
            check_model_id(model_id)
            manifest = self.models_dir / model_id / MODEL_MANIFEST
            if not manifest.is_file():
                raise BadArgumentsError(
                    f"municipality {self._tenant} has no model {model_id!r} ({manifest} is "
                    "missing)",
                    "list its models with `formocr train list --tenant "
                    f"{self._tenant}`, or train one with `formocr train reader --tenant "
                    f"{self._tenant}`",
                )
        with self._db.write() as s:
            row = self._tenant_row(s)
            old = row.reader_model
            row.reader_model = model_id
            self._audit(s, Action.READER_MODEL, actor, old={"model": old}, new={"model": model_id})

    @property
    def models_dir(self) -> Path:
        """This tenant's own models: ``<data_dir>/models/<tenant>/``."""
        return models_root(self._images.root.parent) / self._tenant

    def evidence_counts(self) -> dict[str, int]:
        """Examples per field type: fields a person corrected, confirmed or marked unreadable,
        with their page image kept; never a 個人番号 or a field its form marks sensitive."""
        columns = (DocumentRow.form_id, DocumentRow.form_version, FieldRow.field_id, FieldRow.type)
        q = select(*columns).add_columns(func.count()).select_from(FieldRow)
        q = self._reviewed(q).group_by(*columns)
        out: dict[str, int] = {}
        with self._db.read() as s:
            for form_id, version, field_id, ftype, n in s.execute(q):
                if self._private(form_id, version, field_id, ftype):
                    continue
                out[ftype] = out.get(ftype, 0) + int(n)
        return dict(sorted(out.items()))

    def training_examples(
        self, *, since: datetime | None = None, types: Iterable[str] | None = None
    ) -> list[TrainingExample]:
        """Every example (see :meth:`evidence_counts`) of this tenant, oldest decision first;
        ``since``: decided at or after that time; ``types``: only those field types."""
        t = self._tenant
        q = (
            select(
                FieldRow,
                DocumentRow.form_id,
                DocumentRow.form_version,
                PageRow,
                AuditSampleRow.char_confidences,
            )
            # A field drawn for the sampling audit shows disguised confidences; the machine's
            # own are kept with the sample.
            .outerjoin(
                AuditSampleRow,
                (AuditSampleRow.tenant_id == t)
                & (AuditSampleRow.document_id == FieldRow.document_id)
                & (AuditSampleRow.field_id == FieldRow.field_id),
            )
        )
        q = self._reviewed(q).order_by(FieldRow.updated_at, FieldRow.id)
        if since is not None:
            q = q.where(FieldRow.updated_at >= since)
        if types is not None:
            q = q.where(FieldRow.type.in_(sorted(set(types))))
        out: list[TrainingExample] = []
        with self._db.read() as s:
            for f, form_id, version, page, sampled in s.execute(q):
                if self._private(form_id, version, f.field_id, f.type):
                    continue
                assert page.image_sha256 is not None
                out.append(self._example(f, form_id, version, page, sampled))
        return out

    def _example(
        self, f: FieldRow, form_id: str, version: int, page: PageRow, sampled: Any = None
    ) -> TrainingExample:
        assert page.image_sha256 is not None
        confidences = f.char_confidences if sampled is None else sampled
        bbox = tuple(int(v) for v in f.bbox) if f.bbox else None
        return TrainingExample(
            document_id=f.document_id,
            field_id=f.field_id,
            type=f.type,
            status=FieldState(f.status),
            value=f.value,
            ocr_value=f.ocr_value,
            raw=f.raw,
            char_confidences=tuple(float(c) for c in confidences),
            bbox=bbox,  # type: ignore[arg-type]
            form_id=form_id,
            form_version=version,
            page_no=f.page_no,
            image_sha256=page.image_sha256,
            registration=page.registration,
            reader_model=f.reader_model,
            reviewed_at=f.updated_at,
        )

    def _reviewed(self, q: Select[Any]) -> Select[Any]:
        """``q`` over this tenant's fields a person decided, with their document and a kept
        page image (the evidence)."""
        t = self._tenant
        return (
            q.join(
                DocumentRow, (DocumentRow.tenant_id == t) & (DocumentRow.id == FieldRow.document_id)
            )
            .join(
                PageRow,
                (PageRow.tenant_id == t)
                & (PageRow.document_id == FieldRow.document_id)
                & (PageRow.page_no == FieldRow.page_no),
            )
            .where(
                FieldRow.tenant_id == t,
                FieldRow.status.in_(REVIEWED),
                PageRow.image_sha256.is_not(None),
            )
        )

    def _private(self, form_id: str, version: int, field_id: str, ftype: str) -> bool:
        """A 個人番号 field, a field its form marks sensitive, or one whose form is not
        installed (so its sensitivity cannot be known): never evidence."""
        if sealed_type(ftype):
            return True
        try:
            spec = self._forms(form_id, version)
        except FormMissingError:
            return True
        found: FieldSpec | None = next((f for f in spec.all_fields() if f.id == field_id), None)
        return found is None or is_sensitive(found)

    def record_training_export(
        self, *, actor: str, out: str, counts: dict[str, int], manifest_sha256: str
    ) -> None:
        """Log an export of training data (where, how many per type, the manifest's
        SHA-256)."""
        conv.check_actor(actor)
        new: dict[str, Any] = {"out": out, "counts": counts, "manifest_sha256": manifest_sha256}
        with self._db.write() as s:
            self._audit(s, Action.TRAINING_EXPORTED, actor, new=new)
