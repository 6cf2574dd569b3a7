"""Exports kept in the store's ledger: write a profile's file for approved records, and
repeat a past export byte for byte.

The pure part (:func:`render`, :func:`write_atomic`) knows nothing about the store; this
module connects the two. An export renders *before* anything is written or recorded, so a
cell the encoding cannot hold stops it with nothing changed. The profile itself (its canonical
JSON) is kept in the ledger, so a repeat writes the same bytes even after the profile file
was edited; the repeat's SHA-256 is checked against the original's.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from form_schemas.registry import FormRegistry

from ..errors import BadArgumentsError
from ..store import ConflictError, ExportStore
from ..store.states import Action
from ..store.views import Document
from ..store.views import ExportRecord as LedgerEntry
from .csvwrite import render_report, write_atomic
from .formulas import NeutralisedCell
from .profile import ExportProfile
from .record import ExportRecord
from .registry import parse_profile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportOutcome:
    """What an export wrote: the ledger id (``None`` when there was nothing to export)."""

    export_id: int | None
    profile: str
    path: Path | None
    sha256: str | None
    size: int
    documents: tuple[int, ...]
    neutralised: tuple[NeutralisedCell, ...] = ()


def _iso(at: datetime) -> str:
    return at.isoformat()


def _approved_at(store: ExportStore, document_id: int) -> str:
    """When the document was (last) approved, from the audit trail: stable across repeats."""
    times = [e.at for e in store.audit_trail(document_id) if e.action is Action.APPROVED]
    return _iso(times[-1]) if times else ""


def to_record(store: ExportStore, doc: Document) -> ExportRecord:
    """A stored document as the export reads it, with the metadata only the store knows."""
    source = store.get_source(doc.source_file_id)
    return ExportRecord(
        document_id=str(doc.id),
        form_id=doc.form_id,
        form_version=doc.form_version,
        values=doc.values,
        meta={
            "received_at": _iso(source.received_at),
            "approved_at": _approved_at(store, doc.id),
            "tenant": store.tenant_id,
        },
    )


def _file_name(profile: ExportProfile, tenant: str, at: datetime) -> str:
    return f"{profile.id}-{tenant}-{at.strftime('%Y%m%dT%H%M%S')}.csv"


def run_export(
    store: ExportStore,
    profile: ExportProfile,
    forms: FormRegistry,
    *,
    actor: str,
    out_dir: Path,
    now: datetime,
    limit: int = 100000,
) -> ExportOutcome:
    """Export every approved, not yet exported record of the profile's form into a new file
    in ``out_dir`` and record it; returns what was written. Nothing to export writes nothing.
    """
    docs = store.approved_unexported(profile.form, limit=limit)
    if not docs:
        return ExportOutcome(None, profile.id, None, None, 0, ())
    form = forms.get(profile.form).spec
    rendered = render_report(profile, form, [to_record(store, d) for d in docs])
    data = rendered.data
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / _file_name(profile, store.tenant_id, now)
    sha256 = write_atomic(path, data)
    ids = [d.id for d in docs]
    export_id = store.record_export(
        profile.id,
        actor=actor,
        file_name=path.name,
        sha256=sha256,
        size=len(data),
        document_ids=ids,
        params={
            "profile": json.loads(profile.canonical_json()),
            # where a leading ' was added (line, record, column), never the cell's value
            "neutralised": [c.to_dict() for c in rendered.neutralised],
        },
        form_id=profile.form,
    )
    log.info(
        "export %d: %s, %d record(s), %d cell(s) neutralised, %s",
        export_id,
        path,
        len(ids),
        len(rendered.neutralised),
        sha256,
    )
    return ExportOutcome(
        export_id, profile.id, path, sha256, len(data), tuple(ids), rendered.neutralised
    )


def repeat_export(
    store: ExportStore,
    export_id: int,
    forms: FormRegistry,
    *,
    actor: str,
    out_dir: Path,
) -> ExportOutcome:
    """Write export ``export_id`` again, with the profile as it was then, into ``out_dir``
    under its original file name; the store checks the bytes are the same (SHA-256)."""
    entry = next((e for e in _all_exports(store) if e.id == export_id), None)
    if entry is None:
        raise BadArgumentsError(
            f"export {export_id} not found",
            "list the exports with `formocr export log --tenant T` and pass one of their ids",
        )
    saved = entry.params.get("profile")
    if not isinstance(saved, dict):
        raise BadArgumentsError(
            f"export {export_id} has no recorded profile and cannot be repeated",
            "run a new export instead",
        )
    # Exports recorded before neutralising existed wrote cells raw: repeat them that way.
    saved = {"neutralise_formulas": False, **saved}
    profile = parse_profile(saved, f"export {export_id}")
    ids = store.export_items(export_id)
    if len(ids) != entry.document_count:
        raise ConflictError(
            f"export {export_id} cannot be written again: {entry.document_count - len(ids)} of "
            f"its {entry.document_count} documents were purged (retention, `formocr purge`)",
            "use the file the core system received, or restore a backup taken before the purge",
        )
    records = [to_record(store, store.get_document(i)) for i in ids]
    rendered = render_report(profile, forms.get(profile.form).spec, records)
    data = rendered.data
    sha256 = hashlib.sha256(data).hexdigest()
    if sha256 != entry.sha256:
        raise ConflictError(
            f"export {export_id} would not come out the same (SHA-256 {sha256[:12]}… instead "
            f"of {entry.sha256[:12]}…); nothing was written",
            "report this as a bug; the original file is the one to use",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / entry.file_name
    write_atomic(path, data)
    store.record_export_repeat(export_id, actor, sha256)
    return ExportOutcome(
        export_id, profile.id, path, sha256, len(data), tuple(ids), rendered.neutralised
    )


def _all_exports(store: ExportStore) -> list[LedgerEntry]:
    out: list[LedgerEntry] = []
    offset = 0
    while True:
        page = store.export_log(limit=500, offset=offset)
        out.extend(page)
        if len(page) < 500:
            return out
        offset += 500
