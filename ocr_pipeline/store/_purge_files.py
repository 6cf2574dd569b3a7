"""The files a purge removes after its transaction (:mod:`._retention`): the journal
``purge_files`` lists each page image and archived scan whose rows a purge removed, in the
same transaction; :meth:`PurgeFilesMixin.finish_purge` removes them and then their journal
rows. A file a row of the tenant needs again (the same page image saved anew, the same scan
dropped again) is kept; a file that cannot be removed now stays listed for the next run."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ._base import TenantBase
from .models import PageImageRow, PurgeFileRow, SourceFileRow
from .views import PendingFile

log = logging.getLogger(__name__)

IMAGE, ARCHIVE = "image", "archive"
FILE_CHUNK = 500

ArchiveRemover = Callable[[str, str], None]
"""``(stored_path, sha256)``: remove the archived scan (and its duplicates) that the watcher
kept at ``stored_path``; raise ``OSError`` to leave it for the next run."""


class PurgeFilesMixin(TenantBase):
    def pending_purge_files(self) -> list[PendingFile]:
        """Files whose rows a purge removed and that are still to go, oldest first."""
        with self._db.read() as s:
            rows = s.scalars(
                select(PurgeFileRow)
                .where(PurgeFileRow.tenant_id == self._tenant)
                .order_by(PurgeFileRow.id)
            )
            return [PendingFile(r.id, r.kind, r.ref, r.sha256) for r in rows]

    def finish_purge(self, remove_archived: ArchiveRemover | None = None) -> tuple[int, int, int]:
        """Remove the files earlier purges listed: ``(page images, archived scans, left)``.
        A file some row of this tenant needs again (the same image or scan saved anew) stays
        and leaves the list; one that cannot be removed now (``OSError``) stays listed.
        Works through the list in chunks: one look-up and one transaction per chunk."""
        images = archived = left = 0
        pending = self.pending_purge_files()
        for start in range(0, len(pending), FILE_CHUNK):
            chunk = pending[start : start + FILE_CHUNK]
            needed = self._needed_again(chunk)
            done: list[int] = []
            for f in chunk:
                removed = False if f.id in needed else self._remove_file(f, remove_archived)
                if removed is None:
                    left += 1
                    continue
                done.append(f.id)
                if removed and f.kind == IMAGE:
                    images += 1
                elif removed:
                    archived += 1
            if done:
                with self._db.write() as s:
                    s.execute(
                        delete(PurgeFileRow).where(
                            PurgeFileRow.tenant_id == self._tenant, PurgeFileRow.id.in_(done)
                        )
                    )
        return images, archived, left

    def _needed_again(self, files: Sequence[PendingFile]) -> set[int]:
        """The ids of listed files a row of this tenant needs again: a page image saved anew
        or a scan dropped again (same SHA-256)."""
        t = self._tenant
        image_shas = {f.sha256 for f in files if f.kind == IMAGE}
        scan_shas = {f.sha256 for f in files if f.kind == ARCHIVE}
        with self._db.read() as s:
            used = set(
                s.scalars(
                    select(PageImageRow.sha256).where(
                        PageImageRow.tenant_id == t, PageImageRow.sha256.in_(sorted(image_shas))
                    )
                )
            )
            used_scans = set(
                s.scalars(
                    select(SourceFileRow.sha256).where(
                        SourceFileRow.tenant_id == t, SourceFileRow.sha256.in_(sorted(scan_shas))
                    )
                )
            )
        needed = {
            f.id
            for f in files
            if (f.kind == IMAGE and f.sha256 in used)
            or (f.kind == ARCHIVE and f.sha256 in used_scans)
        }
        for f in files:
            if f.id in needed:
                log.info("%s: %s %s is needed again; kept", t, f.kind, f.ref)
        return needed

    def _remove_file(self, f: PendingFile, remove_archived: ArchiveRemover | None) -> bool | None:
        """Remove one listed file no row needs: ``True`` removed, ``False`` already gone,
        ``None`` left for later (no archive remover given, or an ``OSError``, logged)."""
        try:
            if f.kind == IMAGE:
                return self._images.remove(f.ref)
            if remove_archived is None:
                return None
            remove_archived(f.ref, f.sha256)
            return True
        except OSError as exc:
            log.warning("%s: could not remove %s %s: %s", self._tenant, f.kind, f.ref, exc)
            return None

    def _list_files(self, s: Session, files: Sequence[tuple[str, str, str]]) -> None:
        now = self._now()
        s.add_all(
            PurgeFileRow(tenant_id=self._tenant, kind=k, ref=ref, sha256=sha, created_at=now)
            for k, ref, sha in files
        )
