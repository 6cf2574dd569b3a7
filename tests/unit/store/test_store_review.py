"""Review: corrections read and checked like typed input, optimistic locking that names what
changed, confirming, unreadable fields, approval rules, returning documents."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from form_schemas.spec import FormSpec
from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.store import (
    Action,
    ConflictError,
    DocumentStatus,
    FieldState,
    FormMissingError,
    InvalidValueError,
    NotFoundError,
    Store,
    TenantStore,
)

if TYPE_CHECKING:
    from tests.unit.store.conftest import FakeClock, Kit


def test_a_correction_is_read_like_typed_input(town_a: TenantStore, saved_document: int) -> None:
    doc = town_a.get_document(saved_document)
    assert (doc.version, doc.status, doc.open_fields) == (1, DocumentStatus.REVIEW, 2)
    doc = town_a.correct_field(
        doc.id,
        "phone",
        "０３（１２３４）５６７９",
        actor="sato",
        expected_version=1,
        reason="紙を確認",
    )
    phone = doc.fields["phone"]
    assert (phone.value, phone.ocr_value, phone.status) == (
        "03-1234-5679",
        "03-1234-5678",
        FieldState.CORRECTED,
    )
    assert (phone.reasons, phone.updated_by) == ((), "sato")
    assert (doc.version, doc.status, doc.open_fields) == (2, DocumentStatus.REVIEW, 1)
    doc = town_a.correct_field(doc.id, "user_name", "山田 花子", actor="sato", expected_version=2)
    assert (doc.version, doc.status, doc.open_fields) == (3, DocumentStatus.READY, 0)
    assert doc.min_confidence == 1.0


def test_dates_and_choices_are_typed_as_people_type_them(
    town_a: TenantStore, saved_document: int
) -> None:
    doc = town_a.correct_field(
        saved_document, "filed_on", "令和6年4月2日", actor="sato", expected_version=1
    )
    assert doc.fields["filed_on"].value == "2024-04-02"
    doc = town_a.correct_field(doc.id, "notice_type", "中止", actor="sato", expected_version=2)
    assert doc.fields["notice_type"].value == "stop"


def test_a_value_failing_its_checks_is_refused_and_changes_nothing(
    town_a: TenantStore, saved_document: int
) -> None:
    trail = town_a.audit_trail(saved_document)
    with pytest.raises(InvalidValueError) as info:
        town_a.correct_field(
            saved_document, "filed_on", "昭和64年1月8日", actor="sato", expected_version=1
        )
    assert info.value.codes == ("invalid_date",)
    with pytest.raises(InvalidValueError):
        town_a.correct_field(saved_document, "meter_number", "123", actor="s", expected_version=1)
    with pytest.raises(InvalidValueError, match="required_missing"):
        town_a.correct_field(saved_document, "user_name", " ", actor="s", expected_version=1)
    assert town_a.get_document(saved_document).version == 1
    assert town_a.audit_trail(saved_document) == trail


def test_a_stale_version_raises_a_conflict_naming_the_change(
    town_a: TenantStore, saved_document: int
) -> None:
    town_a.correct_field(saved_document, "phone", "03-1111-2222", actor="sato", expected_version=1)
    with pytest.raises(ConflictError) as info:
        town_a.correct_field(
            saved_document, "phone", "03-3333-4444", actor="suzuki", expected_version=1
        )
    assert len(info.value.changes) == 1
    assert "corrected phone by sato" in info.value.changes[0]
    assert "version 1 (now 2)" in str(info.value)
    assert town_a.get_document(saved_document).fields["phone"].value == "03-1111-2222"


def test_two_reviewers_at_once_one_wins(
    open_store: Callable[[], Store], town_a: TenantStore, saved_document: int
) -> None:
    towns = [open_store().for_tenant("town-a") for _ in range(2)]
    start = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def review(n: int, town: TenantStore) -> None:
        start.wait()
        try:
            town.correct_field(
                saved_document, "phone", f"03-1234-000{n}", actor=f"r{n}", expected_version=1
            )
            outcome[f"r{n}"] = "ok"
        except ConflictError:
            outcome[f"r{n}"] = "conflict"

    threads = [
        threading.Thread(target=review, args=(n, t), daemon=True) for n, t in enumerate(towns)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcome.values()) == ["conflict", "ok"]
    winner = next(k for k, v in outcome.items() if v == "ok")
    doc = town_a.get_document(saved_document)
    assert (doc.version, doc.fields["phone"].updated_by) == (2, winner)


def test_confirm_takes_the_value_as_it_stands_if_it_passes(town_a: TenantStore, kit: Kit) -> None:
    src, _ = town_a.register_source(kit.sha("x"), "x.pdf", 1)
    page = kit.water(review=("user_name", "phone"), values={"phone": "03-12"})
    (doc_id,) = town_a.save_result(src.id, [page], {})
    doc = town_a.confirm_field(doc_id, "user_name", actor="sato", expected_version=1)
    assert doc.fields["user_name"].status is FieldState.CONFIRMED
    with pytest.raises(InvalidValueError, match="invalid_phone"):
        town_a.confirm_field(doc_id, "phone", actor="sato", expected_version=2)


def test_unreadable_required_fields_block_approval(
    town_a: TenantStore, saved_document: int
) -> None:
    doc = town_a.mark_unreadable(
        saved_document, "user_name", actor="sato", expected_version=1, reason="にじみ"
    )
    name = doc.fields["user_name"]
    assert (name.value, name.status, [r.code for r in name.reasons]) == (
        None,
        FieldState.UNREADABLE,
        ["unreadable"],
    )
    doc = town_a.confirm_field(doc.id, "phone", actor="sato", expected_version=2)
    assert doc.status is DocumentStatus.READY
    with pytest.raises(ConflictError, match="user_name is required and unreadable"):
        town_a.approve(doc.id, actor="sato", expected_version=3)
    returned = town_a.return_document(
        doc.id, actor="sato", expected_version=3, reason="氏名が判読できないため返戻"
    )
    assert (returned.status, returned.return_reason) == (
        DocumentStatus.RETURNED,
        "氏名が判読できないため返戻",
    )
    with pytest.raises(ConflictError, match="returned"):
        town_a.correct_field(doc.id, "phone", "03-1234-5678", actor="s", expected_version=4)


def test_approval_needs_every_field_settled(town_a: TenantStore, saved_document: int) -> None:
    with pytest.raises(ConflictError, match="user_name needs review"):
        town_a.approve(saved_document, actor="sato", expected_version=1)
    town_a.confirm_field(saved_document, "user_name", actor="sato", expected_version=1)
    town_a.mark_unreadable(saved_document, "phone", actor="sato", expected_version=2)
    with pytest.raises(ConflictError, match="phone"):
        town_a.approve(saved_document, actor="sato", expected_version=3)
    town_a.correct_field(saved_document, "phone", "03-1234-5678", actor="s", expected_version=3)
    doc = town_a.approve(saved_document, actor="kacho", expected_version=4)
    assert (doc.status, doc.version) == (DocumentStatus.APPROVED, 5)
    with pytest.raises(ConflictError, match="approved"):
        town_a.approve(saved_document, actor="kacho", expected_version=5)
    with pytest.raises(ConflictError):
        town_a.correct_field(saved_document, "phone", "03-1234-5678", actor="s", expected_version=5)


def test_approval_checks_the_whole_record(town_a: TenantStore, kit: Kit) -> None:
    """An accepted value the record model refuses (here a bad date that slipped through)
    blocks approval, named by field and code only."""
    src, _ = town_a.register_source(kit.sha("x"), "x.pdf", 1)
    (doc_id,) = town_a.save_result(
        src.id, [kit.water(review=(), values={"effective_on": "2024-02-30"})], {}
    )
    with pytest.raises(ConflictError, match="effective_on: invalid_date") as info:
        town_a.approve(doc_id, actor="sato", expected_version=1)
    assert "2024-02-30" not in str(info.value)


def test_a_return_needs_a_reason(town_a: TenantStore, saved_document: int) -> None:
    with pytest.raises(BadArgumentsError):
        town_a.return_document(saved_document, actor="sato", expected_version=1, reason=" ")
    with pytest.raises(BadArgumentsError):
        town_a.confirm_field(saved_document, "phone", actor="", expected_version=1)


def test_unknown_fields_and_documents_are_not_found(
    town_a: TenantStore, saved_document: int
) -> None:
    with pytest.raises(NotFoundError):
        town_a.confirm_field(saved_document, "no_such_field", actor="s", expected_version=1)
    with pytest.raises(NotFoundError):
        town_a.confirm_field(saved_document + 99, "phone", actor="s", expected_version=1)
    with pytest.raises(NotFoundError):
        town_a.get_document(saved_document + 99)


def test_a_form_that_is_not_installed_is_named(
    migrated_url: str, tmp_path: Path, clock: FakeClock, kit: Kit
) -> None:
    def nothing(form_id: str, version: int) -> FormSpec:
        raise FormMissingError(f"{form_id}@{version}", None)

    with Store.open(migrated_url, tmp_path / "img", forms=nothing, clock=clock) as store:
        town = store.for_tenant("t")
        town.ensure_tenant()
        src, _ = town.register_source(kit.sha("x"), "x.pdf", 1)
        (doc_id,) = town.save_result(src.id, [kit.water()], {})
        with pytest.raises(FormMissingError, match="water_service@1"):
            town.correct_field(doc_id, "phone", "03-1234-5678", actor="s", expected_version=1)
        assert town.get_document(doc_id).version == 1


def test_a_reveal_is_logged_without_a_new_version(town_a: TenantStore, saved_document: int) -> None:
    town_a.log_reveal(saved_document, "phone", actor="sato")
    last = town_a.audit_trail(saved_document)[-1]
    assert (last.action, last.field_id, last.actor) == (Action.REVEALED, "phone", "sato")
    assert town_a.get_document(saved_document).version == 1


def test_hardest_first_orders_by_open_fields_then_confidence(town_a: TenantStore, kit: Kit) -> None:
    src, _ = town_a.register_source(kit.sha("x"), "x.pdf", 1)
    pages = [
        kit.water(1, review=()),
        kit.water(2, review=("phone",)),
        kit.water(3, review=("user_name", "phone")),
        kit.water(4, review=("user_name",)),
    ]
    ids = town_a.save_result(src.id, pages, {})
    hardest = [d.id for d in town_a.list_documents(order="hardest")]
    # page 3 has two open fields; pages 2 and 4 one each, page 4's (user_name) less sure
    assert hardest == [ids[2], ids[3], ids[1], ids[0]]
    assert [d.id for d in town_a.list_documents(DocumentStatus.READY)] == [ids[0]]
    assert [d.id for d in town_a.list_documents(limit=2, offset=1)] == ids[1:3]
    with pytest.raises(BadArgumentsError):
        town_a.list_documents(order="newest")  # type: ignore[arg-type]  # not an order, on purpose
