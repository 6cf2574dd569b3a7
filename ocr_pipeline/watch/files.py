"""File operations the watcher relies on: hashing without following links or blocking, and
moving a file so that after a power cut it is complete at its new place or still at its old one.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
from pathlib import Path

from ..durable import fsync_dir
from ..filemodes import make_private

CHUNK = 1 << 20
NAME_MAX_BYTES = 255
RESERVED_BYTES = len(".error.json") + len(" (9999)")
"""Room kept in a file name for the quarantine note's suffix and a collision number."""


class NotRegularFileError(OSError):
    """The path is not a regular file (a link, FIFO, socket, device or folder)."""


class FileChangedError(OSError):
    """The file changed while it was being hashed: it is still being written."""


def sha256_of(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of the regular file ``path``. Links are not followed and a FIFO
    is not waited on (:class:`NotRegularFileError`); a file that changes while it is read
    raises :class:`FileChangedError`."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularFileError(errno.ELOOP, "a symbolic link", str(path)) from exc
        raise
    with os.fdopen(fd, "rb") as f:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise NotRegularFileError(errno.EINVAL, "not a regular file", str(path))
        digest = hashlib.sha256()
        size = 0
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        after = os.fstat(fd)
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or (
        size != after.st_size
    ):
        raise FileChangedError(errno.EAGAIN, "changed while being read", str(path))
    return digest.hexdigest(), size


def fit_name(name: str, reserve: int = RESERVED_BYTES) -> str:
    """``name`` shortened (before its suffix) so that it and ``reserve`` more bytes fit in a
    file name; a name that is not usable at all becomes ``unnamed``."""
    name = name.replace("/", "_").replace("\0", "_")
    if name in ("", ".", ".."):
        name = "unnamed"
    limit = NAME_MAX_BYTES - reserve
    if len(name.encode("utf-8", "surrogateescape")) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix, dot = name, "", ""
    tail = f"{dot}{suffix}".encode()
    head = stem.encode("utf-8", "surrogateescape")[: limit - len(tail)]
    return head.decode("utf-8", "ignore") + tail.decode()


def numbered(name: str, n: int) -> str:
    """``scan.pdf``, ``scan (2).pdf``, ``scan (3).pdf`` …"""
    if n == 1:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        return f"{name} ({n})"
    return f"{stem} ({n}).{suffix}"


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def move_durably(src: Path, dst: Path) -> None:
    """Move ``src`` (a file, a symbolic link itself, or a folder) to ``dst``, which must not
    exist (:class:`FileExistsError`: nothing is ever overwritten). Across file systems the
    copy is written to a hidden name, synced and renamed before ``src`` is removed, so a crash
    leaves a complete ``dst``, or none, and ``src``. ``dst`` is made owner-only (it holds a
    resident's scan), whatever mode ``src`` had."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if _exists(dst):
        raise FileExistsError(errno.EEXIST, "already exists", str(dst))
    if not os.access(src.parent, os.W_OK | os.X_OK):
        # Checked first: across file systems a copy would be made and then src not removed.
        raise PermissionError(errno.EACCES, "its folder is read-only", str(src))
    try:
        os.rename(src, dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        _copy_across(src, dst)
    make_private(dst)  # a clerk's scan arrives with the mode its copy gave it
    fsync_dir(dst.parent)
    fsync_dir(src.parent)


def _copy_across(src: Path, dst: Path) -> None:
    mode = src.lstat().st_mode
    tmp = dst.with_name(f".{dst.name}.moving")
    _remove(tmp)
    if not (stat.S_ISLNK(mode) or stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
        raise NotRegularFileError(errno.EXDEV, "cannot be copied to another file system", str(src))
    try:
        if stat.S_ISLNK(mode):
            os.symlink(os.readlink(src), tmp)
        elif stat.S_ISDIR(mode):
            shutil.copytree(src, tmp, symlinks=True)
        else:
            with open(src, "rb") as fin, open(tmp, "xb") as fout:
                shutil.copyfileobj(fin, fout, CHUNK)
                fout.flush()
                os.fsync(fout.fileno())
            shutil.copystat(src, tmp)
        os.rename(tmp, dst)
    except BaseException:
        _remove(tmp)
        raise
    fsync_dir(dst.parent)
    if stat.S_ISDIR(mode):
        shutil.rmtree(src)
    else:
        src.unlink()


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
