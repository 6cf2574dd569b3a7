"""Double entry: fields the form keys twice (個人番号, amounts) take a value only when two
people, typing blind, agree; a mismatch goes to a third person; nobody sees a first entry
before making their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.store import (
    Action,
    ConflictError,
    DocumentStatus,
    EntryOutcome,
    FieldState,
    InvalidValueError,
    TenantStore,
)

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit

MY_NUMBER = "463009968008"  # as read, check digit right
OTHER_NUMBER = "123456789018"  # also a valid 個人番号


@pytest.fixture
def furusato(town_a: TenantStore, kit: Kit) -> int:
    """A ふるさと納税 document of town A with 個人番号 and 寄附金額 in review (policy)."""
    src, _ = town_a.register_source(kit.sha("furusato.pdf"), "furusato.pdf", 100)
    (doc_id,) = town_a.save_result(src.id, [kit.furusato()], {})
    return doc_id


def test_two_people_who_agree_decide_the_field(town_a: TenantStore, furusato: int) -> None:
    doc, outcome = town_a.enter_value(
        furusato, "my_number", MY_NUMBER, actor="sato", expected_version=1
    )
    assert outcome is EntryOutcome.WAITING
    assert doc.fields["my_number"].status is FieldState.REVIEW and doc.version == 2
    status = town_a.double_entries(furusato, "suzuki")["my_number"]
    assert (status.count, status.by_viewer, status.mismatch, status.entries) == (
        1,
        False,
        False,
        (),
    )
    assert town_a.double_entries(furusato, "sato")["my_number"].by_viewer
    with pytest.raises(ConflictError, match="already keyed"):
        town_a.enter_value(furusato, "my_number", MY_NUMBER, actor="sato", expected_version=2)
    doc, outcome = town_a.enter_value(
        furusato, "my_number", "４６３０ ０９９６ ８００８", actor="suzuki", expected_version=2
    )
    assert outcome is EntryOutcome.MATCHED
    field = doc.fields["my_number"]
    assert (field.value, field.status, field.updated_by) == (
        MY_NUMBER,
        FieldState.CONFIRMED,  # the same as was read
        "suzuki",
    )
    assert doc.open_fields == 1
    trail = town_a.audit_trail(furusato)
    assert [e.action for e in trail[-3:]] == [Action.ENTERED, Action.ENTERED, Action.CONFIRMED]
    assert all("value" not in (e.new or {}) for e in trail[-3:-1])  # entries stay blind
    assert trail[-1].detail == "double entry: sato and suzuki agree"


def test_an_agreed_value_other_than_the_reading_is_a_correction(
    town_a: TenantStore, furusato: int
) -> None:
    town_a.enter_value(furusato, "donation_amount", "70,000円", actor="sato", expected_version=1)
    doc, outcome = town_a.enter_value(
        furusato, "donation_amount", "70000", actor="suzuki", expected_version=2
    )
    assert outcome is EntryOutcome.MATCHED
    amount = doc.fields["donation_amount"]
    assert (amount.value, amount.ocr_value, amount.status) == (70000, 65000, FieldState.CORRECTED)


def test_a_mismatch_goes_to_a_third_person(town_a: TenantStore, furusato: int) -> None:
    town_a.enter_value(furusato, "my_number", MY_NUMBER, actor="sato", expected_version=1)
    doc, outcome = town_a.enter_value(
        furusato, "my_number", OTHER_NUMBER, actor="suzuki", expected_version=2
    )
    assert outcome is EntryOutcome.MISMATCH
    assert doc.fields["my_number"].status is FieldState.REVIEW
    status = town_a.double_entries(furusato, "tanaka")["my_number"]
    assert status.mismatch and [(e.actor, e.value) for e in status.entries] == [
        ("sato", MY_NUMBER),
        ("suzuki", OTHER_NUMBER),
    ]
    differ = town_a.audit_trail(furusato)[-1]
    assert differ.action is Action.ENTRIES_DIFFER and len(differ.new["entries"]) == 2
    with pytest.raises(ConflictError, match="two entries that differ"):
        town_a.enter_value(furusato, "my_number", MY_NUMBER, actor="tanaka", expected_version=3)
    with pytest.raises(ConflictError, match="third person"):
        town_a.correct_field(furusato, "my_number", MY_NUMBER, actor="sato", expected_version=3)
    doc = town_a.correct_field(
        furusato, "my_number", MY_NUMBER, actor="tanaka", expected_version=3, reason="原本確認"
    )
    assert doc.fields["my_number"].status is FieldState.CORRECTED


def test_one_person_alone_cannot_set_a_double_entry_field(
    town_a: TenantStore, furusato: int
) -> None:
    with pytest.raises(ConflictError, match="double entry"):
        town_a.confirm_field(furusato, "my_number", actor="sato", expected_version=1)
    with pytest.raises(ConflictError, match="double entry"):
        town_a.correct_field(furusato, "my_number", MY_NUMBER, actor="sato", expected_version=1)
    doc = town_a.mark_unreadable(furusato, "my_number", actor="sato", expected_version=1)
    assert doc.fields["my_number"].status is FieldState.UNREADABLE
    with pytest.raises(ConflictError, match="takes no more entries"):
        town_a.enter_value(furusato, "my_number", MY_NUMBER, actor="suzuki", expected_version=2)


def test_entries_are_checked_like_corrections(town_a: TenantStore, furusato: int) -> None:
    with pytest.raises(InvalidValueError, match="mynumber_check_digit"):
        town_a.enter_value(furusato, "my_number", "463009968009", actor="sato", expected_version=1)
    assert town_a.double_entries(furusato, "sato")["my_number"].count == 0
    with pytest.raises(BadArgumentsError, match="not keyed twice"):
        town_a.enter_value(furusato, "name", "野田 智也", actor="sato", expected_version=1)
    with pytest.raises(ConflictError, match="changed since version 0"):
        town_a.enter_value(furusato, "my_number", MY_NUMBER, actor="sato", expected_version=0)


def test_a_document_keyed_twice_can_be_approved(town_a: TenantStore, furusato: int) -> None:
    version = 1
    for field, typed in (("my_number", MY_NUMBER), ("donation_amount", "65000")):
        for who in ("sato", "suzuki"):
            doc, _ = town_a.enter_value(furusato, field, typed, actor=who, expected_version=version)
            version = doc.version
    assert doc.status is DocumentStatus.READY
    assert town_a.approve(furusato, actor="kacho", expected_version=version).status is (
        DocumentStatus.APPROVED
    )
