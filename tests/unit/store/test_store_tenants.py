"""Tenant isolation: every public method of tenant B's store, called with tenant A's ids, finds
nothing of A, returns nothing of A and changes nothing of A. The methods are enumerated by
reflection: a new TenantStore method fails here until it is added to a table below."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from ocr_pipeline.store import NotFoundError, Store, TenantStore
from ocr_pipeline.store.models import FieldRow

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit


@dataclass(frozen=True)
class TownA:
    """Ids of everything tenant A has."""

    sources: frozenset[int]
    documents: frozenset[int]
    src_queued: int
    src_saved: int
    item_queued: int
    item_expired: int
    doc_review: int
    doc_approved: int
    export_id: int
    image_sha: str
    file_sha: str


def _populate(town: TenantStore, kit: Kit, clock: Any) -> TownA:
    running, _ = town.register_source(kit.sha("a-running"), "running.pdf", 1)
    claimed = town.claim_next("a-worker", 60)
    assert claimed is not None
    queued, _ = town.register_source(kit.sha("a-queued"), "queued.pdf", 1)
    saved, _ = town.register_source(kit.sha("a-saved"), "saved.pdf", 1, enqueue=False)
    image = kit.png(11)
    review, ready = town.save_result(saved.id, [kit.water(1), kit.water(2, review=())], {1: image})
    town.approve(ready, actor="a-kacho", expected_version=1)
    exported_src, _ = town.register_source(kit.sha("a-exp"), "exp.pdf", 1, enqueue=False)
    (exported,) = town.save_result(exported_src.id, [kit.water(1, review=())], {})
    town.approve(exported, actor="a-kacho", expected_version=1)
    export_id = town.record_export(
        "p",
        actor="a-admin",
        file_name="a.csv",
        sha256=kit.sha("a.csv"),
        size=1,
        document_ids=[exported],
    )
    clock.advance(120)  # the claimed item's lease has run out
    work = {w.source_file_id: w.id for w in town.list_work()}
    return TownA(
        sources=frozenset({running.id, queued.id, saved.id, exported_src.id}),
        documents=frozenset({review, ready, exported}),
        src_queued=queued.id,
        src_saved=saved.id,
        item_queued=work[queued.id],
        item_expired=claimed.id,
        doc_review=review,
        doc_approved=ready,
        export_id=export_id,
        image_sha=kit.sha(image),
        file_sha=kit.sha("a-saved"),
    )


def _snapshot(town: TenantStore, a: TownA) -> tuple[object, ...]:
    return (
        town.counts(),
        town.list_sources(),
        town.list_work(),
        town.export_log(),
        town.export_items(a.export_id),
        [town.get_document(d) for d in sorted(a.documents)],
        [town.audit_trail(d) for d in sorted(a.documents)],
        [town.source_history(s) for s in sorted(a.sources)],
        [town.source_pages(s) for s in sorted(a.sources)],
        town.page_image(a.image_sha),
    )


Call = Callable[[TenantStore, TownA, "Kit"], Any]  # Kit: imported for type checking only

# Methods that, given A's ids, must raise NotFoundError.
NOT_FOUND: dict[str, Call] = {
    "enqueue": lambda b, a, k: b.enqueue(a.src_queued),
    "heartbeat": lambda b, a, k: b.heartbeat(a.item_expired, "a-worker", 60),
    "get_work": lambda b, a, k: b.get_work(a.item_expired),
    "complete": lambda b, a, k: b.complete(a.item_expired, "a-worker"),
    "fail": lambda b, a, k: b.fail(a.item_expired, "a-worker", {"e": 1}),
    "quarantine": lambda b, a, k: b.quarantine(a.src_queued, {"e": 1}),
    "archive": lambda b, a, k: b.archive(a.src_saved, "elsewhere"),
    "requeue": lambda b, a, k: b.requeue(a.src_queued, actor="b"),
    "save_result": lambda b, a, k: b.save_result(a.src_queued, [k.water(1)], {}),
    "get_document": lambda b, a, k: b.get_document(a.doc_review),
    "audit_trail": lambda b, a, k: b.audit_trail(a.doc_review),
    "source_history": lambda b, a, k: b.source_history(a.src_saved),
    "get_source": lambda b, a, k: b.get_source(a.src_saved),
    "source_pages": lambda b, a, k: b.source_pages(a.src_saved),
    "page_image": lambda b, a, k: b.page_image(a.image_sha),
    "correct_field": lambda b, a, k: b.correct_field(
        a.doc_review, "user_name", "乗取", actor="b", expected_version=1
    ),
    "confirm_field": lambda b, a, k: b.confirm_field(
        a.doc_review, "user_name", actor="b", expected_version=1
    ),
    "mark_unreadable": lambda b, a, k: b.mark_unreadable(
        a.doc_review, "user_name", actor="b", expected_version=1
    ),
    "approve": lambda b, a, k: b.approve(a.doc_review, actor="b", expected_version=1),
    "return_document": lambda b, a, k: b.return_document(
        a.doc_approved, actor="b", expected_version=2, reason="x"
    ),
    "log_reveal": lambda b, a, k: b.log_reveal(a.doc_review, "user_name", actor="b"),
    "record_export": lambda b, a, k: b.record_export(
        "p", actor="b", file_name="b.csv", sha256=k.sha("b"), size=1, document_ids=[a.doc_approved]
    ),
    "record_export_repeat": lambda b, a, k: b.record_export_repeat(
        a.export_id, actor="b", sha256=k.sha("a.csv")
    ),
    "export_items": lambda b, a, k: b.export_items(a.export_id),
    "enter_value": lambda b, a, k: b.enter_value(
        a.doc_review, "user_name", "乗取", actor="b", expected_version=1
    ),
    "double_entries": lambda b, a, k: b.double_entries(a.doc_review, "b"),
}


def _own_or_nothing(result: Any, a: TownA) -> None:
    """A result of B's store holds nothing of A."""
    items = result if isinstance(result, list) else [result]
    for item in items:
        if item is None or isinstance(item, int):
            continue
        tenant = getattr(item, "tenant_id", "town-b")
        assert tenant == "town-b"
        assert getattr(item, "id", None) not in a.sources | a.documents | {a.export_id}


