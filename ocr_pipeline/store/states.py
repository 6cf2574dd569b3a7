"""The states and actions the store records. Their values are stored as text and are stable."""

from __future__ import annotations

from enum import StrEnum


class SourceState(StrEnum):
    """Where a scan file is: ``received`` (recorded, not queued), ``queued``, ``processing``,
    ``done`` (its pages are saved) or ``quarantined`` (refused; ``error`` says why)."""

    RECEIVED = "received"
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    QUARANTINED = "quarantined"


class WorkState(StrEnum):
    """A work item of the durable queue. ``running`` items carry a lease; one whose lease has
    run out is claimed again."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class DocumentStatus(StrEnum):
    """``review``: some field needs a human look; ``ready``: none does, awaiting approval;
    ``approved``; ``returned`` (sent back to the applicant, with a reason); ``exported``."""

    REVIEW = "review"
    READY = "ready"
    APPROVED = "approved"
    RETURNED = "returned"
    EXPORTED = "exported"


EDITABLE = frozenset({DocumentStatus.REVIEW, DocumentStatus.READY})
"""Statuses in which fields may be corrected, confirmed or marked unreadable."""

FINISHED = frozenset({DocumentStatus.EXPORTED, DocumentStatus.RETURNED})
"""Final statuses: nothing changes a document in them any more (so its ``updated_at`` is when it
finished), and retention may purge it. ``approved`` is not final: it waits for its export."""


class FieldState(StrEnum):
    """``accepted`` (by the machine), ``review`` (needs a look), ``corrected``, ``confirmed``
    (a person agreed with the reading) or ``unreadable`` (a person could not read it)."""

    ACCEPTED = "accepted"
    REVIEW = "review"
    CORRECTED = "corrected"
    CONFIRMED = "confirmed"
    UNREADABLE = "unreadable"


class Action(StrEnum):
    """What an audit event records."""

    RECEIVED = "received"  # a scan file was recorded
    DUPLICATE = "duplicate"  # the same file (same SHA-256) arrived again
    SAVED = "saved"  # the pages of a source file were stored
    QUARANTINED = "quarantined"
    REQUEUED = "requeued"  # a quarantined or failed file was given another run
    ARCHIVED = "archived"
    CREATED = "created"  # a document was made from pages
    OCR = "ocr"  # the value a field was read as
    CORRECTED = "corrected"
    CONFIRMED = "confirmed"
    UNREADABLE = "unreadable"
    APPROVED = "approved"
    RETURNED = "returned"
    EXPORTED = "exported"  # one per document, and one for the export itself
    EXPORT_REPEATED = "export_repeated"
    REVEALED = "revealed"  # a masked value (個人番号) was shown to a person
    ENTERED = "entered"  # one blind entry of a double-entry field (the value is kept apart)
    ENTRIES_DIFFER = "entries_differ"  # two blind entries disagree: a third person decides
    UPLOADED = "uploaded"  # a person put a scan file into the inbox through the review UI
    USER_ADDED = "user_added"  # user events are written once for each tenant of the user
    PASSWORD_CHANGED = "password_changed"
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    AUDIT_RATE_SET = "audit_rate_set"  # the tenant's sampling audit rate was changed
    TRAINING_OPT_IN = "training_opt_in"  # an administrator allowed or stopped training use
    READER_MODEL = "reader_model"  # the tenant switched its second reader model
    TRAINING_EXPORTED = "training_exported"  # reviewed fields were exported as training data
    RETENTION_SET = "retention_set"  # the tenant's retention period was changed
    PURGED = "purged"  # finished documents past their retention were removed (ids, no values)


class Role(StrEnum):
    """What a user may do. ``clerk``: upload scans and follow them; ``reviewer``: review,
    approve and return documents; ``administrator``: everything, including exports, forms and
    users, possibly for several tenants."""

    CLERK = "clerk"
    REVIEWER = "reviewer"
    ADMINISTRATOR = "administrator"


class EntryOutcome(StrEnum):
    """What a blind entry of a double-entry field led to: ``waiting`` for the second person,
    ``matched`` (the field took the agreed value) or ``mismatch`` (a third person decides)."""

    WAITING = "waiting"
    MATCHED = "matched"
    MISMATCH = "mismatch"
