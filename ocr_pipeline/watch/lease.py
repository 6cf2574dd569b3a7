"""Holding a work item: the lease renewed while a worker reads the file, and the count of
worker processes that died holding it (kept in the item's ``last_error``)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from ..store import LeaseLostError, WorkItem, WorkQueueStore

log = logging.getLogger(__name__)


class StopRequestedError(Exception):
    """Raised between pages when the worker is asked to stop."""


def crashes_of(item: WorkItem) -> int:
    """How many times a worker process died holding this item (kept in ``last_error``)."""
    error = item.last_error or {}
    value = error.get("crashes", 0)
    return value if isinstance(value, int) else 0


@dataclass(frozen=True)
class WorkerOptions:
    lease_seconds: float = 120.0
    max_crashes: int = 3


class Heartbeat:
    """Renews an item's lease every third of the lease while the block runs; ``lost`` is set
    if another worker has taken the item over."""

    def __init__(self, town: WorkQueueStore, item_id: int, worker_id: str, lease: float) -> None:
        self.lost = threading.Event()
        self._done = threading.Event()
        self._args = (town, item_id, worker_id, lease)
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{item_id}", daemon=True)

    def _run(self) -> None:
        town, item_id, worker_id, lease = self._args
        while not self._done.wait(max(1.0, lease / 3)):
            try:
                town.heartbeat(item_id, worker_id, lease)
            except LeaseLostError:
                self.lost.set()
                return
            except Exception as exc:  # keep trying: the lease has time left
                log.warning("work item %d: heartbeat failed: %s", item_id, exc)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