# Methods that take no id of A: they must return only B's own data (or nothing).
OWN_ONLY: dict[str, Call] = {
    "ensure_tenant": lambda b, a, k: b.ensure_tenant("乗っ取り"),
    "register_source": lambda b, a, k: b.register_source(a.file_sha, "saved.pdf", 1),
    "claim_next": lambda b, a, k: b.claim_next("b-worker", 60),
    "claim_item": lambda b, a, k: b.claim_item(a.item_expired, "b-worker", 60),
    "release_expired_leases": lambda b, a, k: b.release_expired_leases(),
    "list_work": lambda b, a, k: b.list_work(),
    "list_documents": lambda b, a, k: b.list_documents(),
    "counts": lambda b, a, k: b.counts(),
    "list_sources": lambda b, a, k: b.list_sources(),
    "approved_unexported": lambda b, a, k: b.approved_unexported("water_service"),
    "export_log": lambda b, a, k: b.export_log(),
    "count_documents": lambda b, a, k: b.count_documents(),
    "uploads": lambda b, a, k: b.uploads(),
    "record_upload": lambda b, a, k: b.record_upload(a.file_sha, "saved.pdf", 1, actor="b"),
    "field_stats": lambda b, a, k: b.field_stats(),
    "straight_through": lambda b, a, k: b.straight_through(),
    "daily_counts": lambda b, a, k: b.daily_counts(30),
    "training_opt_in": lambda b, a, k: b.training_opt_in(),
    "set_training_opt_in": lambda b, a, k: b.set_training_opt_in(True, actor="b"),
    "reader_model": lambda b, a, k: b.reader_model(),
    "set_reader_model": lambda b, a, k: b.set_reader_model(None, actor="b"),
    "evidence_counts": lambda b, a, k: b.evidence_counts(),
    "training_examples": lambda b, a, k: b.training_examples(),
    "record_training_export": lambda b, a, k: b.record_training_export(
        actor="b", out="x", counts={}, manifest_sha256=k.sha("m")
    ),
    "audit_rate": lambda b, a, k: b.audit_rate(),
    "set_audit_rate": lambda b, a, k: b.set_audit_rate(0.5, actor="b"),
    "settings_events": lambda b, a, k: b.settings_events(),
    "audit_weeks": lambda b, a, k: b.audit_weeks(),
    "audit_totals": lambda b, a, k: b.audit_totals(),
    "retention_days": lambda b, a, k: b.retention_days(),
    "set_retention_days": lambda b, a, k: b.set_retention_days(30, actor="b"),
    # A's exported document finished before B's clock: B's purge must not reach it
    "purge_preview": lambda b, a, k: b.purge_preview(b._now()),
    "purge_finished": lambda b, a, k: b.purge_finished(b._now(), actor="b"),
    "finish_purge": lambda b, a, k: b.finish_purge(),
    "pending_purge_files": lambda b, a, k: b.pending_purge_files(),
}


