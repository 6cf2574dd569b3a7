"""The durable store: tenants, source files, the work queue, documents, pages, fields, page
images, review state (with blind double entry), append-only audit events, exports, and the
users of the review UI.

SQLite (a file under ``data_dir``, WAL) by default; PostgreSQL by URL (``database_url``,
``FORMOCR_DATABASE_URL``) for shared installations. The schema is made by the Alembic
migrations in ``migrations/`` (:func:`upgrade`). Use :class:`Store` and :class:`TenantStore`
only, each caller through the protocol of what it needs (:mod:`.protocols`: the watcher's
:class:`WorkQueueStore`, the review UI's :class:`ReviewStore`, the exporter's
:class:`ExportStore`, logging in through :class:`UserDirectory`); the tables and sessions are
private.
"""

from __future__ import annotations

from ._purge_files import ArchiveRemover
from ._retention import MAX_RETENTION_DAYS, cutoff_for
from ._training import MODEL_MANIFEST, check_model_id, models_root
from ._users import UserStore
from .api import Store, TenantStore, registry_forms
from .db import database_url, safe_url, upgrade
from .errors import (
    ConflictError,
    FormMissingError,
    InvalidValueError,
    LeaseLostError,
    NotFoundError,
    StoreError,
    StoreUnavailableError,
)
from .protocols import (
    DocumentReader,
    ExportStore,
    RetentionStore,
    ReviewStore,
    TrainingSettings,
    TrainingStore,
    UserDirectory,
    WorkQueueStore,
)
from .states import Action, DocumentStatus, EntryOutcome, FieldState, Role, SourceState, WorkState
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
    FieldEntry,
    FieldStat,
    FieldView,
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

__all__ = [
    "MAX_RETENTION_DAYS",
    "MODEL_MANIFEST",
    "Action",
    "ArchiveRemover",
    "AuditEvent",
    "AuditTotals",
    "AuditWeek",
    "ConflictError",
    "Counts",
    "DayCount",
    "Document",
    "DocumentReader",
    "DocumentStatus",
    "DocumentSummary",
    "EntryOutcome",
    "EntryStatus",
    "ExportRecord",
    "ExportStore",
    "FieldEntry",
    "FieldStat",
    "FieldState",
    "FieldView",
    "FormMissingError",
    "InvalidValueError",
    "LeaseLostError",
    "NotFoundError",
    "Order",
    "PageInfo",
    "PendingFile",
    "PurgePreview",
    "PurgeReport",
    "RetentionStore",
    "ReviewStore",
    "Role",
    "SourceFile",
    "SourceState",
    "Store",
    "StoreError",
    "StoreUnavailableError",
    "TenantStore",
    "TrainingExample",
    "TrainingSettings",
    "TrainingStore",
    "Upload",
    "User",
    "UserDirectory",
    "UserStore",
    "WorkItem",
    "WorkQueueStore",
    "WorkState",
    "check_model_id",
    "cutoff_for",
    "database_url",
    "models_root",
    "registry_forms",
    "safe_url",
    "upgrade",
]
