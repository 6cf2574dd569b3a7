"""What the store returns: frozen snapshots, never live database rows.

All times are timezone-aware UTC. Field values are in export form (``FieldValue``: ISO dates,
digit strings, option codes, ``True``/``False``, ``None``), exactly as the pipeline produced them
or a reviewer set them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from form_schemas.reasons import Reason
from form_schemas.spec import BBox, FieldValue

from .states import Action, DocumentStatus, FieldState, Role, SourceState, WorkState

Order = Literal["oldest", "hardest"]
"""How documents are listed: ``oldest`` first, or ``hardest`` (most open fields first, then
the least sure of them, then the oldest)."""


@dataclass(frozen=True)
class SourceFile:
    """A scan file as received. ``stored_path`` is where the watcher archived or quarantined
    it; ``error`` says why it was quarantined; ``page_count`` is set once its pages are saved."""

    id: int
    sha256: str
    name: str
    size: int
    received_at: datetime
    state: SourceState
    error: dict[str, Any] | None
    stored_path: str | None
    page_count: int | None


@dataclass(frozen=True)
class PageInfo:
    """One page of a source file and what came of it (``status`` as in ``PageResult``)."""

    page_no: int
    status: str
    reason: str | None
    form_id: str | None
    form_version: int | None
    document_id: int | None
    image_sha256: str | None
    registration: dict[str, Any] | None
    timings: dict[str, float] | None


@dataclass(frozen=True)
class WorkItem:
    """A unit of the durable work queue. ``attempts`` counts claims, this one included: a
    file whose worker died every time shows a rising count (the watcher decides when to stop).
    """

    id: int
    tenant_id: str
    source_file_id: int
    kind: str
    state: WorkState
    attempts: int
    lease_until: datetime | None
    worker_id: str | None
    last_error: dict[str, Any] | None


@dataclass(frozen=True)
class FieldView:
    """One field of a document. ``ocr_value`` is what the pipeline produced; ``value`` is the
    current value. ``raw`` and ``char_confidences`` are the recognizer's reading."""

    field_id: str
    type: str
    page_no: int
    value: FieldValue
    ocr_value: FieldValue
    raw: str
    confidence: float
    char_confidences: tuple[float, ...]
    status: FieldState
    reasons: tuple[Reason, ...]
    bbox: BBox | None
    updated_at: datetime
    updated_by: str

    @property
    def needs_review(self) -> bool:
        return self.status is FieldState.REVIEW


@dataclass(frozen=True)
class DocumentSummary:
    """A document as listed. ``version`` must be passed back with every change
    (optimistic locking); ``open_fields`` counts fields still needing review."""

    id: int
    source_file_id: int
    first_page: int
    form_id: str
    form_version: int
    status: DocumentStatus
    return_reason: str | None
    version: int
    open_fields: int
    min_confidence: float
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Document(DocumentSummary):
    """A document with its fields (by field id, in schema order) and pages."""

    source_name: str = ""
    fields: dict[str, FieldView] = field(default_factory=dict)
    pages: tuple[PageInfo, ...] = ()

    @property
    def values(self) -> dict[str, FieldValue]:
        """Current values by field id (what a record model validates)."""
        return {k: f.value for k, f in self.fields.items()}


@dataclass(frozen=True)
class AuditEvent:
    """One entry of the append-only trail: who (``actor``), when (``at``, UTC), what
    (``action``), ``old`` → ``new``, and the reviewer's or system's ``detail``."""

    id: int
    at: datetime
    actor: str
    action: Action
    source_file_id: int | None
    document_id: int | None
    field_id: str | None
    doc_version: int | None
    old: Any
    new: Any
    detail: str


@dataclass(frozen=True)
class ExportRecord:
    """A recorded export: enough to repeat it byte for byte (its items come from
    ``TenantStore.export_items``) and to audit it."""

    id: int
    profile: str
    form_id: str | None
    actor: str
    at: datetime
    file_name: str
    sha256: str
    size: int
    params: dict[str, Any]
    document_count: int


@dataclass(frozen=True)
class Counts:
    """How much there is, for dashboards: documents by status, documents by form and status,
    source files by state, work items by state. Absent keys mean zero."""

    documents: dict[str, int]
    by_form: dict[str, dict[str, int]]
    sources: dict[str, int]
    work: dict[str, int]


