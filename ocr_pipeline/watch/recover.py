"""Putting things right after a crash, a kill -9 or a power cut (run when the watcher starts,
and the cheap parts again at every rescan).

- Items held by worker processes that no longer run go back in the queue at once, instead of
  waiting for their leases to run out (:func:`release_items`).
- Files recorded but not yet queued (the watcher stopped between recording a file and queueing
  it) are finished: queued if their archived copy is there; left to the next inbox scan if the
  file is still in the inbox; marked ``vanished`` if it is nowhere (:func:`finish_received`).
- Files the store says are quarantined but which are still in the archive (the worker stopped
  between the two steps) are moved beside their note (:func:`finish_quarantine_moves`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..store import SourceFile, SourceState, Store, TenantStore, WorkState
from .files import move_durably
from .lease import crashes_of
from .outcome import FileOutcome, Outcome
from .paths import WatchPaths
from .quarantine import QuarantineNote, note_path

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
            error = {"code": "worker_died" if crashed else "worker_gone", "crashes": crashes}
            try:
                town.fail(item.id, item.worker_id, error, retry=True)
            except Exception as exc:  # taken meanwhile: nothing to do
                log.debug("work item %d: %s", item.id, exc)
                continue
            released += 1
            log.info("work item %d of %s handed back (%s)", item.id, tenant, error["code"])
    return released


def _sources(town: TenantStore, state: SourceState, most: int) -> Iterator[SourceFile]:
    offset = 0
    while offset < most:
        batch = town.list_sources(state, limit=min(PAGE, most - offset), offset=offset)
        yield from batch
        if len(batch) < PAGE:
            return
        offset += len(batch)


def finish_received(store: Store, paths: WatchPaths, report: Callable[[FileOutcome], None]) -> int:
    """Queue or settle files recorded but never queued; how many were queued."""
    queued = 0
    for tenant in store.tenants():
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
                    town.archive(source.id, str(archived))
                town.enqueue(source.id)
                queued += 1
                continue
            if (paths.tenant_inbox(tenant) / source.name).exists():
                continue  # the next scan of the inbox takes it (and finds this record)
            note = QuarantineNote.make(
                file=source.name,
                tenant=tenant,
                code="vanished",
                detail="the file was recorded but removed from the inbox before it was archived",
                sha256=source.sha256,
                source_file_id=source.id,
            )
            town.quarantine(source.id, note.to_dict(), None)
            report(
                FileOutcome(
                    tenant=tenant,
                    name=source.name,
                    outcome=Outcome.VANISHED,
                    seconds=time.monotonic() - started,
                    source_id=source.id,
                    code="vanished",
                    reason=note.detail,
                )
            )
    return queued


def finish_quarantine_moves(store: Store, paths: WatchPaths, most: int = 2000) -> int:
    """Move quarantined files still in the archive to their place in the quarantine."""
    moved = 0
    for tenant in store.tenants():
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
