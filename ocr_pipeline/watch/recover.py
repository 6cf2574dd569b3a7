"""Putting things right after a crash, a kill -9 or a power cut (run when the watcher starts,
and the cheap parts again at every rescan).

- Items held by worker processes that no longer run go back in the queue at once, instead of
  waiting for their leases to run out (:func:`release_items`).
- Files recorded but not yet queued (the watcher stopped between recording a file and queueing
  it) are finished: queued if their archived copy is there; left to the next inbox scan if the
  file is still in the inbox; marked ``vanished`` if it is nowhere (:func:`finish_received`).
- Files the store says are quarantined but which are still in the archive (the worker stopped
  between the two steps) are moved beside their note (:func:`finish_quarantine_moves`).
- Notes left alone in the quarantine by a stop between writing the note and finishing the
  quarantine are removed (:func:`remove_stray_notes`): the file they speak of is still in the
  inbox or still queued, and gets its own note when it is set aside again. Only at start-up,
  before any worker runs, since a running worker's note is briefly alone in the same way.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from ..store import NotFoundError, SourceFile, SourceState, Store, WorkQueueStore, WorkState
from .codes import HandBackCode, QuarantineCode
from .files import move_durably, sha256_of
from .lease import crashes_of
from .outcome import FileOutcome
from .paths import WatchPaths
from .quarantine import NOTE_SUFFIX, QuarantineNote, note_path

log = logging.getLogger(__name__)

PAGE = 500


def release_items(store: Store, held_by: Callable[[str | None], bool], *, crashed: bool) -> int:
    """Hand back every running item whose worker ``held_by`` picks; with ``crashed`` the
    item's crash count goes up (a worker process died while the watcher lived). How many."""
    released = 0
    for tenant in store.tenants():
        town = store.for_tenant(tenant)
        for item in town.list_work(WorkState.RUNNING, limit=1000):
            if item.worker_id is None or not held_by(item.worker_id):
                continue
            crashes = crashes_of(item) + (1 if crashed else 0)
            code = HandBackCode.WORKER_DIED if crashed else HandBackCode.WORKER_GONE
            error = {"code": code, "crashes": crashes}
            try:
                town.fail(item.id, item.worker_id, error, retry=True)
            except Exception as exc:  # taken meanwhile: nothing to do
                log.debug("work item %d: %s", item.id, exc)
                continue
            released += 1
            log.info("work item %d of %s handed back (%s)", item.id, tenant, error["code"])
    return released


def _sources(town: WorkQueueStore, state: SourceState, most: int) -> Iterator[SourceFile]:
    offset = 0
    while offset < most:
        batch = town.list_sources(state, limit=min(PAGE, most - offset), offset=offset)
        yield from batch
        if len(batch) < PAGE:
            return
        offset += len(batch)


def _tenants(store: Store, only: Collection[str] | None) -> list[str]:
    """The store's tenants (those of ``only`` when given: an intake's share)."""
    return [t for t in store.tenants() if only is None or t in only]


def finish_received(
    store: Store,
    paths: WatchPaths,
    report: Callable[[FileOutcome], None],
    *,
    only: Collection[str] | None = None,
) -> int:
    """Queue or settle files recorded but never queued (of the tenants ``only`` names, when
    given); how many were queued."""
    queued = 0
    for tenant in _tenants(store, only):
        town = store.for_tenant(tenant)
        for source in list(_sources(town, SourceState.RECEIVED, 10_000)):
            started = time.monotonic()
            archived = (
                Path(source.stored_path)
                if source.stored_path
                else paths.archive_file(tenant, source.sha256, source.name)
            )
            if archived.is_file():
                if source.stored_path is None:
                    town.archive(source.id, str(archived), enqueue=True)
                else:
                    town.enqueue(source.id)
                queued += 1
                continue
            if (paths.tenant_inbox(tenant) / source.name).exists():
                continue  # the next scan of the inbox takes it (and finds this record)
            note = QuarantineNote.make(
                file=source.name,
                tenant=tenant,
                code=QuarantineCode.VANISHED,
                detail="the file was recorded but removed from the inbox before it was archived",
                sha256=source.sha256,
                source_file_id=source.id,
            )
            town.quarantine(source.id, note.to_dict(), None)
            report(FileOutcome.vanished(note, started=started))
    return queued


def finish_quarantine_moves(
    store: Store, paths: WatchPaths, most: int = 2000, *, only: Collection[str] | None = None
) -> int:
    """Move quarantined files still in the archive to their place in the quarantine (of the
    tenants ``only`` names, when given)."""
    moved = 0
    for tenant in _tenants(store, only):
        town = store.for_tenant(tenant)
        for source in _sources(town, SourceState.QUARANTINED, most):
            if not source.stored_path:
                continue
            target = Path(source.stored_path)
            archived = paths.archive_file(tenant, source.sha256, source.name)
            if target.exists() or not archived.is_file() or not note_path(target).is_file():
                continue
            try:
                move_durably(archived, target)
            except OSError as exc:
                log.warning("cannot move %s to %s: %s", archived, target, exc)
                continue
            moved += 1
    return moved


def remove_stray_notes(
    store: Store, paths: WatchPaths, *, only: Collection[str] | None = None
) -> list[Path]:
    """Remove the quarantine notes whose quarantine never finished (in the folders of the
    tenants ``only`` names, when given); the removed notes.

    A note with its file beside it stays. A note alone stays when the store records that very
    quarantine (a file that was lost before it could be moved, or that the clerk took away);
    it goes when the file it names is still in the inbox (the watcher stopped before moving it)
    or when the store does not record it (the worker stopped before recording it, or the file
    was quarantined again under another name)."""
    removed: list[Path] = []
    if not paths.quarantine.is_dir():
        return removed
    tenants = set(store.tenants())
    for folder in sorted(p for p in paths.quarantine.iterdir() if p.is_dir()):
        if only is not None and folder.name not in only:
            continue
        for note_file in sorted(folder.glob("*" + NOTE_SUFFIX)):
            target = note_file.with_name(note_file.name[: -len(NOTE_SUFFIX)])
            if target.exists() or target.is_symlink():
                continue
            try:
                note = json.loads(note_file.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("cannot read quarantine note %s: %s", note_file, exc)
                continue
            if not isinstance(note, dict):
                continue
            town = store.for_tenant(folder.name) if folder.name in tenants else None
            if _stray(note, paths.tenant_inbox(folder.name), town):
                note_file.unlink(missing_ok=True)
                removed.append(note_file)
                log.info("removed %s: its quarantine did not finish", note_file)
    return removed


def _stray(note: dict[str, object], inbox: Path, town: WorkQueueStore | None) -> bool:
    name = note.get("file")
    if isinstance(name, str) and name and _still_in_inbox(inbox / name, note.get("sha256")):
        return True
    source_id = note.get("source_file_id")
    if (
        not isinstance(source_id, int)
        or note.get("code") == QuarantineCode.DUPLICATE_OF_QUARANTINED
    ):
        return False  # refused by the intake: its file was moved, then taken away
    if town is None:
        return True
    try:
        source = town.get_source(source_id)
    except NotFoundError:
        return True
    return source.state is not SourceState.QUARANTINED or source.error != note


def _still_in_inbox(path: Path, sha256: object) -> bool:
    """The file a note speaks of is still in the inbox (the same bytes, when the note knows
    them: a new scan under the same name is another file)."""
    if path.is_symlink():
        return True
    if not path.exists():
        return False
    if not isinstance(sha256, str) or not path.is_file():
        return True
    try:
        return sha256_of(path)[0] == sha256
    except OSError:
        return True
