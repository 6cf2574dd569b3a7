"""Durable file-system steps shared by the store, the export and the watched folder."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make the renames and new names in ``folder`` durable (POSIX). Where a folder cannot be
    opened or synced (Windows, some network file systems) this does nothing."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
