"""Errors the store raises. Each carries a remedy, like every :class:`FormocrError`.

Messages never quote field values (records hold personal data) and never reveal that an id
exists for another tenant: an id of another tenant is reported exactly like an id that does not
exist at all.
"""

from __future__ import annotations

from ..errors import ExitCode, FormocrError


class StoreError(FormocrError):
    """Base class of the store's errors."""

    exit_code = ExitCode.UNEXPECTED


class StoreUnavailableError(StoreError):
    """The database cannot be reached, is busy beyond the timeout, or its schema is not the one
    this version of formocr needs. ``url`` is the database URL without its password."""

    exit_code = ExitCode.STORE_UNAVAILABLE

    def __init__(self, url: str, message: str, remedy: str = "") -> None:
        self.url = url
        super().__init__(
            f"database {url}: {message}",
            remedy
            or "Check that the database server is running and reachable and that "
            "FORMOCR_DATABASE_URL is right; then try again.",
        )


class NotFoundError(StoreError):
    """An id names nothing this tenant can see: it does not exist, or belongs to another tenant
    (which is never said)."""

    exit_code = ExitCode.BAD_ARGS

    def __init__(self, kind: str, ident: object) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(
            f"{kind} {ident!r} not found",
            f"check the {kind} id; list what exists with the store's list functions",
        )


class ConflictError(StoreError):
    """The change cannot be made in the current state: someone else changed the document since
    it was loaded (``changes`` lists what), or its status does not allow the change."""

    exit_code = ExitCode.BAD_ARGS

    def __init__(self, message: str, remedy: str = "", changes: tuple[str, ...] = ()) -> None:
        self.changes = changes
        super().__init__(message, remedy or "reload the document and make the change again")


class LeaseLostError(ConflictError):
    """A worker acted on a work item it no longer holds (its lease expired and another worker
    took the item, or the item was finished)."""

    def __init__(self, item_id: int, worker_id: str) -> None:
        self.item_id = item_id
        super().__init__(
            f"work item {item_id} is no longer held by worker {worker_id!r}",
            "drop the work: another worker has it or it is finished; heartbeat more often "
            "than the lease lasts",
        )


class InvalidValueError(StoreError):
    """A value typed by a reviewer fails the field's checks. ``codes`` are reason codes."""

    exit_code = ExitCode.BAD_ARGS

    def __init__(self, field_id: str, codes: tuple[str, ...], details: tuple[str, ...]) -> None:
        self.field_id = field_id
        self.codes = codes
        super().__init__(
            f"value for {field_id} fails its checks ({', '.join(codes)}): "
            + "; ".join(details or codes),
            "type the value as written on the form in a form the field accepts, mark the "
            "field unreadable, or return the document",
        )


class FormMissingError(StoreError):
    """The form definition a document was read with is not installed (or has another version)."""

    exit_code = ExitCode.SCHEMA_INVALID

    def __init__(self, form_key: str, installed: str | None) -> None:
        self.form_key = form_key
        have = f"installed is {installed}" if installed else "no form with that id is installed"
        super().__init__(
            f"the document was read with form {form_key}; {have}",
            "add the folder of that form version with --forms-dir / FORMOCR_FORMS_DIR",
        )
