"""One watcher per set of folders: a second ``formocr watch`` on the same archive stops at once
instead of racing the first for the same files.

The lock is ``flock`` on ``ARCHIVE/.watch.lock``: the kernel lets go of it when the watcher
dies, however it dies (kill -9, power cut), so a stale lock never blocks a restart. Worker
processes are spawned (fork, then exec) and do not inherit it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ExitCode
from .options import WatchFatalError

LOCK_NAME = ".watch.lock"


@contextmanager
def only_watcher(archive: Path) -> Iterator[None]:
    """Hold the watcher's lock on ``archive`` for the ``with`` block; raise
    :class:`WatchFatalError` if another watcher holds it."""
    archive.mkdir(parents=True, exist_ok=True)
    path = archive / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise WatchFatalError(
                f"another formocr watch (process {holder}) is already watching these folders "
                f"({path})",
                "stop the other watcher first, or give this one its own FORMOCR_DATA_DIR",
                ExitCode.CONFIG_INVALID,
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)
