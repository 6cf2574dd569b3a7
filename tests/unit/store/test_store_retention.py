"""Retention in the store: ``purge_finished`` removes the finished documents (exported or
returned) of one tenant that finished before a cutoff, with their rows, page images, evidence
and the scan files left without a document; it erases the values of their audit events and
records itself; it never touches an unfinished document or another tenant; a purge stopped
half way leaves nothing inconsistent and the next run finishes it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.results import PageStatus
from ocr_pipeline.store import Action, AuditEvent, NotFoundError, Store, TenantStore
from ocr_pipeline.store._convert import event
from ocr_pipeline.store._retention import PURGED, RetentionMixin
from ocr_pipeline.store._sealed import Sealer
from ocr_pipeline.store.images import relative_path
from ocr_pipeline.store.models import AuditEventRow
from tests.unit.store.conftest import FakeClock, Kit

NAME = "削除\u3000花子"  # the name on the documents to purge (found nowhere afterwards)
MARK = "削除"
KEPT_NAME = "保存\u3000一郎"


@dataclass
class Removed:
    """An archive remover that records what it was asked to remove."""

    calls: list[tuple[str, str]]
    fail: bool = False

    def __call__(self, stored_path: str, sha256: str) -> None:
        if self.fail:
            raise OSError("the archive share is not mounted")
        self.calls.append((stored_path, sha256))


def _events(store: Store, tenant: str | None = None) -> list[AuditEvent]:
    with store._db.read() as s:
        q = select(AuditEventRow).order_by(AuditEventRow.id)
        if tenant is not None:
            q = q.where(AuditEventRow.tenant_id == tenant)
        return [event(r, Sealer(store.keys, r.tenant_id)) for r in s.scalars(q)]


def _dump(store: Store) -> str:
    """Every row of every table of the store, as text (to look for a value anywhere)."""
    out = []
    with store._db.read() as s:
        for table in (
            "documents",
            "fields",
            "pages",
            "field_entries",
            "audit_samples",
            "audit_events",
            "source_files",
            "uploads",
        ):
            out += sorted(repr(tuple(r)) for r in s.execute(text(f"SELECT * FROM {table}")))
    return "\n".join(out)


def _save(
    town: TenantStore, kit: Kit, name: str, *, seed: int, value: str = NAME, pages: int = 1
) -> list[int]:
    src, _ = town.register_source(kit.sha(f"{town.tenant_id}/{name}"), name, 100)
    town.archive(src.id, f"/archive/{town.tenant_id}/{name}")
    results = [kit.water(p, values={"user_name": value}) for p in range(1, pages + 1)]
    images = {p: kit.png(seed + p) for p in range(1, pages + 1)}
    return town.save_result(src.id, results, images)


def _v(town: TenantStore, doc: int) -> int:
    return town.get_document(doc).version


def _approve(town: TenantStore, doc: int, value: str = NAME) -> None:
    v = town.correct_field(doc, "user_name", value, actor="sato", expected_version=1, reason="確認")
    town.approve(doc, actor="kacho", expected_version=v.version)


def _export(town: TenantStore, kit: Kit, docs: list[int], value: str = NAME) -> int:
    for d in docs:
        _approve(town, d, value)
    return town.record_export(
        "water", actor="admin", file_name="w.csv", sha256=kit.sha("w"), size=1, document_ids=docs
    )


def _return(town: TenantStore, doc: int) -> None:
    town.return_document(doc, actor="kacho", expected_version=_v(town, doc), reason="記入漏れ")


@dataclass
class Scene:
    exported: int
    returned: int
    approved: int
    review: int
    late: int  # exported after the cutoff
    other_town: int
    cutoff: datetime
    export_id: int


@pytest.fixture
def scene(town_a: TenantStore, town_b: TenantStore, kit: Kit, clock: FakeClock) -> Scene:
    (exported,) = _save(town_a, kit, "e.pdf", seed=10)
    (returned,) = _save(town_a, kit, "r.pdf", seed=20)
    (approved,) = _save(town_a, kit, "a.pdf", seed=30, value=KEPT_NAME)
    (review,) = _save(town_a, kit, "v.pdf", seed=40, value=KEPT_NAME)
    (late,) = _save(town_a, kit, "l.pdf", seed=50, value=KEPT_NAME)
    # town B: the same file name and image bytes as town A's exported document
    (other,) = _save(town_b, kit, "e.pdf", seed=10, value=KEPT_NAME)
    export_id = _export(town_a, kit, [exported])
    _export(town_b, kit, [other], KEPT_NAME)
    _return(town_a, returned)
    _approve(town_a, approved, KEPT_NAME)
    clock.advance(86400)
    cutoff = clock()
    clock.advance(86400)
    _export(town_a, kit, [late], KEPT_NAME)
    clock.advance(86400)
    return Scene(exported, returned, approved, review, late, other, cutoff, export_id)


def _image(store: Store, tenant: str, kit: Kit, seed: int) -> bool:
    return (store._images.root / relative_path(tenant, kit.sha(kit.png(seed)))).is_file()


def test_preview_says_what_would_go_and_changes_nothing(
    store: Store, town_a: TenantStore, scene: Scene
) -> None:
    before = (_dump(store), town_a.pending_purge_files())
    p = town_a.purge_preview(scene.cutoff)
    assert (p.documents, p.by_status, p.source_files) == (
        2,
        {"exported": 1, "returned": 1},
        2,
    )
    assert p.first_finished is not None and p.last_finished is not None
    assert p.first_finished <= p.last_finished < scene.cutoff
    assert (_dump(store), town_a.pending_purge_files()) == before


def test_purge_removes_finished_documents_with_images_and_evidence(
    store: Store, town_a: TenantStore, town_b: TenantStore, kit: Kit, scene: Scene
) -> None:
    # reviewed names: the exported, the approved and the late one
    assert town_a.evidence_counts()["name"] == 3
    assert MARK in _dump(store)
    removed = Removed([])
    report = town_a.purge_finished(scene.cutoff, actor="user:kanri", remove_archived=removed)
    assert sorted(report.documents) == sorted([scene.exported, scene.returned])
    assert (len(report.source_files), report.images, report.archived) == (2, 2, 2)
    assert (report.batches, report.files_left) == (1, 0)
    assert sorted(p for p, _ in removed.calls) == ["/archive/town-a/e.pdf", "/archive/town-a/r.pdf"]
    for gone in (scene.exported, scene.returned):
        with pytest.raises(NotFoundError):
            town_a.get_document(gone)
    assert not _image(store, "town-a", kit, 11) and not _image(store, "town-a", kit, 21)
    for kept, seed in ((scene.approved, 31), (scene.review, 41), (scene.late, 51)):
        assert town_a.get_document(kept).id == kept
        assert _image(store, "town-a", kit, seed)
    # evidence and training examples go with their documents
    assert town_a.evidence_counts()["name"] == 2
    assert {e.document_id for e in town_a.training_examples()} == {
        scene.approved,
        scene.late,
    }
    # the export's record stays; its items are gone with the documents
    assert [e.id for e in town_a.export_log()][-1] == scene.export_id
    assert town_a.export_items(scene.export_id) == []
    # nothing of town B changed: same image bytes, same file name, same status
    assert town_b.get_document(scene.other_town).status.value == "exported"
    assert _image(store, "town-b", kit, 11)
    assert not [e for e in _events(store, "town-b") if e.detail == PURGED]
    # the resident's name is nowhere in the database any more
    assert MARK not in _dump(store)
    # a second run finds nothing and writes nothing
    before = _events(store)
    again = town_a.purge_finished(scene.cutoff, actor="user:kanri", remove_archived=removed)
    assert (again.documents, again.batches) == ((), 0)
    assert _events(store) == before


def test_values_are_erased_but_the_trail_stays(
    store: Store, town_a: TenantStore, scene: Scene
) -> None:
    before = {e.id: e for e in _events(store, "town-a")}
    report = town_a.purge_finished(scene.cutoff, actor="user:kanri", remove_archived=Removed([]))
    after = _events(store, "town-a")
    gone = set(report.documents)
    erased = [e for e in after if e.id in before and e != before[e.id]]
    assert len(erased) == report.events_erased > 0
    for e in erased:
        # who, when, what, which document and field: as they were; the values: gone
        assert e == replace(before[e.id], old=None, new=None, detail=PURGED)
        assert e.document_id in gone or e.source_file_id in set(report.source_files)
    corrections = [e for e in erased if e.action is Action.CORRECTED]
    assert {(e.document_id, e.field_id, e.actor) for e in corrections} == {
        (scene.exported, "user_name", "sato")
    }
    # events of kept documents are untouched
    for e in after:
        if e.document_id in {scene.approved, scene.review, scene.late}:
            assert e == before[e.id]
    (purge,) = [e for e in after if e.action is Action.PURGED]
    assert purge.actor == "user:kanri" and purge.document_id is None
    assert set(purge.new["documents"]) == gone and len(purge.new["documents"]) == 2
    assert purge.new["cutoff"] == scene.cutoff.isoformat()
    assert MARK not in repr(purge.new) and "記入漏れ" not in repr(purge.new)
    # the returned document's reason and the corrected name are nowhere in the trail now
    was = repr([(e.old, e.new, e.detail) for e in before.values() if e.document_id in gone])
    trail = repr([(e.old, e.new, e.detail) for e in after if e.document_id in gone])
    assert MARK in was and "記入漏れ" in was and "確認" in was
    assert MARK not in trail and "記入漏れ" not in trail and "確認" not in trail
    # the sampling audit's report still works over what is left
    assert town_a.audit_totals().samples == 0
    town_a.audit_weeks()


def test_the_database_allows_erasing_values_and_nothing_else(
    store: Store, saved_document: int
) -> None:
    (first, *_) = [e for e in _events(store) if e.document_id == saved_document]
    refused = [
        "UPDATE audit_events SET actor = 'someone else'",
        "UPDATE audit_events SET new = NULL",
        f"UPDATE audit_events SET old = NULL, new = NULL, detail = '{PURGED}', actor = 'x'",
        f"UPDATE audit_events SET old = NULL, new = NULL, detail = '{PURGED}', field_id = 'x'",
        "UPDATE audit_events SET old = NULL, new = NULL, detail = 'forged'",
        "DELETE FROM audit_events",
    ]
    before = _events(store)
    for sql in refused:
        with pytest.raises(DBAPIError, match="append-only"), store._db.write() as s:
            s.execute(text(sql))
    assert _events(store) == before
    with store._db.write() as s:
        s.execute(
            text(
                f"UPDATE audit_events SET old = NULL, new = NULL, detail = '{PURGED}' WHERE id = :i"
            ),
            {"i": first.id},
        )
    after = _events(store)
    i = [e.id for e in before].index(first.id)
    assert after[i] == replace(before[i], old=None, new=None, detail=PURGED) != before[i]
    assert after[:i] + after[i + 1 :] == before[:i] + before[i + 1 :]


def test_a_scan_goes_only_when_none_of_its_documents_is_left(
    store: Store, town_a: TenantStore, kit: Kit, clock: FakeClock
) -> None:
    # one PDF with two forms: the first is returned, the second still in review
    first, second = _save(town_a, kit, "two.pdf", seed=60, pages=2)
    _return(town_a, first)
    blank_src, _ = town_a.register_source(kit.sha("blank"), "blank.pdf", 1)
    town_a.archive(blank_src.id, "/archive/town-a/blank.pdf")
    blank = kit.other(1, PageStatus.BLANK)
    assert town_a.save_result(blank_src.id, [blank], {1: kit.png(99)}) == []
    clock.advance(3600)
    removed = Removed([])
    report = town_a.purge_finished(clock(), actor="kanri", remove_archived=removed)
    assert report.documents == (first,)
    # the blank-only scan made no document and is finished: it goes; the PDF stays
    assert report.source_files == (blank_src.id,)
    assert [p for p, _ in removed.calls] == ["/archive/town-a/blank.pdf"]
    assert not _image(store, "town-a", kit, 99)
    assert not _image(store, "town-a", kit, 61) and _image(store, "town-a", kit, 62)
    src = town_a.get_document(second).source_file_id
    assert [p.page_no for p in town_a.source_pages(src)] == [2]
    # when the second form is finished too, the scan and its archived copy go
    _return(town_a, second)
    clock.advance(3600)
    report = town_a.purge_finished(clock(), actor="kanri", remove_archived=removed)
    assert (report.documents, report.source_files) == ((second,), (src,))
    assert removed.calls[-1][0] == "/archive/town-a/two.pdf"
    with pytest.raises(NotFoundError):
        town_a.get_source(src)


def test_an_image_another_page_uses_stays(
    store: Store, town_a: TenantStore, kit: Kit, clock: FakeClock
) -> None:
    (gone,) = _save(town_a, kit, "x.pdf", seed=70)
    (kept,) = _save(town_a, kit, "y.pdf", seed=70)  # the same page image bytes
    _return(town_a, gone)
    clock.advance(60)
    report = town_a.purge_finished(clock(), actor="kanri", remove_archived=Removed([]))
    assert report.documents == (gone,) and report.images == 0
    assert _image(store, "town-a", kit, 71)
    assert town_a.page_image(kit.sha(kit.png(71))) == kit.png(71)
    assert town_a.get_document(kept).pages


def test_a_purge_stopped_half_way_is_finished_by_the_next_run(
    store: Store,
    town_a: TenantStore,
    kit: Kit,
    scene: Scene,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _dump(store)

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("power cut")

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise OSError("the file is busy")

    # 1. stopped inside the transaction: nothing happened at all
    monkeypatch.setattr(RetentionMixin, "_erase_events", crash)
    with pytest.raises(RuntimeError):
        town_a.purge_finished(scene.cutoff, actor="kanri", remove_archived=Removed([]))
    monkeypatch.undo()
    assert _dump(store) == before and town_a.pending_purge_files() == []
    assert _image(store, "town-a", kit, 11)
    # 2. stopped after the commit, before the files: rows gone, files listed
    monkeypatch.setattr(type(store._images), "remove", busy)
    failing = Removed([], fail=True)
    report = town_a.purge_finished(scene.cutoff, actor="kanri", remove_archived=failing)
    monkeypatch.undo()
    assert report.files_left == 4 and (report.images, report.archived) == (0, 0)
    assert sorted(f.kind for f in town_a.pending_purge_files()) == [
        "archive",
        "archive",
        "image",
        "image",
    ]
    assert _image(store, "town-a", kit, 11)  # still there, listed
    with pytest.raises(NotFoundError):
        town_a.get_document(scene.exported)
    # 3. the next run removes what is listed, and purges nothing twice
    events = len(_events(store))
    removed = Removed([])
    again = town_a.purge_finished(scene.cutoff, actor="kanri", remove_archived=removed)
    assert (again.documents, again.images, again.archived, again.files_left) == ((), 2, 2, 0)
    assert len(removed.calls) == 2 and town_a.pending_purge_files() == []
    assert not _image(store, "town-a", kit, 11) and not _image(store, "town-a", kit, 21)
    assert len(_events(store)) == events  # no new purge event: nothing new was purged


def test_a_scan_dropped_again_before_its_files_went_keeps_them(
    store: Store, town_a: TenantStore, kit: Kit, clock: FakeClock
) -> None:
    (doc,) = _save(town_a, kit, "again.pdf", seed=80)
    _return(town_a, doc)
    clock.advance(60)
    town_a.purge_finished(clock(), actor="kanri")  # no archive remover: the scan stays listed
    (listed,) = town_a.pending_purge_files()
    assert listed.kind == "archive"
    # the same bytes arrive again and are read anew: the archive folder is theirs now
    (new_doc,) = _save(town_a, kit, "again.pdf", seed=80)
    removed = Removed([])
    assert town_a.finish_purge(removed) == (0, 0, 0)
    assert removed.calls == [] and town_a.pending_purge_files() == []
    assert _image(store, "town-a", kit, 81) and town_a.get_document(new_doc).pages


def test_retention_days_is_a_setting_of_each_tenant(
    town_a: TenantStore, town_b: TenantStore, store: Store
) -> None:
    assert (town_a.retention_days(), town_b.retention_days()) == (0, 0)
    town_a.set_retention_days(1825, actor="user:kanri")
    assert (town_a.retention_days(), town_b.retention_days()) == (1825, 0)
    (change,) = town_a.settings_events()
    assert (change.action, change.old, change.new) == (
        Action.RETENTION_SET,
        {"retention_days": 0},
        {"retention_days": 1825},
    )
    for bad in (-1, 36501, 1.5, True):
        with pytest.raises(BadArgumentsError):
            town_a.set_retention_days(bad, actor="user:kanri")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        store.for_tenant("nowhere").retention_days()


def test_a_cutoff_in_the_future_or_without_zone_is_refused(
    town_a: TenantStore, clock: FakeClock
) -> None:
    with pytest.raises(BadArgumentsError, match="future"):
        town_a.purge_finished(clock() + timedelta(days=1), actor="kanri")
    with pytest.raises(BadArgumentsError, match="time zone"):
        town_a.purge_preview(datetime(2025, 1, 1))
    assert town_a.purge_preview(datetime(2024, 1, 1, tzinfo=UTC)).documents == 0
