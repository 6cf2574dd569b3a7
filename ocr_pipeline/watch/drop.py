"""Putting a file into a tenant's inbox the way the watcher likes it: written under a hidden
name (which the watcher never takes), synced, then renamed into place, never overwriting a file
already waiting there. For the review UI's upload, the demo and tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..durable import fsync_dir
from ..errors import BadArgumentsError
from .files import fit_name, numbered
from .layout import is_valid_tenant


def drop_file(
    inbox: Path,
    tenant: str,
    name: str,
    *,
    data: bytes | None = None,
    source: Path | None = None,
    form_id: str | None = None,
) -> Path:
    """Write ``data`` (or copy the file ``source``) to ``inbox/tenant[/form_id]/name`` (or
    ``name (2)``… if taken); the path it landed at."""
    if not is_valid_tenant(tenant):
        raise BadArgumentsError(
            f"invalid tenant id {tenant!r}",
            "use 1-64 characters: lower-case letters, digits, '-' and '_'",
        )
    if (data is None) == (source is None):
        raise BadArgumentsError("drop_file needs data or source, not both", "pass one of them")
    folder = inbox / tenant / form_id if form_id else inbox / tenant
    folder.mkdir(parents=True, exist_ok=True)
    base = fit_name(os.path.basename(name))
    tmp = folder / f".{base}.{os.getpid()}.uploading"
    with open(tmp, "wb") as out:
        if data is not None:
            out.write(data)
        else:
            assert source is not None
            with open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    try:
        for n in range(1, 10_000):
            target = folder / numbered(base, n)
            try:
                os.link(tmp, target)  # never replaces an existing file
            except FileExistsError:
                continue
            except OSError:  # no hard links on this file system
                if target.exists():
                    continue
                os.rename(tmp, target)
            fsync_dir(folder)
            return target
        raise FileExistsError(f"no free name for {base} in {folder}")
    finally:
        tmp.unlink(missing_ok=True)
