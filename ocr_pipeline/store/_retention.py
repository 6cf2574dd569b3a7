"""Retention: finished documents removed once their tenant no longer needs them.

A document is *finished* when its status is final (:data:`~.states.FINISHED`: exported, or
returned to the applicant); nothing changes it any more, so its ``updated_at`` is when it
finished. :meth:`RetentionMixin.purge_finished` removes the finished documents of this tenant
that finished before a cutoff, in batches, each batch one transaction:

- their rows: fields, blind entries, sampling-audit rows, export items (the export's own
  record stays: who, when, file checksum, how many documents), pages, the document;
- a scan file (``source_files``) that is ``done``, finished before the cutoff and has no
  document left (all purged, or it never made one: blank or unknown pages): its remaining
  pages, work item, upload records and the row itself;
- page image rows no page refers to any more;
- the values of the audit events of those documents and scan files: ``old`` and ``new``
  become NULL and ``detail`` ``'$purged'`` (the one change the database's trigger allows, see
  migration 0006), so the trail still says who did what to which field, and when, but no longer
  what the value was. An ``uploaded`` event naming the scan's SHA-256 is erased too (it holds the
  file name);
- one ``purged`` event: the cutoff, the ids and counts (no values).

Files go after the transaction commits: the same transaction writes each file to remove into
``purge_files`` (page images, archived scans), and a row there is deleted once its file is
gone (:mod:`._purge_files`). A purge stopped at any point leaves either the rows (nothing
happened) or the rows gone and the files listed; the next run (``finish_purge`` first) removes
them. Before a file goes, the store checks that no row of this tenant needs it again (the same page
image saved anew, the same scan dropped again), so a kept document never loses a file.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, delete, exists, func, null, or_, select, update
from sqlalchemy.orm import Session

from ..errors import BadArgumentsError
from . import _convert as conv
from ._purge_files import ARCHIVE, IMAGE, ArchiveRemover, PurgeFilesMixin
from .errors import NotFoundError
from .models import (
    AuditEventRow,
    AuditSampleRow,
    DocumentRow,
    ExportItemRow,
    FieldEntryRow,
    FieldRow,
    PageImageRow,
    PageRow,
    PurgeFileRow,
    SourceFileRow,
    TenantRow,
    UploadRow,
    WorkItemRow,
)
from .states import FINISHED, Action, SourceState
from .views import PurgePreview, PurgeReport

log = logging.getLogger(__name__)

PURGED = "$purged"
"""``detail`` of an audit event whose values a purge erased (migration 0006 allows exactly
this change: ``old`` and ``new`` NULL, ``detail`` this marker, every other column as it was)."""
MAX_RETENTION_DAYS = 36500
BATCH = 200


_FINISHED = [s.value for s in FINISHED]
_OF_DOCUMENT: tuple[Any, ...] = (FieldEntryRow, AuditSampleRow, ExportItemRow, FieldRow, PageRow)


def cutoff_for(days: int, now: datetime) -> datetime:
    """The cutoff of a retention period of ``days`` days ending ``now``."""
    return now - timedelta(days=days)


def check_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_RETENTION_DAYS:
        raise BadArgumentsError(
            f"a retention period of {days!r} days is not allowed",
            f"give a whole number of days from 0 (keep forever) to {MAX_RETENTION_DAYS}",
        )
    return days


class RetentionMixin(PurgeFilesMixin):
    def retention_days(self) -> int:
        """How many days a finished document is kept before a purge without an explicit
        cutoff removes it (0: forever, the default)."""
        with self._db.read() as s:
            days = s.scalar(select(TenantRow.retention_days).where(TenantRow.id == self._tenant))
        if days is None:
            raise NotFoundError("tenant", self._tenant)
        return int(days)

    def set_retention_days(self, days: int, *, actor: str) -> None:
        """Set the retention period (0 to 36,500 days; 0 keeps forever); an audit event
        records who changed it from what to what. Nothing is removed until a purge runs."""
        conv.check_actor(actor)
        check_days(days)
        with self._db.write() as s:
            row = s.get(TenantRow, self._tenant, with_for_update=True)
            if row is None:
                raise NotFoundError("tenant", self._tenant)
            old, row.retention_days = row.retention_days, days
            self._audit(
                s,
                Action.RETENTION_SET,
                actor,
                old={"retention_days": old},
                new={"retention_days": days},
            )

    def _check_cutoff(self, cutoff: datetime) -> datetime:
        if cutoff.tzinfo is None:
            raise BadArgumentsError("a purge cutoff needs a time zone", "use datetime.now(UTC)")
        if cutoff > self._now():
            raise BadArgumentsError(
                f"the cutoff {cutoff.isoformat()} is in the future",
                "give a date in the past: documents finished before it are removed",
            )
        return cutoff.astimezone(UTC)

    def _finished_before(self, cutoff: datetime) -> Any:
        return (
            (DocumentRow.tenant_id == self._tenant)
            & DocumentRow.status.in_(_FINISHED)
            & (DocumentRow.updated_at < cutoff)
        )

    def _sources_before(self, cutoff: datetime) -> Any:
        return (
            (SourceFileRow.tenant_id == self._tenant)
            & (SourceFileRow.state == SourceState.DONE.value)
            & (SourceFileRow.updated_at < cutoff)
        )

    def purge_preview(self, cutoff: datetime) -> PurgePreview:
        """What :meth:`purge_finished` with ``cutoff`` would remove now (changes nothing)."""
        cutoff = self._check_cutoff(cutoff)
        with self._db.read() as s:
            rows = s.execute(
                select(
                    DocumentRow.status,
                    func.count(),
                    func.min(DocumentRow.updated_at),
                    func.max(DocumentRow.updated_at),
                )
                .where(self._finished_before(cutoff))
                .group_by(DocumentRow.status)
            ).all()
            kept = exists().where(
                DocumentRow.tenant_id == SourceFileRow.tenant_id,
                DocumentRow.source_file_id == SourceFileRow.id,
                ~self._finished_before(cutoff),
            )
            sources = s.scalar(select(func.count()).where(self._sources_before(cutoff), ~kept))
            pending = s.scalar(select(func.count()).where(PurgeFileRow.tenant_id == self._tenant))
        firsts = [conv_time(r[2]) for r in rows]
        lasts = [conv_time(r[3]) for r in rows]
        return PurgePreview(
            cutoff=cutoff,
            documents=sum(int(r[1]) for r in rows),
            by_status={str(r[0]): int(r[1]) for r in rows},
            first_finished=min(firsts) if firsts else None,
            last_finished=max(lasts) if lasts else None,
            source_files=int(sources or 0),
            pending_files=int(pending or 0),
        )

    def purge_finished(
        self,
        cutoff: datetime,
        *,
        actor: str,
        remove_archived: ArchiveRemover | None = None,
        batch_size: int = BATCH,
    ) -> PurgeReport:
        """Remove this tenant's documents that finished (exported or returned) before
        ``cutoff``, with their pages, page images, evidence and the scan files left without a
        document, and erase the values of their audit events (see the module). Files an
        earlier purge left are removed first. ``remove_archived`` removes an archived scan
        (the watcher's :func:`~ocr_pipeline.watch.retention.archive_remover`); without it,
        archived scans stay listed for a later run. Documents still to be reviewed, approved
        or exported are never touched, nor is another tenant's anything."""
        conv.check_actor(actor)
        cutoff = self._check_cutoff(cutoff)
        if not 1 <= batch_size <= 5000:
            raise BadArgumentsError(f"batch size {batch_size}", "from 1 to 5000")
        images, archived, _ = self.finish_purge(remove_archived)
        docs: list[int] = []
        sources: list[int] = []
        erased = batches = 0
        while True:
            with self._db.write() as s:
                done = self._purge_batch(s, cutoff, actor, batch_size)
            if done is None:
                break
            batches += 1
            docs += done[0]
            sources += done[1]
            erased += done[2]
            i, a, _ = self.finish_purge(remove_archived)
            images, archived = images + i, archived + a
        left = len(self.pending_purge_files())
        return PurgeReport(
            cutoff, tuple(docs), tuple(sources), images, archived, erased, batches, left
        )

    def _purge_batch(
        self, s: Session, cutoff: datetime, actor: str, limit: int
    ) -> tuple[list[int], list[int], int] | None:
        """One batch in the caller's transaction: ``(document ids, source ids, events
        erased)``, or ``None`` when nothing is left to purge."""
        t = self._tenant
        doc_ids = list(
            s.scalars(
                select(DocumentRow.id)
                .where(self._finished_before(cutoff))
                .order_by(DocumentRow.updated_at, DocumentRow.id)
                .limit(limit)
                .with_for_update()
            )
        )
        shas: set[str] = set()
        if doc_ids:
            shas |= self._page_images(s, PageRow.document_id.in_(doc_ids))
            for model in _OF_DOCUMENT:  # what refers to a document, before the document
                s.execute(delete(model).where(model.tenant_id == t, model.document_id.in_(doc_ids)))
            s.execute(
                delete(DocumentRow).where(DocumentRow.tenant_id == t, DocumentRow.id.in_(doc_ids))
            )
        has_document = exists().where(
            DocumentRow.tenant_id == SourceFileRow.tenant_id,
            DocumentRow.source_file_id == SourceFileRow.id,
        )
        gone = s.execute(
            select(SourceFileRow.id, SourceFileRow.sha256, SourceFileRow.stored_path)
            .where(self._sources_before(cutoff), ~has_document)
            .order_by(SourceFileRow.id)
            .limit(limit)
            .with_for_update()
        ).all()
        src_ids = [g.id for g in gone]
        if not doc_ids and not src_ids:
            return None
        if src_ids:
            shas |= self._page_images(s, PageRow.source_file_id.in_(src_ids))
            s.execute(
                delete(PageRow).where(PageRow.tenant_id == t, PageRow.source_file_id.in_(src_ids))
            )
            s.execute(
                delete(WorkItemRow).where(
                    WorkItemRow.tenant_id == t, WorkItemRow.source_file_id.in_(src_ids)
                )
            )
            src_shas = [g.sha256 for g in gone]
            s.execute(
                delete(UploadRow).where(UploadRow.tenant_id == t, UploadRow.sha256.in_(src_shas))
            )
            s.execute(
                delete(SourceFileRow).where(
                    SourceFileRow.tenant_id == t, SourceFileRow.id.in_(src_ids)
                )
            )
            self._list_files(s, [(ARCHIVE, g.stored_path, g.sha256) for g in gone if g.stored_path])
        images = self._drop_unused_images(s, shas)
        erased = self._erase_events(s, doc_ids, [(g.id, g.sha256) for g in gone])
        self._audit(
            s,
            Action.PURGED,
            actor,
            new={
                "cutoff": cutoff.isoformat(),
                "documents": sorted(doc_ids),
                "source_files": src_ids,
                "page_images": images,
                "archived_scans": sum(1 for g in gone if g.stored_path),
                "events_erased": erased,
            },
        )
        log.info(
            "%s: purged %d document(s), %d scan file(s), %d page image(s) finished before %s",
            t,
            len(doc_ids),
            len(src_ids),
            images,
            cutoff.isoformat(),
        )
        return doc_ids, src_ids, erased

    def _page_images(self, s: Session, which: Any) -> set[str]:
        q = select(PageRow.image_sha256).where(
            PageRow.tenant_id == self._tenant, which, PageRow.image_sha256.is_not(None)
        )
        return {sha for sha in s.scalars(q) if sha}

    def _drop_unused_images(self, s: Session, shas: set[str]) -> int:
        """Delete the image rows among ``shas`` that no page refers to any more, listing
        their files for removal; return how many."""
        if not shas:
            return 0
        used = exists().where(
            PageRow.tenant_id == PageImageRow.tenant_id,
            PageRow.image_sha256 == PageImageRow.sha256,
        )
        rows = s.execute(
            select(PageImageRow.sha256, PageImageRow.rel_path).where(
                PageImageRow.tenant_id == self._tenant,
                PageImageRow.sha256.in_(sorted(shas)),
                ~used,
            )
        ).all()
        if rows:
            s.execute(
                delete(PageImageRow).where(
                    PageImageRow.tenant_id == self._tenant,
                    PageImageRow.sha256.in_([r.sha256 for r in rows]),
                )
            )
            self._list_files(s, [(IMAGE, r.rel_path, r.sha256) for r in rows])
        return len(rows)

    def _erase_events(self, s: Session, doc_ids: list[int], sources: list[tuple[int, str]]) -> int:
        """Erase the values of the events about these documents and scan files (and of the
        uploads of those scans); return how many events changed."""
        t = self._tenant
        about: list[ColumnElement[bool]] = []
        if doc_ids:
            about.append(AuditEventRow.document_id.in_(doc_ids))
        if sources:
            about.append(AuditEventRow.source_file_id.in_([i for i, _ in sources]))
            text = cast(AuditEventRow.new, Text)
            about += [
                (AuditEventRow.action == Action.UPLOADED.value) & text.like(f"%{sha}%")
                for _, sha in sources
            ]
        not_yet = or_(
            AuditEventRow.detail != PURGED,
            AuditEventRow.old.is_not(None),
            AuditEventRow.new.is_not(None),
        )
        result = s.execute(
            update(AuditEventRow)
            .where(AuditEventRow.tenant_id == t, or_(*about), not_yet)
            .values(old=null(), new=null(), detail=PURGED)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def conv_time(value: Any) -> datetime:
    """An aggregate's time (``min``/``max`` bypass the column type on SQLite: naive text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
