"""Worker ids (``host:pid:random``), so that a restarted watcher can tell which work items were
held by worker processes of this machine that no longer run."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass


def hostname() -> str:
    return socket.gethostname() or "localhost"


def new_worker_id(pid: int | None = None) -> str:
    """A worker id unique per process: ``host:pid:8 hex digits``."""
    return f"{hostname()}:{pid if pid is not None else os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class WorkerRef:
    host: str
    pid: int


def parse_worker_id(worker_id: str | None) -> WorkerRef | None:
    """The host and process id in a worker id made by :func:`new_worker_id`, else ``None``."""
    if not worker_id:
        return None
    parts = worker_id.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return WorkerRef(parts[0], int(parts[1]))


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            state = f.read().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def held_by_dead_local_worker(worker_id: str | None) -> bool:
    """True when ``worker_id`` names a process of this machine that no longer runs."""
    ref = parse_worker_id(worker_id)
    return ref is not None and ref.host == hostname() and not pid_alive(ref.pid)
