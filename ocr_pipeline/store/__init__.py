"""The durable store: tenants, source files, the work queue, documents, pages, fields, page
images, review state, append-only audit events and exports.

SQLite (a file under ``data_dir``, WAL) by default; PostgreSQL by URL (``database_url``,
``FORMOCR_DATABASE_URL``) for shared installations. The schema is made by the Alembic
migrations in ``migrations/`` (:func:`upgrade`). Use :class:`Store` and :class:`TenantStore`
only; the tables and sessions are private.
"""

from __future__ import annotations

from .api import Store, TenantStore, registry_forms
from .db import database_url, upgrade
from .errors import (
    ConflictError,
    FormMissingError,
    InvalidValueError,
    LeaseLostError,
    NotFoundError,
    StoreError,
    StoreUnavailableError,
)
from .states import Action, DocumentStatus, FieldState, SourceState, WorkState
from .views import (
    AuditEvent,
    Counts,
    Document,
    DocumentSummary,
    ExportRecord,
    FieldView,
    PageInfo,
    SourceFile,
    WorkItem,
)

__all__ = [
    "Action",
    "AuditEvent",
    "ConflictError",
    "Counts",
    "Document",
    "DocumentStatus",
    "DocumentSummary",
    "ExportRecord",
    "FieldState",
    "FieldView",
    "FormMissingError",
    "InvalidValueError",
    "LeaseLostError",
    "NotFoundError",
    "PageInfo",
    "SourceFile",
    "SourceState",
    "Store",
    "StoreError",
    "StoreUnavailableError",
    "TenantStore",
    "WorkItem",
    "WorkState",
    "database_url",
    "registry_forms",
    "upgrade",
]
