"""Files in: every file recorded by SHA-256 before it is touched, duplicates, saving results
(idempotent, all or nothing), multi-page files, quarantine, archive, page images stored once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.results import PageStatus
from ocr_pipeline.store import (
    Action,
    ConflictError,
    DocumentStatus,
    FieldState,
    NotFoundError,
    SourceState,
    Store,
    TenantStore,
    WorkState,
)

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit


def test_a_new_file_is_recorded_and_queued(town_a: TenantStore, kit: Kit) -> None:
    src, dup = town_a.register_source(kit.sha("a"), "2025-01-06 受付.pdf", 1234, actor="system:w")
    assert not dup
    assert (src.sha256, src.name, src.size, src.state) == (
        kit.sha("a"),
        "2025-01-06 受付.pdf",
        1234,
        SourceState.QUEUED,
    )
    (item,) = town_a.list_work()
    assert (item.source_file_id, item.state, item.attempts) == (src.id, WorkState.QUEUED, 0)
    (event,) = town_a.source_history(src.id)
    assert (event.action, event.actor) == (Action.RECEIVED, "system:w")


def test_without_enqueue_the_file_is_only_received(town_a: TenantStore, kit: Kit) -> None:
    src, _ = town_a.register_source(kit.sha("a"), "a.pdf", 1, enqueue=False)
    assert src.state is SourceState.RECEIVED
    assert town_a.list_work() == []
    item = town_a.enqueue(src.id)
    assert town_a.enqueue(src.id) == item
    assert town_a.get_source(src.id).state is SourceState.QUEUED


def test_archive_with_enqueue_records_the_place_and_queues_in_one_go(
    town_a: TenantStore, kit: Kit
) -> None:
    src, _ = town_a.register_source(kit.sha("a"), "a.pdf", 1, enqueue=False)
    done = town_a.archive(src.id, "archive/a.pdf", enqueue=True)
    assert (done.state, done.stored_path) == (SourceState.QUEUED, "archive/a.pdf")
    (item,) = town_a.list_work()
    assert (item.source_file_id, item.state) == (src.id, WorkState.QUEUED)
    town_a.archive(src.id, "archive/again/a.pdf", enqueue=True)  # an item stays one item
    assert [w.id for w in town_a.list_work()] == [item.id]
    actions = [e.action for e in town_a.source_history(src.id)]
    assert actions == [Action.RECEIVED, Action.ARCHIVED, Action.ARCHIVED]


def test_what_the_intake_is_given_back_is_what_the_store_holds(
    town_a: TenantStore, kit: Kit
) -> None:
    """register_source and archive build their answer beside the rows they write (no ORM
    objects on the intake's path): it must be what reading the record gives."""
    received, _ = town_a.register_source(kit.sha("a"), "a.pdf", 5, enqueue=False)
    assert received == town_a.get_source(received.id)
    queued, _ = town_a.register_source(kit.sha("b"), "b.pdf", 6)
    assert queued == town_a.get_source(queued.id)
    assert queued.state is SourceState.QUEUED
    archived = town_a.archive(received.id, "archive/a.pdf", enqueue=True)
    assert archived == town_a.get_source(received.id)
    moved = town_a.archive(received.id, "archive/b/a.pdf")
    assert moved == town_a.get_source(received.id)
    assert (moved.state, moved.stored_path) == (SourceState.QUEUED, "archive/b/a.pdf")
    events = town_a.source_history(received.id)
    assert [(e.action, e.actor, e.old, e.new) for e in events[1:]] == [
        (Action.ARCHIVED, "system", {"path": None}, {"path": "archive/a.pdf"}),
        (Action.ARCHIVED, "system", {"path": "archive/a.pdf"}, {"path": "archive/b/a.pdf"}),
    ]
    duplicate, dup = town_a.register_source(kit.sha("a"), "a (2).pdf", 5)
    assert dup and duplicate == town_a.get_source(received.id)


def test_archive_of_an_unknown_or_another_tenants_file_is_refused(
    town_a: TenantStore, town_b: TenantStore, kit: Kit
) -> None:
    theirs, _ = town_b.register_source(kit.sha("b"), "b.pdf", 1, enqueue=False)
    for source_id in (theirs.id, theirs.id + 1000):
        with pytest.raises(NotFoundError, match="source file"):
            town_a.archive(source_id, "archive/b.pdf", enqueue=True)
    assert town_a.list_work() == [] and town_b.list_work() == []
    assert town_b.get_source(theirs.id).stored_path is None


def test_resume_finds_a_take_that_stopped_before_queueing_without_a_duplicate_event(
    town_a: TenantStore, kit: Kit
) -> None:
    src, _ = town_a.register_source(kit.sha("a"), "a.pdf", 1, enqueue=False)
    again, dup = town_a.register_source(kit.sha("a"), "a.pdf", 1, enqueue=False, resume=True)
    assert dup and again.id == src.id and again.state is SourceState.RECEIVED
    assert [e.action for e in town_a.source_history(src.id)] == [Action.RECEIVED]
    town_a.enqueue(src.id)  # once queued, the same bytes again are a duplicate arrival
    _, dup = town_a.register_source(kit.sha("a"), "a (2).pdf", 1, enqueue=False, resume=True)
    assert dup
    assert town_a.source_history(src.id)[-1].action is Action.DUPLICATE


def test_the_same_file_twice_is_one_source_and_a_logged_duplicate(
    town_a: TenantStore, kit: Kit
) -> None:
    first, _ = town_a.register_source(kit.sha("same bytes"), "scan.pdf", 10)
    again, dup = town_a.register_source(kit.sha("same bytes"), "scan (1).pdf", 10)
    assert dup
    assert again.id == first.id and again.name == "scan.pdf"
    assert len(town_a.list_sources()) == 1
    assert len(town_a.list_work()) == 1
    events = town_a.source_history(first.id)
    assert [e.action for e in events] == [Action.RECEIVED, Action.DUPLICATE]
    assert events[1].new["name"] == "scan (1).pdf"


def test_files_of_an_unknown_tenant_are_refused(store: Store, kit: Kit) -> None:
    with pytest.raises(NotFoundError, match="tenant"):
        store.for_tenant("nowhere").register_source(kit.sha("a"), "a.pdf", 1)


@pytest.mark.parametrize("bad", ["", "abc", "A" * 64, "g" * 64])
def test_a_malformed_digest_is_refused(town_a: TenantStore, bad: str) -> None:
    with pytest.raises(BadArgumentsError):
        town_a.register_source(bad, "a.pdf", 1)


def test_save_result_stores_pages_documents_and_fields(town_a: TenantStore, kit: Kit) -> None:
    src, _ = town_a.register_source(kit.sha("f"), "f.pdf", 9)
    pages = [
        kit.water(1),
        kit.other(2, PageStatus.BLANK),
        kit.water(3, review=()),
        kit.other(4, PageStatus.UNCLASSIFIED),
    ]
    ids = town_a.save_result(src.id, pages, {n: kit.png(n) for n in (1, 2, 3, 4)})
    assert len(ids) == 2
    first, second = (town_a.get_document(i) for i in ids)
    assert (first.first_page, first.status, first.open_fields) == (1, DocumentStatus.REVIEW, 1)
    assert (second.first_page, second.status, second.open_fields) == (3, DocumentStatus.READY, 0)
    assert first.source_file_id == src.id and first.source_name == "f.pdf"
    assert [p.page_no for p in first.pages] == [1]
    name = first.fields["user_name"]
    given = pages[0].fields["user_name"]
    assert (name.value, name.ocr_value, name.raw) == (given.value, given.value, given.raw)
    assert name.confidence == pytest.approx(given.confidence)
    assert name.char_confidences == tuple(given.char_confidences)
    assert (name.status, name.reasons, name.bbox) == (
        FieldState.REVIEW,
        tuple(given.reasons),
        given.bbox,
    )
    assert first.fields["mailing_address"].value is None
    assert list(first.fields) == list(pages[0].fields)
    listed = town_a.source_pages(src.id)
    assert [(p.page_no, p.status, p.document_id) for p in listed] == [
        (1, "ok", ids[0]),
        (2, "blank", None),
        (3, "ok", ids[1]),
        (4, "unclassified", None),
    ]
    assert listed[1].reason == "blank page"
    assert listed[0].timings == {"load": 0.1, "ocr": 0.2}
    done = town_a.get_source(src.id)
    assert (done.state, done.page_count) == (SourceState.DONE, 4)


def test_saving_the_same_source_again_changes_nothing(town_a: TenantStore, kit: Kit) -> None:
    src, _ = town_a.register_source(kit.sha("f"), "f.pdf", 9)
    ids = town_a.save_result(src.id, [kit.water(1), kit.water(2)], {1: kit.png(1)})
    trail = town_a.source_history(src.id)
    again = town_a.save_result(src.id, [kit.water(1), kit.water(2), kit.water(3)], {1: kit.png(9)})
    assert again == ids
    assert town_a.counts().documents == {"review": 2}
    assert town_a.source_history(src.id) == trail


def test_a_failure_inside_save_result_leaves_nothing_behind(town_a: TenantStore, kit: Kit) -> None:
    src, _ = town_a.register_source(kit.sha("f"), "f.pdf", 9)
    broken = kit.water(2)
    broken.fields["remarks"].value = object()  # type: ignore[assignment]  # not JSON: fails mid-way
    with pytest.raises(Exception):  # noqa: B017  # whatever the driver raises
        town_a.save_result(src.id, [kit.water(1), broken], {1: kit.png(1)})
    assert town_a.source_pages(src.id) == []
    assert town_a.list_documents() == []
    assert town_a.get_source(src.id).state is SourceState.QUEUED
    ids = town_a.save_result(src.id, [kit.water(1), kit.water(2)], {1: kit.png(1)})
    assert len(ids) == 2


def test_page_numbers_must_be_distinct_and_from_one(town_a: TenantStore, kit: Kit) -> None:
    src, _ = town_a.register_source(kit.sha("f"), "f.pdf", 9)
    for pages in ([], [kit.water(1), kit.water(1)], [kit.water(0)]):
        with pytest.raises(BadArgumentsError):
            town_a.save_result(src.id, pages, {})
    with pytest.raises(BadArgumentsError, match="PNG"):
        town_a.save_result(src.id, [kit.water(1)], {1: b"GIF89a not a png at all"})


def test_page_images_are_stored_once_per_tenant(
    town_a: TenantStore, town_b: TenantStore, kit: Kit, tmp_path: Path
) -> None:
    same = kit.png(7)
    one, _ = town_a.register_source(kit.sha("one"), "one.pdf", 1)
    two, _ = town_a.register_source(kit.sha("two"), "two.pdf", 1)
    town_a.save_result(one.id, [kit.water(1), kit.other(2, PageStatus.BLANK)], {1: same, 2: same})
    town_a.save_result(two.id, [kit.water(1)], {1: same})
    theirs, _ = town_b.register_source(kit.sha("one"), "one.pdf", 1)
    town_b.save_result(theirs.id, [kit.water(1)], {1: same})
    files = sorted(
        p.relative_to(tmp_path / "images") for p in (tmp_path / "images").rglob("*") if p.is_file()
    )
    digest = kit.sha(same)
    assert [str(f) for f in files] == [
        f"town-a/{digest[:2]}/{digest}.png",
        f"town-b/{digest[:2]}/{digest}.png",
    ]
    assert {p.image_sha256 for p in town_a.source_pages(one.id)} == {digest}
    assert town_a.page_image(digest) == same
    assert not list((tmp_path / "images").rglob("*.tmp"))


def test_quarantine_records_the_error_and_fails_open_work(town_a: TenantStore, kit: Kit) -> None:
    src, _ = town_a.register_source(kit.sha("bad"), "bad.pdf", 3)
    error: dict[str, Any] = {"reason": "PDF is encrypted", "remedy": "scan again"}
    out = town_a.quarantine(src.id, error, "quarantine/bad.pdf", actor="system:watcher")
    assert (out.state, out.error, out.stored_path) == (
        SourceState.QUARANTINED,
        error,
        "quarantine/bad.pdf",
    )
    (item,) = town_a.list_work()
    assert (item.state, item.last_error) == (WorkState.FAILED, error)
    assert town_a.source_history(src.id)[-1].action is Action.QUARANTINED
    assert town_a.quarantine(src.id, {"again": True}).error == error
    with pytest.raises(ConflictError):
        town_a.save_result(src.id, [kit.water(1)], {})


def test_a_saved_file_cannot_be_quarantined_but_can_be_archived(
    town_a: TenantStore, kit: Kit
) -> None:
    src, _ = town_a.register_source(kit.sha("ok"), "ok.pdf", 3)
    town_a.save_result(src.id, [kit.water(1)], {})
    with pytest.raises(ConflictError):
        town_a.quarantine(src.id, {"reason": "late"})
    assert town_a.archive(src.id, "archive/2025/ok.pdf").stored_path == "archive/2025/ok.pdf"
    assert town_a.source_history(src.id)[-1].action is Action.ARCHIVED


def test_list_sources_newest_first_by_state(town_a: TenantStore, kit: Kit) -> None:
    a, _ = town_a.register_source(kit.sha("a"), "a.pdf", 1)
    b, _ = town_a.register_source(kit.sha("b"), "b.pdf", 1)
    town_a.quarantine(a.id, {"reason": "x"})
    assert [s.id for s in town_a.list_sources()] == [b.id, a.id]
    assert [s.id for s in town_a.list_sources(SourceState.QUARANTINED)] == [a.id]
    assert town_a.counts().sources == {"queued": 1, "quarantined": 1}
