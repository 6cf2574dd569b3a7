"""Taking a settled file from the inbox: record it, move it to the archive, queue it.

Order, so that a crash at any point loses nothing and duplicates nothing:

1. SHA-256 of the file as it lies in the inbox (not following links, not blocking on FIFOs).
2. ``register_source`` (not yet queued) — before the file is touched in any other way. The same
   bytes taken before make it a duplicate: that copy is archived under ``duplicates/`` (or, if
   the first one was quarantined, quarantined too) and not read again.
3. Move to ``ARCHIVE/<tenant>/<sha[:2]>/<sha>/<name>``, then ``archive`` (where it went) with
   its work item, in one transaction. A file recorded but not queued is found again by the next
   scan (still in the inbox) or by :func:`~.recover.finish_received` (already in the archive).

Entries the layout refuses (symbolic links, unknown form folders, …) are moved to the quarantine
with their note without being recorded: they were never taken, and the same file dropped later
in the right place is read normally.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from ..store import SourceFile, SourceState, Store, WorkQueueStore
from .codes import NEVER_READ, QuarantineCode
from .files import FileChangedError, NotRegularFileError, move_durably, sha256_of
from .layout import InboxEntry, Refusal
from .outcome import FileOutcome
from .paths import WatchPaths
from .quarantine import QuarantineNote, quarantine_file

log = logging.getLogger(__name__)

ACTOR = "system:watch"

REFUSAL_DETAIL = {
    Refusal.SYMLINK: "symbolic links are not followed; copy the scan itself into the folder",
    Refusal.UNKNOWN_FORM_FOLDER: "the folder {folder!r} is not the id of a known form",
    Refusal.NESTED_FOLDER: "a folder inside a form folder; files go directly into it",
    Refusal.NOT_REGULAR: "not a regular file (a FIFO, socket or device)",
}


class NotSettledError(Exception):
    """The file changed while it was being taken: wait for it again."""


class Intake:
    """Takes inbox entries for :class:`~.watcher.Watcher` (one thread)."""

    def __init__(
        self,
        store: Store,
        paths: WatchPaths,
        forms: list[str],
        report: Callable[[FileOutcome], None],
    ) -> None:
        self.store = store
        self.paths = paths
        self.forms = forms
        self.report = report
        self._tenants: dict[str, WorkQueueStore] = {}

    def town(self, tenant: str) -> WorkQueueStore:
        town = self._tenants.get(tenant)
        if town is None:
            town = self.store.for_tenant(tenant)
            town.ensure_tenant()
            self._tenants[tenant] = town
        return town

    def take(self, entry: InboxEntry) -> FileOutcome | None:
        """Take or refuse one settled entry. Returns the outcome when the file is finished
        with here (refused, duplicate); ``None`` when it was queued (the worker reports it) or
        had gone. Raises :class:`NotSettledError`, or ``OSError`` / store errors to be retried
        later (nothing is lost: the file stays where it is or the record finds it again)."""
        started = time.monotonic()
        if entry.refusal is not None:
            return self._refuse(entry, entry.refusal, started)
        town = self.town(entry.tenant)
        try:
            sha, size = sha256_of(entry.path)
        except FileNotFoundError:
            log.debug("%s went away before it was taken", entry.path)
            return None
        except NotRegularFileError:
            return self._refuse(entry, Refusal.NOT_REGULAR, started)
        except FileChangedError as exc:
            raise NotSettledError(str(entry.path)) from exc
        # A record of these bytes still ``received`` was made by a take that did not finish:
        # this is no duplicate but the same take, resumed (``resume``: no duplicate event).
        source, duplicate = town.register_source(
            sha, entry.name, size, actor=ACTOR, enqueue=False, resume=True
        )
        if not duplicate or source.state is SourceState.RECEIVED:
            self._archive_and_queue(town, source, entry.path)
            return None
        return self._duplicate(town, entry, source, started)

    def _archive_and_queue(
        self, town: WorkQueueStore, source: SourceFile, path: Path, *, requeue: bool = False
    ) -> None:
        target = self.paths.archive_file(town.tenant_id, source.sha256, source.name)
        if target.is_file():
            # Moved before, by a take that stopped before recording it; this copy has the
            # same SHA-256, so the archived one stands and this one goes.
            path.unlink(missing_ok=True)
        else:
            move_durably(path, target)
        # Where it went and its work item: one transaction.
        town.archive(source.id, str(target), actor=ACTOR, enqueue=not requeue)
        if requeue:
            town.requeue(source.id, actor=ACTOR)
        log.debug("%s/%s taken as source %d", town.tenant_id, source.name, source.id)

    def _duplicate(
        self, town: WorkQueueStore, entry: InboxEntry, first: SourceFile, started: float
    ) -> FileOutcome | None:
        code = (first.error or {}).get("code")
        if first.state is SourceState.QUARANTINED and code in NEVER_READ:
            # The first copy was lost before it could be read: this one takes its place.
            self._archive_and_queue(town, first, entry.path, requeue=True)
            return None
        if first.state is SourceState.QUARANTINED:
            note = QuarantineNote.make(
                file=entry.name,
                tenant=entry.tenant,
                code=QuarantineCode.DUPLICATE_OF_QUARANTINED,
                detail=f"the same bytes as {first.name} (source {first.id}), which was "
                "quarantined: " + str((first.error or {}).get("detail", "")),
                sha256=first.sha256,
                source_file_id=first.id,
            )
            return self._set_aside(entry, note, started, duplicate_of=first.id)
        target = self.paths.duplicate_file(entry.tenant, first.sha256, entry.name)
        move_durably(entry.path, target)
        return FileOutcome.duplicate(
            entry.tenant,
            entry.name,
            started=started,
            first=first.id,
            reason=f"the same bytes as {first.name} (source {first.id}, {first.state})",
            path=str(target),
        )

    def _refuse(self, entry: InboxEntry, refusal: Refusal, started: float) -> FileOutcome:
        detail = REFUSAL_DETAIL[refusal].format(folder=entry.folder)
        if refusal is Refusal.UNKNOWN_FORM_FOLDER:
            detail += f" (known forms: {', '.join(sorted(self.forms))})"
        note = QuarantineNote.make(
            file=entry.name, tenant=entry.tenant, code=QuarantineCode(refusal), detail=detail
        )
        return self._set_aside(entry, note, started)

    def _set_aside(
        self,
        entry: InboxEntry,
        note: QuarantineNote,
        started: float,
        duplicate_of: int | None = None,
    ) -> FileOutcome:
        """Quarantine an inbox entry the store keeps no record of (refused, or a copy of a
        quarantined file); the file stays in the inbox if the move fails."""
        folder = self.paths.quarantine_folder(entry.tenant)
        target = quarantine_file(entry.path, folder, entry.name, note)
        return FileOutcome.quarantined(
            note, started=started, path=str(target), duplicate_of=duplicate_of
        )
