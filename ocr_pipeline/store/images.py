"""Page image files, stored once per tenant by the SHA-256 of their PNG bytes.

Layout: ``<root>/<tenant>/<sha[:2]>/<sha>.png`` (``root`` is ``<data_dir>/images``). A file is
written to a temporary name in its folder, flushed to disk and renamed, so a reader never sees a
partial file and a crash leaves at most a stray ``.tmp`` file. Files are written before the
transaction that records them commits; a transaction that rolls back leaves an unreferenced file
behind, which the next save of the same image simply reuses.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..durable import fsync_dir
from ..errors import BadArgumentsError

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class PngInfo:
    """What the store records about a page image."""

    sha256: str
    width: int
    height: int
    size: int


def png_info(data: bytes) -> PngInfo:
    """Hash and size of PNG ``data``; anything else is refused (a bug in the caller)."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise BadArgumentsError(
            "a page image given to the store is not a PNG file",
            "encode page images as PNG (cv2.imencode('.png', image)) before saving them",
        )
    width, height = struct.unpack(">II", data[16:24])
    return PngInfo(hashlib.sha256(data).hexdigest(), width, height, len(data))


def relative_path(tenant_id: str, sha256: str) -> str:
    return f"{tenant_id}/{sha256[:2]}/{sha256}.png"


class ImageFiles:
    """The folder of page images."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write_once(self, rel_path: str, data: bytes) -> None:
        """Write ``data`` at ``rel_path`` unless a complete file is already there."""
        path = self.root / rel_path
        if path.is_file() and path.stat().st_size == len(data):
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        fsync_dir(path.parent)

    def read(self, rel_path: str) -> bytes:
        return (self.root / rel_path).read_bytes()

    def remove(self, rel_path: str) -> bool:
        """Remove the file at ``rel_path`` (a path this store made: ``tenant/xx/sha.png``);
        ``False`` if it was not there. Its folder stays (a writer may be about to use it)."""
        path = self.root / rel_path
        if ".." in Path(rel_path).parts or Path(rel_path).is_absolute():
            raise BadArgumentsError(f"{rel_path!r} is not a page image path", "a bug: report it")
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        fsync_dir(path.parent)
        return True