@dataclass(frozen=True)
class User:
    """A user of the review UI (never the password hash). ``tenants``: the tenants the user
    works for, sorted (one for clerks and reviewers)."""

    login: str
    display_name: str
    role: Role
    tenants: tuple[str, ...]
    disabled: bool
    created_at: datetime
    updated_at: datetime

    @property
    def actor(self) -> str:
        """How the user's changes are signed in the audit trail."""
        return f"user:{self.login}"


@dataclass(frozen=True)
class FieldEntry:
    """One blind entry of a double-entry field."""

    actor: str
    value: FieldValue
    at: datetime


@dataclass(frozen=True)
class EntryStatus:
    """Where the double entry of a field stands, as one person (``viewer``) may know it.

    ``count``: entries made (0-2); ``by_viewer``: the viewer made one of them; ``mismatch``:
    two entries disagree and a third person decides. ``entries`` holds the values only then
    (before, entries are blind: nobody sees another's value)."""

    field_id: str
    count: int
    by_viewer: bool
    mismatch: bool
    entries: tuple[FieldEntry, ...] = ()


@dataclass(frozen=True)
class Upload:
    """A file a person put into the inbox through the review UI, and the watcher's record of
    it (``source``: ``None`` until the watcher has taken it)."""

    id: int
    sha256: str
    name: str
    size: int
    actor: str
    at: datetime
    source: SourceFile | None


@dataclass(frozen=True)
class FieldStat:
    """How many fields of one form and type are in one state (for the dashboard)."""

    form_id: str
    field_type: str
    status: FieldState
    count: int


@dataclass(frozen=True)
class DayCount:
    """Documents made (``created``) and approved (``approved``) on one day (Japan time)."""

    day: str
    created: int
    approved: int


@dataclass(frozen=True)
class AuditWeek:
    """One week (``week``: its Monday, Japan time) of what reviewers found: of the fields of
    the documents read that week, how many (``fields``) and how many a person corrected
    (``corrected``); of the auto-accepted fields drawn for the sampling audit that week, how
    many (``samples``), how many a reviewer has decided (``checked``) and how many of those
    the machine had accepted wrong (``wrong``: corrected to another value, or unreadable)."""

    week: str
    fields: int
    corrected: int
    samples: int
    checked: int
    wrong: int

    @property
    def corrections_per_100(self) -> float | None:
        return 100.0 * self.corrected / self.fields if self.fields else None


@dataclass(frozen=True)
class AuditTotals:
    """The sampling audit over all time: fields drawn, decided by a reviewer, found wrong."""

    samples: int
    checked: int
    wrong: int


@dataclass(frozen=True)
class TrainingExample:
    """A field a person corrected, confirmed or marked unreadable, with what is needed to cut
    its crop again exactly: the page image (``image_sha256``, as scanned) and the
    registration matrix that maps it onto the template of ``form_id`` at ``form_version``,
    and the field's zone ``bbox`` in template pixels. ``value`` is the final value (``None``
    when unreadable), ``raw``/``char_confidences``/``ocr_value`` the machine's reading,
    ``reader_model`` the second reader model that read it, ``reviewed_at`` when the person
    decided. Never a 個人番号 or a field its form marks sensitive."""

    document_id: int
    field_id: str
    type: str
    status: FieldState
    value: FieldValue
    ocr_value: FieldValue
    raw: str
    char_confidences: tuple[float, ...]
    bbox: BBox | None
    form_id: str
    form_version: int
    page_no: int
    image_sha256: str
    registration: dict[str, Any] | None
    reader_model: str | None
    reviewed_at: datetime


@dataclass(frozen=True)
class PurgePreview:
    """What a purge with this ``cutoff`` would remove (``formocr purge --dry-run``): finished
    documents by status, the span of their finishing times, the scan files that would have no
    document left, and files of an earlier purge still to remove."""

    cutoff: datetime
    documents: int
    by_status: dict[str, int]
    first_finished: datetime | None
    last_finished: datetime | None
    source_files: int
    pending_files: int


@dataclass(frozen=True)
class PendingFile:
    """A file whose rows a purge removed and that is still to go: ``kind`` ``image`` (``ref``
    relative to the image folder) or ``archive`` (``ref``: the archived scan's path)."""

    id: int
    kind: str
    ref: str
    sha256: str


@dataclass(frozen=True)
class PurgeReport:
    """What a purge removed: documents and scan files (ids), page image files and archived
    scans, audit events whose values were erased, in how many batches (one transaction and
    one ``purged`` event each); ``files_left``: files that could not be removed now (the next
    run tries again)."""

    cutoff: datetime
    documents: tuple[int, ...]
    source_files: tuple[int, ...]
    images: int
    archived: int
    events_erased: int
    batches: int
    files_left: int
