"""Owner-only files and folders: everything formocr writes holds residents' data (scans, page
images, the database, exports, quarantine notes, the key), so it is created 0600 in 0700
folders.

Every entry point calls :func:`private_umask` first (the ``formocr`` command, the review UI's
script, the watcher's worker processes); files are then created owner-only whatever code
creates them (SQLite makes its ``-wal`` and ``-shm`` with the database file's mode). Files
that arrive from elsewhere keep the mode they came with, so a file moved into the archive or
the quarantine is made owner-only there (:func:`make_private`). :func:`tighten` closes the
folders formocr owns that an older version (or a looser umask) made 0755: their contents are
then out of other users' reach without walking every file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .settings import Settings

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700


def private_umask() -> int:
    """Set the process umask to 0o077; returns the previous one."""
    return os.umask(PRIVATE_UMASK)


def make_private(path: Path) -> None:
    """``path`` owner-only: a regular file 0600, a folder 0700 (a symbolic link is left as
    it is; it has no mode of its own). Errors are ignored: a file system without modes."""
    with contextlib.suppress(OSError):
        mode = path.lstat().st_mode
        if stat.S_ISREG(mode) and stat.S_IMODE(mode) != FILE_MODE:
            os.chmod(path, FILE_MODE)
        elif stat.S_ISDIR(mode) and stat.S_IMODE(mode) != DIR_MODE:
            os.chmod(path, DIR_MODE)


def tighten(paths: Iterable[Path]) -> list[Path]:
    """Make each existing ``path`` that this user owns owner-only (not what is inside a
    folder); returns those changed. Paths of other users (root's, a share's) are left alone."""
    changed = []
    for path in paths:
        try:
            st = path.lstat()
        except OSError:
            continue
        if st.st_uid != os.geteuid() or not stat.S_IMODE(st.st_mode) & 0o077:
            continue
        if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
            make_private(path)
            changed.append(path)
    return changed


def owned_paths(settings: Settings) -> list[Path]:
    """The folders and files of an installation that are formocr's own: the data folder, the
    SQLite database with its journal files, the key file, page images, the archive, the
    quarantine, exports, drawn forms and model links. Not the inbox when it is set apart
    (``inbox_dir``): other accounts may have to drop files there."""
    data = settings.data_dir
    db = data / "formocr.db"
    return [
        data,
        db,
        db.with_name(db.name + "-wal"),
        db.with_name(db.name + "-shm"),
        data / "secret.key",
        data / "images",
        data / "runtime",
        settings.archive_path,
        settings.quarantine_path,
        settings.exports_path,
        settings.drawn_forms_path,
        settings.model_cache_dir,
    ]
