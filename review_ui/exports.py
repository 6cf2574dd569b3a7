"""Exports from the review UI: run an export profile in the background (through the export
package and the store's ledger, as ``formocr export run`` does) and hand out the files of
this tenant's ledger, checked against their recorded SHA-256."""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from form_schemas.registry import FormRegistry
from ocr_pipeline.errors import OutputUnwritableError
from ocr_pipeline.export import ExportProfile
from ocr_pipeline.export.ledger import ExportOutcome, repeat_export, run_export
from ocr_pipeline.store import ExportRecord, ExportStore

from .jobs import Job, JobRunner

KIND = "export"


def start(
    runner: JobRunner,
    town: ExportStore,
    *,
    login: str,
    profile: ExportProfile,
    forms: FormRegistry,
    out_dir: Path,
) -> Job:
    """Start an export of every approved, not yet exported record of ``profile``'s form."""
    work = functools.partial(
        run_export,
        town,
        profile,
        forms,
        actor=f"user:{login}",
        out_dir=out_dir,
        now=datetime.now(UTC),
    )
    return runner.submit((town.tenant_id, login), KIND, work, {"profile": profile.id})


def start_repeat(
    runner: JobRunner,
    town: ExportStore,
    *,
    login: str,
    export_id: int,
    forms: FormRegistry,
    out_dir: Path,
) -> Job:
    """Write a past export again (its file went missing), byte for byte."""
    work = functools.partial(
        repeat_export,
        town,
        export_id,
        forms,
        actor=f"user:{login}",
        out_dir=out_dir,
    )
    return runner.submit((town.tenant_id, login), KIND, work, {"repeat": export_id})


def file_of(entry: ExportRecord, out_dir: Path) -> Path | None:
    """Where a ledger entry's file is, if it is there (a bare file name in ``out_dir``)."""
    name = Path(entry.file_name).name
    if name != entry.file_name or not name:
        return None
    path = out_dir / name
    return path if path.is_file() else None


def read_verified(path: Path, sha256: str) -> bytes:
    """The file's bytes if they are the ones the ledger recorded."""
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise OutputUnwritableError(
            f"{path.name} differs from the recorded export (SHA-256)",
            "write the export again from the export log (再出力) and report the difference",
        )
    return data


def outcome_of(job: Job) -> ExportOutcome | None:
    return job.result if isinstance(job.result, ExportOutcome) else None
