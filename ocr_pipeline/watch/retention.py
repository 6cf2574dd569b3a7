"""Retention on the watcher's side: removing the archived scan of a purged source file.

The store purges rows and page images (:meth:`~ocr_pipeline.store.TenantStore.purge_finished`)
and hands each archived scan it no longer needs to :func:`archive_remover`, which knows the
archive's layout (:mod:`.paths`): the scan lives in ``ARCHIVE/<tenant>/<sha[:2]>/<sha>/`` with
the later drops of the same bytes in ``duplicates/``, and that folder goes whole. A path that is
not such a folder of this tenant is never touched (a warning names it).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from ..durable import fsync_dir
from .paths import WatchPaths

log = logging.getLogger(__name__)


def archive_folder(paths: WatchPaths, tenant: str, sha256: str) -> Path:
    """The folder that holds a scan's archived copies (the first drop and its duplicates)."""
    return paths.archive / tenant / sha256[:2] / sha256


class ArchiveRemover:
    """Removes the archived copies of a purged scan of one tenant:
    ``remover(stored_path, sha256)`` (the store's ``ArchiveRemover``)."""

    def __init__(self, paths: WatchPaths, tenant: str) -> None:
        self.paths = paths
        self.tenant = tenant

    def __call__(self, stored_path: str, sha256: str) -> None:
        folder = archive_folder(self.paths, self.tenant, sha256)
        if Path(stored_path).absolute().parent != folder.absolute():
            log.warning(
                "%s: the scan %s is not in the archive folder %s; left in place (remove it by "
                "hand if it should go)",
                self.tenant,
                stored_path,
                folder,
            )
            return
        if folder.is_symlink() or not folder.exists():
            return
        shutil.rmtree(folder)
        fsync_dir(folder.parent)


def archive_remover(paths: WatchPaths, tenant: str) -> ArchiveRemover:
    """The remover of ``tenant``'s archived scans under ``paths.archive``."""
    return ArchiveRemover(paths, tenant)
