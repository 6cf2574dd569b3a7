"""The audit trail: every change writes its event (who, when, what, old → new) in the same
transaction, reads write nothing, earlier events never change, and the database refuses to
update or delete an event. Methods are classified by reflection, so a new one must be placed."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from ocr_pipeline.store import Action, AuditEvent, Store, TenantStore
from ocr_pipeline.store._convert import event
from ocr_pipeline.store._retention import PURGED
from ocr_pipeline.store._sealed import Sealer
from ocr_pipeline.store.models import AuditEventRow

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit


# Record changes: each writes at least the listed actions.
AUDITED: dict[str, set[Action]] = {
    "register_source": {Action.RECEIVED},
    "save_result": {Action.SAVED, Action.CREATED, Action.OCR},
    "quarantine": {Action.QUARANTINED},
    "requeue": {Action.REQUEUED},
    "archive": {Action.ARCHIVED},
    "correct_field": {Action.CORRECTED},
    "confirm_field": {Action.CONFIRMED},
    "mark_unreadable": {Action.UNREADABLE},
    "approve": {Action.APPROVED},
    "return_document": {Action.RETURNED},
    "log_reveal": {Action.REVEALED},
    "record_export": {Action.EXPORTED},
    "record_export_repeat": {Action.EXPORT_REPEATED},
    "enter_value": {Action.ENTERED},
    "record_upload": {Action.UPLOADED},
    "set_audit_rate": {Action.AUDIT_RATE_SET},
    "set_training_opt_in": {Action.TRAINING_OPT_IN},
    "set_reader_model": {Action.READER_MODEL},
    "record_training_export": {Action.TRAINING_EXPORTED},
    "set_retention_days": {Action.RETENTION_SET},
    "purge_finished": {Action.PURGED},
}
# Operational state (tenant row, work queue): recorded in their own tables, not as events.
OPERATIONAL = {
    "ensure_tenant",
    "enqueue",
    "claim_next",
    "claim_item",
    "heartbeat",
    "complete",
    "fail",
    "release_expired_leases",
    "finish_purge",  # removes files a purge listed (its event was written with the purge)
}
READ_ONLY = {
    "get_document",
    "list_documents",
    "counts",
    "audit_trail",
    "source_history",
    "get_source",
    "list_sources",
    "source_pages",
    "page_image",
    "list_work",
    "get_work",
    "approved_unexported",
    "export_log",
    "export_items",
    "count_documents",
    "double_entries",
    "uploads",
    "field_stats",
    "straight_through",
    "daily_counts",
    "audit_rate",
    "audit_weeks",
    "audit_totals",
    "settings_events",
    "training_opt_in",
    "reader_model",
    "evidence_counts",
    "training_examples",
    "retention_days",
    "purge_preview",
    "pending_purge_files",
}


def _all_events(store: Store) -> list[AuditEvent]:
    with store._db.read() as s:
        return [
            event(r, Sealer(store.keys, r.tenant_id))
            for r in s.scalars(select(AuditEventRow).order_by(AuditEventRow.id))
        ]


def _check_past(name: str, seen: list[AuditEvent], now: list[AuditEvent], erases: bool) -> None:
    """Earlier events never change; a purge (``erases``) only erases values of some."""
    if not erases:
        assert now[: len(seen)] == seen, f"{name} changed earlier events"
        return
    for was, is_ in zip(seen, now, strict=False):
        assert is_ == was or is_ == replace(was, old=None, new=None, detail=PURGED), name
    assert any(is_ != was for was, is_ in zip(seen, now, strict=False)), name


def _retention_steps(
    step: Callable[..., list[AuditEvent]], town: TenantStore, clock: Any, finished: list[int]
) -> None:
    """Set a retention period, then purge every finished document (``finished``)."""
    step(
        "set_retention_days",
        lambda: town.set_retention_days(3650, actor="user:kanri"),
        actor="user:kanri",
    )
    purged = step(
        "purge_finished",
        lambda: town.purge_finished(clock(), actor="user:kanri"),
        actor="user:kanri",
        erases=True,
    )
    assert [e.new["documents"] for e in purged] == [finished]


def test_every_public_method_is_classified() -> None:
    public = {
        n for n, _ in inspect.getmembers(TenantStore, inspect.isfunction) if not n.startswith("_")
    }
    groups = [set(AUDITED), OPERATIONAL, READ_ONLY]
    assert set().union(*groups) == public
    assert sum(map(len, groups)) == len(public)


def test_every_change_writes_its_event_and_the_past_never_changes(
    store: Store, town_a: TenantStore, kit: Kit, clock: Any
) -> None:
    seen: list[AuditEvent] = []
    state: dict[str, Any] = {}

    def step(
        name: str, call: Callable[[], Any], actor: str | None = None, erases: bool = False
    ) -> list[AuditEvent]:
        clock.advance(1)
        result = call()
        now = _all_events(store)
        _check_past(name, seen, now, erases)
        new = now[len(seen) :]
        assert AUDITED[name] <= {e.action for e in new}, name
        assert all(e.at == clock() for e in new), name
        if actor is not None:
            assert {e.actor for e in new} == {actor}, name
        seen[:] = now
        state[name] = result
        return new

    step(
        "register_source",
        lambda: town_a.register_source(kit.sha("s"), "s.pdf", 1, actor="system:watcher"),
        actor="system:watcher",
    )
    src = state["register_source"][0]
    new = step("save_result", lambda: town_a.save_result(src.id, [kit.water(1), kit.water(2)], {}))
    ocr = [e for e in new if e.action is Action.OCR]
    assert len(ocr) == 2 * 12 and ocr[0].new["value"] == "2024-04-01" and ocr[0].old is None
    first, second = state["save_result"]
    (corrected,) = step(
        "correct_field",
        lambda: town_a.correct_field(
            first, "user_name", "山田 花子", actor="sato", expected_version=1, reason="本人確認済"
        ),
        actor="sato",
    )
    assert (corrected.field_id, corrected.doc_version, corrected.detail) == (
        "user_name",
        2,
        "本人確認済",
    )
    assert corrected.old["value"] == "山田\u3000太郎"
    assert corrected.new["value"] == "山田\u3000花子"
    step(
        "confirm_field",
        lambda: town_a.confirm_field(second, "user_name", actor="suzuki", expected_version=1),
        actor="suzuki",
    )
    step("log_reveal", lambda: town_a.log_reveal(first, "phone", actor="sato"), actor="sato")
    step("approve", lambda: town_a.approve(first, actor="kacho", expected_version=2), actor="kacho")
    step(
        "mark_unreadable",
        lambda: town_a.mark_unreadable(second, "phone", actor="suzuki", expected_version=2),
        actor="suzuki",
    )
    step(
        "return_document",
        lambda: town_a.return_document(
            second, actor="kacho", expected_version=3, reason="電話番号不明"
        ),
        actor="kacho",
    )
    step(
        "record_export",
        lambda: town_a.record_export(
            "p", actor="admin", file_name="f.csv", sha256=kit.sha("f"), size=1, document_ids=[first]
        ),
        actor="admin",
    )
    step(
        "record_export_repeat",
        lambda: town_a.record_export_repeat(
            state["record_export"], actor="admin", sha256=kit.sha("f")
        ),
        actor="admin",
    )
    step(
        "archive",
        lambda: town_a.archive(src.id, "archive/s.pdf", actor="system:watcher"),
        actor="system:watcher",
    )
    other, _ = town_a.register_source(kit.sha("bad"), "bad.pdf", 1)
    seen[:] = _all_events(store)
    step(
        "quarantine",
        lambda: town_a.quarantine(other.id, {"reason": "encrypted"}, actor="system:watcher"),
        actor="system:watcher",
    )
    step("requeue", lambda: town_a.requeue(other.id, actor="admin"), actor="admin")
    furusato_src, _ = town_a.register_source(kit.sha("furusato"), "f.pdf", 1)
    (furusato,) = town_a.save_result(furusato_src.id, [kit.furusato()], {})
    seen[:] = _all_events(store)
    (entered,) = step(
        "enter_value",
        lambda: town_a.enter_value(
            furusato, "my_number", "463009968008", actor="sato", expected_version=1
        ),
        actor="sato",
    )
    assert (entered.field_id, entered.old, entered.new) == ("my_number", None, {"entry": 1})
    step(
        "record_upload",
        lambda: town_a.record_upload(kit.sha("up"), "up.pdf", 3, actor="user:clerk"),
        actor="user:clerk",
    )
    step(
        "set_audit_rate",
        lambda: town_a.set_audit_rate(0.02, actor="user:kanri"),
        actor="user:kanri",
    )
    step(
        "set_training_opt_in",
        lambda: town_a.set_training_opt_in(True, actor="admin"),
        actor="admin",
    )
    step("set_reader_model", lambda: town_a.set_reader_model(None, actor="admin"), actor="admin")
    step(
        "record_training_export",
        lambda: town_a.record_training_export(
            actor="admin", out="/x", counts={"digits": 1}, manifest_sha256=kit.sha("m")
        ),
        actor="admin",
    )
    assert [e.action for e in town_a.audit_trail(first)][-4:] == [
        Action.CORRECTED,
        Action.REVEALED,
        Action.APPROVED,
        Action.EXPORTED,
    ]
    _retention_steps(step, town_a, clock, sorted([first, second]))
    assert set(AUDITED) <= set(state)


def test_reads_write_nothing(store: Store, town_a: TenantStore, kit: Kit) -> None:
    src = town_a.register_source(kit.sha("img"), "img.pdf", 1)[0]
    doc_id, done_id = town_a.save_result(
        src.id, [kit.water(1), kit.water(2, review=())], {1: kit.png(1)}
    )
    town_a.approve(done_id, actor="kacho", expected_version=1)
    export_id = town_a.record_export(
        "p",
        actor="admin",
        file_name="f.csv",
        sha256=kit.sha("f"),
        size=1,
        document_ids=[done_id],
    )
    calls: dict[str, Callable[[], Any]] = {
        "get_document": lambda: town_a.get_document(doc_id),
        "list_documents": town_a.list_documents,
        "counts": town_a.counts,
        "audit_trail": lambda: town_a.audit_trail(doc_id),
        "source_history": lambda: town_a.source_history(src.id),
        "get_source": lambda: town_a.get_source(src.id),
        "list_sources": town_a.list_sources,
        "source_pages": lambda: town_a.source_pages(src.id),
        "page_image": lambda: town_a.page_image(kit.sha(kit.png(1))),
        "list_work": town_a.list_work,
        "get_work": lambda: town_a.get_work(town_a.list_work()[0].id),
        "approved_unexported": lambda: town_a.approved_unexported("water_service"),
        "export_log": town_a.export_log,
        "export_items": lambda: town_a.export_items(export_id),
        "count_documents": town_a.count_documents,
        "double_entries": lambda: town_a.double_entries(doc_id, "sato"),
        "uploads": town_a.uploads,
        "field_stats": town_a.field_stats,
        "straight_through": town_a.straight_through,
        "daily_counts": lambda: town_a.daily_counts(30),
        "audit_rate": town_a.audit_rate,
        "audit_weeks": town_a.audit_weeks,
        "audit_totals": town_a.audit_totals,
        "settings_events": town_a.settings_events,
        "training_opt_in": town_a.training_opt_in,
        "reader_model": town_a.reader_model,
        "evidence_counts": town_a.evidence_counts,
        "training_examples": town_a.training_examples,
        "retention_days": town_a.retention_days,
        "purge_preview": lambda: town_a.purge_preview(datetime(2025, 1, 1, tzinfo=UTC)),
        "pending_purge_files": town_a.pending_purge_files,
    }
    assert set(calls) == READ_ONLY
    before = (_all_events(store), town_a.get_document(doc_id), town_a.get_document(done_id))
    for name in sorted(calls):
        calls[name]()
    assert (_all_events(store), town_a.get_document(doc_id), town_a.get_document(done_id)) == (
        before
    )


def test_the_database_refuses_to_change_or_delete_events(store: Store, saved_document: int) -> None:
    statements = [
        "UPDATE audit_events SET actor = 'someone else'",
        "DELETE FROM audit_events",
    ]
    if store._db.is_postgres:
        statements.append("TRUNCATE audit_events")
    before = _all_events(store)
    assert before
    for sql in statements:
        with pytest.raises(DBAPIError, match="append-only"), store._db.write() as s:
            s.execute(text(sql))
    assert _all_events(store) == before
