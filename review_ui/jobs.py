"""Long work (exports) in background threads, never in the Streamlit script thread: a page
starts a job and polls it. A job belongs to one tenant and user; another's job is not found.

Jobs live in memory (the work itself is durable: an export is in the store's ledger once it
has run); a restart of the UI forgets them.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ocr_pipeline.errors import FormocrError

from . import failure

log = logging.getLogger(__name__)

KEEP = 200
"""Finished jobs remembered (oldest forgotten first)."""


class JobState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    """A snapshot of a job. ``error`` is the message of a failed job (with its remedy)."""

    id: str
    owner: tuple[str, str]
    kind: str
    state: JobState
    started_at: datetime
    finished_at: datetime | None = None
    result: Any = None
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class JobRunner:
    """A small thread pool with a memory of its jobs. Thread-safe."""

    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="formocr-ui-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(
        self,
        owner: tuple[str, str],
        kind: str,
        work: Callable[[], Any],
        detail: dict[str, Any] | None = None,
    ) -> Job:
        """Start ``work`` for ``owner`` (tenant, login); returns the running job at once."""
        job = Job(
            uuid.uuid4().hex, owner, kind, JobState.RUNNING, datetime.now(UTC), detail=detail or {}
        )
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        self._pool.submit(self._run, job.id, work)
        return job

    def _run(self, job_id: str, work: Callable[[], Any]) -> None:
        try:
            result = work()
        except FormocrError as exc:
            self._finish(job_id, JobState.FAILED, error=str(exc))
        except Exception:  # a bug: keep the UI alive, say so, log the trace (not shown)
            reference = failure.new_reference()
            log.exception("job %s failed (reference %s)", job_id, reference)
            self._finish(job_id, JobState.FAILED, error=failure.message(reference, "処理を完了"))
        else:
            self._finish(job_id, JobState.DONE, result=result)

    def _finish(
        self, job_id: str, state: JobState, result: Any = None, error: str | None = None
    ) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._jobs[job_id] = replace(
                    job, state=state, result=result, error=error, finished_at=datetime.now(UTC)
                )

    def _forget_old(self) -> None:
        done = [j for j in self._jobs.values() if j.state is not JobState.RUNNING]
        for j in sorted(done, key=lambda j: j.started_at)[: max(0, len(self._jobs) - KEEP)]:
            del self._jobs[j.id]

    def get(self, job_id: str, owner: tuple[str, str]) -> Job | None:
        """The job if it is ``owner``'s."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def latest(
        self, owner: tuple[str, str], kind: str, state: JobState | None = None
    ) -> Job | None:
        """``owner``'s most recent job of ``kind`` (in ``state``, when given)."""
        with self._lock:
            mine = [
                j
                for j in self._jobs.values()
                if j.owner == owner and j.kind == kind and (state is None or j.state is state)
            ]
        return max(mine, key=lambda j: j.started_at, default=None)

    def wait(self, job_id: str, owner: tuple[str, str], timeout: float) -> Job | None:
        """Poll until the job has finished or ``timeout`` seconds passed (for tests)."""
        deadline = datetime.now(UTC).timestamp() + timeout
        while True:
            job = self.get(job_id, owner)
            if job is None or job.state is not JobState.RUNNING:
                return job
            if datetime.now(UTC).timestamp() > deadline:
                return job
            threading.Event().wait(0.05)
