"""Checks on the path itself, before any byte of content is interpreted.

Only regular files are read. A symbolic link is followed when its final target is a regular
file; a dangling link, a directory, a FIFO (which would block a reader forever), a socket or a
device is refused, as is an empty file.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from ocr_pipeline.errors import InputUnreadableError, RefusalCode

logger = logging.getLogger(__name__)

HEAD_BYTES = 1024
"""How much of the file ``read_head`` returns: PDF allows its header anywhere in the first 1 KiB."""

_NOT_REGULAR = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _link_note(path: Path) -> str:
    """`` (a symbolic link to X)`` when ``path`` is a link, so messages show both names."""
    if path.is_symlink():
        return f" (a symbolic link to {os.readlink(path)})"
    return ""


def check_regular_file(path: Path) -> int:
    """Return the size in bytes of ``path`` if it is a non-empty regular file, else raise."""
    try:
        is_link = path.is_symlink()
        if is_link and not path.exists():
            raise InputUnreadableError(
                path,
                f"is a symbolic link to {os.readlink(path)}, which does not exist or cannot "
                "be resolved (dangling link)",
                "Fix or remove the link, or copy the scan itself into the folder.",
                code=RefusalCode.MISSING,
            )
        st = path.stat()
    except FileNotFoundError:
        raise InputUnreadableError(
            path,
            "does not exist",
            "Check the path; the file may have been moved or deleted in the meantime.",
            code=RefusalCode.MISSING,
        ) from None
    except OSError as exc:
        raise InputUnreadableError(
            path,
            f"cannot be examined: {exc.strerror or exc}",
            "Check that the folder and the file are readable by the user formocr runs as.",
            code=RefusalCode.NO_ACCESS,
        ) from exc
    _check_mode(path, st.st_mode)
    if st.st_size == 0:
        raise InputUnreadableError(
            path,
            f"the file is empty (0 bytes){_link_note(path)}",
            "The scanner or the copy into the folder may not have finished: wait and try "
            "again, or scan the form again.",
            code=RefusalCode.EMPTY,
        )
    if is_link:
        logger.debug("%s: following symbolic link to %s", path, path.resolve())
    return st.st_size


def _check_mode(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise InputUnreadableError(
            path,
            f"is a directory, not a file{_link_note(path)}",
            "Pass the scan file itself; to process a whole folder, use the watched folder "
            "or pass each file.",
            code=RefusalCode.NOT_A_FILE,
        )
    if not stat.S_ISREG(mode):
        kind = _NOT_REGULAR.get(stat.S_IFMT(mode), "not a regular file")
        raise InputUnreadableError(
            path,
            f"is {kind}, not a regular file{_link_note(path)}",
            "Pass a scan file (PDF, TIFF, JPEG or PNG) stored on disk.",
            code=RefusalCode.NOT_A_FILE,
        )


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """Return the first ``size`` bytes of ``path``; refuse unreadable files with a remedy."""
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except PermissionError:
        raise InputUnreadableError(
            path,
            "cannot be read: permission denied",
            "Give the user that formocr runs as read permission on the file "
            "(for example through the group of the shared folder).",
            code=RefusalCode.NO_ACCESS,
        ) from None
    except OSError as exc:
        raise InputUnreadableError(
            path,
            f"cannot be read: {exc.strerror or exc}",
            "Check the disk or network share holding the file, then try again.",
            code=RefusalCode.NO_ACCESS,
        ) from exc