def public_methods() -> set[str]:
    return {
        n for n, _ in inspect.getmembers(TenantStore, inspect.isfunction) if not n.startswith("_")
    }


def test_every_public_method_is_covered() -> None:
    assert public_methods() == set(NOT_FOUND) | set(OWN_ONLY)
    assert not set(NOT_FOUND) & set(OWN_ONLY)


def test_tenant_b_can_neither_see_nor_change_tenant_a(
    town_a: TenantStore, town_b: TenantStore, kit: Kit, clock: Any
) -> None:
    a = _populate(town_a, kit, clock)
    town_a.set_audit_rate(0.02, actor="a")
    before = _snapshot(town_a, a)
    for name in sorted(NOT_FOUND):
        with pytest.raises(NotFoundError) as info:
            NOT_FOUND[name](town_b, a, kit)
        assert "town-a" not in str(info.value), name
    results = {name: OWN_ONLY[name](town_b, a, kit) for name in sorted(OWN_ONLY)}
    source, duplicate = results["register_source"]
    assert not duplicate and source.id not in a.sources  # A's file is new to B
    assert results["claim_next"] is None or results["claim_next"].tenant_id == "town-b"
    assert results["release_expired_leases"] == 0
    assert results["claim_item"] is None  # A's item, even with its lease run out
    assert results["list_documents"] == results["approved_unexported"] == []
    assert results["export_log"] == []
    assert results["count_documents"] == 0 and results["field_stats"] == []
    assert results["straight_through"] == (0, 0) and results["daily_counts"] == []
    assert results["record_upload"].source is None  # A's source file is not B's
    assert [u.name for u in results["uploads"]] == ["saved.pdf"]
    counts = results["counts"]
    assert counts.documents == {} and sum(counts.sources.values()) <= 1  # B's own file
    assert results["audit_rate"] == 0.0 and town_b.audit_rate() == 0.5
    assert town_a.audit_rate() == 0.02 and [e.actor for e in town_a.settings_events()] == ["a"]
    # B's own changes made before (opt-in, reader model, audit rate, retention), none of A's
    assert [e.actor for e in results["settings_events"]] == ["b", "b", "b", "b"]
    assert results["purge_preview"].documents == 0 and results["purge_finished"].documents == ()
    assert results["finish_purge"] == (0, 0, 0) and town_a.retention_days() == 0
    assert results["audit_weeks"] == [] and results["audit_totals"].samples == 0
    own = {"register_source", "record_upload", "uploads", "settings_events"}
    for name, result in results.items():
        if name not in own:  # B's own, checked above
            _own_or_nothing(result, a)
    assert _snapshot(town_a, a) == before


def test_a_not_found_reads_the_same_for_another_tenants_id_and_no_id(
    town_a: TenantStore, town_b: TenantStore, saved_document: int
) -> None:
    with pytest.raises(NotFoundError) as theirs:
        town_b.get_document(saved_document)
    with pytest.raises(NotFoundError) as nobody:
        town_b.get_document(saved_document + 1000)
    assert str(theirs.value).replace(str(saved_document), "N") == str(nobody.value).replace(
        str(saved_document + 1000), "N"
    )


def test_the_database_refuses_rows_that_cross_tenants(
    store: Store, town_a: TenantStore, town_b: TenantStore, saved_document: int, clock: Any
) -> None:
    row = {
        "tenant_id": "town-b",
        "document_id": saved_document,
        "field_id": "x",
        "type": "text",
        "page_no": 1,
        "value": None,
        "ocr_value": None,
        "raw": "",
        "confidence": 1.0,
        "char_confidences": [],
        "status": "accepted",
        "reasons": [],
        "bbox": None,
        "updated_at": clock(),
        "updated_by": "x",
    }
    with pytest.raises(IntegrityError), store._db.write() as s:
        s.execute(insert(FieldRow), [row])
