"""The sampling audit of auto-accepted fields: a seeded draw takes the rate's share, a drawn
field looks to the reviewer exactly like an unsure one while the store keeps the truth, the
reviewer's decision says whether the accepted value was wrong, weekly figures, tenants apart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from form_schemas.registry import FormRegistry
from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.results import FieldResult, FieldStatus
from ocr_pipeline.store import (
    Action,
    ConflictError,
    DocumentStatus,
    FieldState,
    Store,
    TenantStore,
    registry_forms,
)
from ocr_pipeline.store._sampling import disguise, draw
from ocr_pipeline.store.models import AuditSampleRow

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit

SEED = 2026


@pytest.fixture
def seeded(
    migrated_url: str, tmp_path: Path, clock: Any, registry: FormRegistry
) -> Iterator[Callable[[int], Store]]:
    """``seeded(seed)``: a store whose sampling audit draws from ``Random(seed)``."""
    opened: list[Store] = []

    def make(seed: int) -> Store:
        store = Store.open(
            migrated_url,
            tmp_path / "images",
            forms=registry_forms(registry),
            clock=clock,
            audit_random=Random(seed),
        )
        opened.append(store)
        return store

    yield make
    for s in opened:
        s.close()


def _town(store: Store, tenant: str = "town-a") -> TenantStore:
    t = store.for_tenant(tenant)
    t.ensure_tenant(tenant)
    return t


def _save(town: TenantStore, kit: Kit, name: str, **page: Any) -> int:
    src, _ = town.register_source(kit.sha(f"{town.tenant_id}/{name}"), name, 1)
    (doc_id,) = town.save_result(src.id, [kit.water(1, **page)], {})
    return doc_id


def _samples(store: Store, tenant: str) -> list[AuditSampleRow]:
    with store._db.read() as s:  # the truth is for the store alone; no public reader
        q = select(AuditSampleRow).where(AuditSampleRow.tenant_id == tenant)
        rows = list(s.scalars(q.order_by(AuditSampleRow.id)))
        s.expunge_all()
        return rows


def _field(fid: str, status: FieldStatus, ftype: str = "digits") -> FieldResult:
    return FieldResult(fid, ftype, "12", 0.99, status, raw="12", char_confidences=[0.99, 0.97])


def test_the_draw_takes_the_rate_s_share_of_accepted_fields_only() -> None:
    fields = [_field(f"f{n}", FieldStatus.ACCEPTED) for n in range(20000)]
    share = len(draw(fields, 0.02, Random(SEED))) / len(fields)
    assert 0.017 < share < 0.023
    assert draw(fields, 0.02, Random(SEED)) == draw(fields, 0.02, Random(SEED))  # seedable
    assert draw(fields, 0.0, Random(SEED)) == []
    unsure = [_field(f"r{n}", FieldStatus.REVIEW) for n in range(100)]
    numbers = [_field(f"m{n}", FieldStatus.ACCEPTED, "mynumber") for n in range(100)]
    assert draw(unsure + numbers, 1.0, Random(SEED)) == []


def test_a_disguised_field_is_an_ordinary_unsure_field() -> None:
    shown = disguise(_field("meter", FieldStatus.ACCEPTED), Random(SEED))
    assert shown.status is FieldStatus.REVIEW
    assert [r.code for r in shown.reasons] == ["low_confidence"]
    assert shown.reasons[0].detail.startswith("confidence ")  # the routing's own wording
    assert shown.confidence < 0.99 * 0.86
    assert min(shown.char_confidences) == shown.confidence < 0.9  # marked unsure on screen
    assert shown.value == "12" and shown.raw == "12"


def test_saving_draws_the_rate_s_share_with_a_fixed_seed(
    seeded: Callable[[int], Store], kit: Kit
) -> None:
    store = seeded(SEED)
    town = _town(store)
    town.set_audit_rate(0.25, actor="user:kanri")
    docs = [_save(town, kit, f"d{n}.pdf", review=()) for n in range(40)]
    fields = sum(len(town.get_document(d).fields) for d in docs)
    drawn = _samples(store, "town-a")
    assert fields == 480
    assert 90 <= len(drawn) <= 150  # 120 expected; 3 standard deviations either side
    again = seeded(SEED).for_tenant("town-b")
    again.ensure_tenant()
    again.set_audit_rate(0.25, actor="user:kanri")
    for n in range(40):
        _save(again, kit, f"d{n}.pdf", review=())
    assert [(r.field_id) for r in _samples(store, "town-b")] == [r.field_id for r in drawn]


def test_a_drawn_field_shows_the_reviewer_nothing_of_its_acceptance(
    seeded: Callable[[int], Store], kit: Kit
) -> None:
    store = seeded(SEED)
    town = _town(store)
    town.set_audit_rate(1.0, actor="user:kanri")
    doc_id = _save(town, kit, "all.pdf", review=("user_name",))
    doc = town.get_document(doc_id)
    truth = {r.field_id: r for r in _samples(store, "town-a")}
    assert set(truth) == set(doc.fields) - {"user_name"}  # every accepted field, none twice
    unsure = doc.fields["user_name"]
    for fid, view in doc.fields.items():
        assert view.status is FieldState.REVIEW
        assert [r.code for r in view.reasons] == [r.code for r in unsure.reasons]
        assert view.updated_by == unsure.updated_by
        if fid in truth:
            assert truth[fid].confidence == 0.99 and truth[fid].reasons == []
            assert view.confidence < truth[fid].confidence
    assert doc.status is DocumentStatus.REVIEW and doc.open_fields == len(doc.fields)
    ocr = [e for e in town.audit_trail(doc_id) if e.action is Action.OCR]
    assert {e.new["status"] for e in ocr} == {"review"}
    assert all(e.new["reasons"] == ["low_confidence"] for e in ocr)
    assert truth["meter_number"].outcome is None


def test_exports_wait_for_the_reviewer(seeded: Callable[[int], Store], kit: Kit) -> None:
    store = seeded(SEED)
    town = _town(store)
    town.set_audit_rate(1.0, actor="user:kanri")
    doc_id = _save(town, kit, "one.pdf", review=())
    with pytest.raises(ConflictError, match="needs review"):
        town.approve(doc_id, actor="kacho", expected_version=1)
    assert town.approved_unexported("water_service") == []


def test_the_reviewer_s_decision_says_whether_the_accepted_value_was_wrong(
    seeded: Callable[[int], Store], kit: Kit
) -> None:
    store = seeded(SEED)
    town = _town(store)
    town.set_audit_rate(1.0, actor="user:kanri")
    doc_id = _save(town, kit, "one.pdf", review=())
    v = 1
    v = town.confirm_field(doc_id, "meter_number", actor="sato", expected_version=v).version
    v = town.correct_field(
        doc_id, "user_name", "山田 花子", actor="sato", expected_version=v
    ).version  # was 山田 太郎: wrong
    v = town.correct_field(
        doc_id, "phone", "03-1234-5678", actor="sato", expected_version=v
    ).version  # typed as it was read: right
    v = town.mark_unreadable(doc_id, "remarks", actor="sato", expected_version=v).version
    outcomes = {r.field_id: r.outcome for r in _samples(store, "town-a")}
    assert outcomes["meter_number"] == "right"
    assert outcomes["user_name"] == "wrong"
    assert outcomes["phone"] == "right"
    assert outcomes["remarks"] == "unreadable"
    assert outcomes["service_address"] is None
    totals = town.audit_totals()
    assert (totals.samples, totals.checked, totals.wrong) == (12, 4, 2)
    # A later decision of the same field counts instead.
    town.correct_field(doc_id, "user_name", "山田 太郎", actor="suzuki", expected_version=v)
    assert town.audit_totals().wrong == 1


def test_weekly_figures(seeded: Callable[[int], Store], kit: Kit, clock: Any) -> None:
    store = seeded(SEED)
    town = _town(store)  # the clock starts on Monday 6 January 2025, 18:00 JST
    first = _save(town, kit, "w1.pdf", review=("user_name", "phone"))
    town.correct_field(first, "user_name", "山田 花子", actor="sato", expected_version=1)
    clock.advance(7 * 86400)
    town.set_audit_rate(1.0, actor="user:kanri")
    second = _save(town, kit, "w2.pdf", review=())
    town.correct_field(second, "meter_number", "87654321", actor="sato", expected_version=1)
    town.confirm_field(second, "phone", actor="sato", expected_version=2)
    weeks = town.audit_weeks(weeks=4)
    assert [w.week for w in weeks] == ["2025-01-06", "2025-01-13"]
    w1, w2 = weeks
    assert (w1.fields, w1.corrected, w1.samples, w1.checked, w1.wrong) == (12, 1, 0, 0, 0)
    assert w1.corrections_per_100 == pytest.approx(100 / 12)
    assert (w2.fields, w2.corrected, w2.samples, w2.checked, w2.wrong) == (12, 1, 12, 2, 1)
    assert town.audit_weeks(weeks=0) == [w2]


def test_tenants_are_apart(seeded: Callable[[int], Store], kit: Kit) -> None:
    store = seeded(SEED)
    a, b = _town(store, "town-a"), _town(store, "town-b")
    a.set_audit_rate(1.0, actor="user:kanri")
    assert b.audit_rate() == 0.0
    _save(b, kit, "b.pdf", review=())
    doc_a = _save(a, kit, "a.pdf", review=())
    assert _samples(store, "town-b") == []
    assert b.audit_totals().samples == 0 and a.audit_totals().samples == 12
    assert [w.samples for w in b.audit_weeks()] == [0]
    assert b.settings_events() == []
    a.confirm_field(doc_a, "meter_number", actor="sato", expected_version=1)
    assert b.audit_totals().checked == 0


def test_the_rate_is_checked_and_its_changes_are_logged(town_a: TenantStore) -> None:
    assert town_a.audit_rate() == 0.0
    for bad in (-0.1, 1.5, float("nan"), "0.1", True):
        with pytest.raises(BadArgumentsError, match="from 0 to 1"):
            town_a.set_audit_rate(bad, actor="user:kanri")  # type: ignore[arg-type]
    town_a.set_audit_rate(0.02, actor="user:kanri")
    town_a.set_audit_rate(0.05, actor="user:kacho")
    assert town_a.audit_rate() == 0.05
    events = town_a.settings_events()
    assert [(e.actor, e.old, e.new) for e in events] == [
        ("user:kanri", {"audit_rate": 0.0}, {"audit_rate": 0.02}),
        ("user:kacho", {"audit_rate": 0.02}, {"audit_rate": 0.05}),
    ]


def test_training_evidence_keeps_the_machine_s_own_confidences_of_a_drawn_field(
    seeded: Callable[[int], Store], kit: Kit
) -> None:
    store = seeded(SEED)
    town = _town(store)
    town.set_audit_rate(1.0, actor="user:kanri")
    src, _ = town.register_source(kit.sha("town-a/scan.pdf"), "scan.pdf", 1)
    (doc_id,) = town.save_result(src.id, [kit.water(1, review=())], {1: kit.png(1)})
    shown = town.get_document(doc_id).fields["phone"].char_confidences
    truth = next(r for r in _samples(store, "town-a") if r.field_id == "phone")
    assert tuple(shown) != tuple(truth.char_confidences)  # the disguise
    town.confirm_field(doc_id, "phone", actor="sato", expected_version=1)
    (example,) = [e for e in town.training_examples() if e.field_id == "phone"]
    assert example.char_confidences == tuple(float(c) for c in truth.char_confidences)
