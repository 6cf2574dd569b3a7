"""The store as each caller needs it: narrow protocols over :class:`~.api.TenantStore`.

A caller names the protocol of what it does, not the whole store, so that it states (and mypy
checks) the part of the store it depends on:

- :class:`WorkQueueStore`: the watcher (files in, the work queue, saving results);
- :class:`ReviewStore`: the review UI (correcting, double entry, approving, dashboards);
- :class:`ExportStore`: the exporter (approved records out, the export ledger);
- :class:`UserDirectory`: logging in and managing the users of the review UI;
- :class:`RetentionStore`: purging finished documents past their retention (``formocr purge``);
- :class:`TrainingStore`: learning from reviewers (the evidence, its export, the tenant's
  own second reader model); its settings part, :class:`TrainingSettings`, is also part of
  :class:`ReviewStore`.

The first three share :class:`DocumentReader` (reading documents, source files and the audit
trail, which changes nothing). :class:`~.api.TenantStore` composes them (it subclasses each, so
mypy checks every signature against the implementation) and :class:`~._users.UserStore` is the
:class:`UserDirectory`. The contracts are on the implementations, in the private modules named
below; a method's signature here must stay the same as there (a test compares them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from form_schemas.spec import FieldValue

from ..results import PageResult
from ._ingest import SYSTEM
from ._queue import PROCESS
from .states import DocumentStatus, EntryOutcome, Role, SourceState, WorkState
from .views import (
    AuditEvent,
    AuditTotals,
    AuditWeek,
    Counts,
    DayCount,
    Document,
    DocumentSummary,
    EntryStatus,
    ExportRecord,
    FieldStat,
    Order,
    PageInfo,
    PendingFile,
    PurgePreview,
    PurgeReport,
    SourceFile,
    TrainingExample,
    Upload,
    User,
    WorkItem,
)


class DocumentReader(Protocol):
    """One tenant's documents, source files, pages and audit trail, read only (``_read``)."""

    @property
    def tenant_id(self) -> str: ...

    def get_document(self, document_id: int) -> Document: ...

    def list_documents(
        self,
        status: DocumentStatus | None = None,
        form_id: str | None = None,
        order: Order = "oldest",
        limit: int = 50,
        offset: int = 0,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[DocumentSummary]: ...

    def count_documents(
        self,
        status: DocumentStatus | None = None,
        form_id: str | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int: ...

    def counts(self) -> Counts: ...

    def audit_trail(self, document_id: int) -> list[AuditEvent]: ...

    def source_history(self, source_file_id: int) -> list[AuditEvent]: ...

    def get_source(self, source_file_id: int) -> SourceFile: ...

    def list_sources(
        self, state: SourceState | None = None, limit: int = 100, offset: int = 0
    ) -> list[SourceFile]: ...

    def source_pages(self, source_file_id: int) -> list[PageInfo]: ...

    def page_image(self, sha256: str) -> bytes: ...


class TrainingSettings(Protocol):
    """A tenant's training settings and how much evidence it has (``_training``)."""

    def training_opt_in(self) -> bool: ...

    def set_training_opt_in(self, on: bool, *, actor: str) -> None: ...

    def reader_model(self) -> str | None: ...

    def set_reader_model(self, model_id: str | None, *, actor: str) -> None: ...

    def evidence_counts(self) -> dict[str, int]: ...


class TrainingStore(DocumentReader, TrainingSettings, Protocol):
    """What training needs: the evidence itself, the export log, the tenant's model folder
    (``_training``)."""

    @property
    def models_dir(self) -> Path: ...

    def training_examples(
        self, *, since: datetime | None = None, types: Iterable[str] | None = None
    ) -> list[TrainingExample]: ...

    def record_training_export(
        self, *, actor: str, out: str, counts: dict[str, int], manifest_sha256: str
    ) -> None: ...


class RetentionStore(DocumentReader, Protocol):
    """What a records officer's purge needs: the retention period and removing finished
    documents past it (``_retention``)."""

    def retention_days(self) -> int: ...

    def set_retention_days(self, days: int, *, actor: str) -> None: ...

    def purge_preview(self, cutoff: datetime) -> PurgePreview: ...

    def purge_finished(
        self,
        cutoff: datetime,
        *,
        actor: str,
        remove_archived: Callable[[str, str], None] | None = None,
        batch_size: int = 200,
    ) -> PurgeReport: ...

    def finish_purge(
        self, remove_archived: Callable[[str, str], None] | None = None
    ) -> tuple[int, int, int]: ...

    def pending_purge_files(self) -> list[PendingFile]: ...


class WorkQueueStore(DocumentReader, Protocol):
    """What the watcher needs: files in (``_ingest``), the work queue with leases
    (``_queue``), saving what the pipeline read (``_results``) and which second reader model
    to read a tenant's files with (``_training``)."""

    def reader_model(self) -> str | None: ...

    def ensure_tenant(self, name: str | None = None) -> None: ...

    def register_source(
        self,
        sha256: str,
        name: str,
        size: int,
        *,
        actor: str = SYSTEM,
        enqueue: bool = True,
        resume: bool = False,
    ) -> tuple[SourceFile, bool]: ...

    def quarantine(
        self,
        source_file_id: int,
        error: dict[str, Any],
        path: str | None = None,
        *,
        actor: str = SYSTEM,
    ) -> SourceFile: ...

    def requeue(self, source_file_id: int, *, actor: str) -> SourceFile: ...

    def archive(
        self, source_file_id: int, path: str, *, actor: str = SYSTEM, enqueue: bool = False
    ) -> SourceFile: ...

    def enqueue(self, source_file_id: int, kind: str = PROCESS) -> WorkItem: ...

    def claim_next(self, worker_id: str, lease_seconds: float = 300.0) -> WorkItem | None: ...

    def claim_item(
        self, item_id: int, worker_id: str, lease_seconds: float = 300.0
    ) -> WorkItem | None: ...

    def get_work(self, item_id: int) -> WorkItem: ...

    def heartbeat(self, item_id: int, worker_id: str, lease_seconds: float = 300.0) -> WorkItem: ...

    def complete(self, item_id: int, worker_id: str) -> WorkItem: ...

    def fail(
        self, item_id: int, worker_id: str, error: dict[str, Any], *, retry: bool = False
    ) -> WorkItem: ...

    def release_expired_leases(self) -> int: ...

    def list_work(self, state: WorkState | None = None, limit: int = 100) -> list[WorkItem]: ...

    def save_result(
        self,
        source_file_id: int,
        pages: Sequence[PageResult],
        images: Mapping[int, bytes] | None = None,
    ) -> list[int]: ...


class ReviewStore(DocumentReader, TrainingSettings, Protocol):
    """What the review UI needs: uploads (``_uploads``), review (``_review``), double entry
    (``_entries``), dashboard figures (``_stats``), the export log to show, the sampling
    audit's rate and figures (``_audit``), the training settings (``_training``) and the
    retention period (``_retention``)."""

    def retention_days(self) -> int: ...

    def set_retention_days(self, days: int, *, actor: str) -> None: ...

    def record_upload(self, sha256: str, name: str, size: int, *, actor: str) -> Upload: ...

    def uploads(
        self, actor: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[Upload]: ...

    def correct_field(
        self,
        document_id: int,
        field_id: str,
        new_value: FieldValue,
        *,
        actor: str,
        expected_version: int,
        reason: str = "",
    ) -> Document: ...

    def confirm_field(
        self,
        document_id: int,
        field_id: str,
        *,
        actor: str,
        expected_version: int,
        reason: str = "",
    ) -> Document: ...

    def mark_unreadable(
        self,
        document_id: int,
        field_id: str,
        *,
        actor: str,
        expected_version: int,
        reason: str = "",
    ) -> Document: ...

    def approve(self, document_id: int, *, actor: str, expected_version: int) -> Document: ...

    def return_document(
        self, document_id: int, *, actor: str, expected_version: int, reason: str
    ) -> Document: ...

    def log_reveal(self, document_id: int, field_id: str, actor: str) -> None: ...

    def enter_value(
        self,
        document_id: int,
        field_id: str,
        typed: FieldValue,
        *,
        actor: str,
        expected_version: int,
    ) -> tuple[Document, EntryOutcome]: ...

    def double_entries(self, document_id: int, viewer: str) -> dict[str, EntryStatus]: ...

    def field_stats(self) -> list[FieldStat]: ...

    def straight_through(self) -> tuple[int, int]: ...

    def daily_counts(self, days: int, now: datetime | None = None) -> list[DayCount]: ...

    def export_log(self, limit: int = 100, offset: int = 0) -> list[ExportRecord]: ...

    def audit_rate(self) -> float: ...

    def set_audit_rate(self, rate: float, *, actor: str) -> None: ...

    def settings_events(self) -> list[AuditEvent]: ...

    def audit_weeks(self, weeks: int = 12, now: datetime | None = None) -> list[AuditWeek]: ...

    def audit_totals(self) -> AuditTotals: ...


class ExportStore(DocumentReader, Protocol):
    """What the exporter needs: approved records not yet exported and the export ledger
    (``_exports``)."""

    def approved_unexported(self, form_id: str, limit: int = 10000) -> list[Document]: ...

    def record_export(
        self,
        profile: str,
        *,
        actor: str,
        file_name: str,
        sha256: str,
        size: int,
        document_ids: list[int],
        params: dict[str, Any] | None = None,
        form_id: str | None = None,
    ) -> int: ...

    def record_export_repeat(self, export_id: int, actor: str, sha256: str) -> ExportRecord: ...

    def export_log(self, limit: int = 100, offset: int = 0) -> list[ExportRecord]: ...

    def export_items(self, export_id: int) -> list[int]: ...


class UserDirectory(Protocol):
    """The users of the review UI, all tenants (``_users``): logging in and managing them."""

    def get(self, login: str) -> User: ...

    def list(self, tenant: str | None = None) -> list[User]: ...

    def add(
        self,
        login: str,
        *,
        password: str,
        role: Role | str,
        tenants: Sequence[str],
        actor: str,
        display_name: str = "",
    ) -> User: ...

    def set_password(self, login: str, password: str, *, actor: str) -> User: ...

    def set_disabled(self, login: str, disabled: bool, *, actor: str) -> User: ...

    def authenticate(self, login: str, password: str) -> User | None: ...
