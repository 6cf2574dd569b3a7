"""Exports: approved records not yet exported, each exported once, every export recorded so it
can be repeated byte for byte."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ocr_pipeline.store import (
    Action,
    ConflictError,
    DocumentStatus,
    NotFoundError,
    TenantStore,
)

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit


def _approved(town: TenantStore, kit: Kit, n: int, name: str = "x.pdf") -> list[int]:
    src, _ = town.register_source(kit.sha(name), name, 1)
    ids = town.save_result(src.id, [kit.water(p, review=()) for p in range(1, n + 1)], {})
    for i in ids:
        town.approve(i, actor="kacho", expected_version=1)
    return ids


def test_approved_documents_are_exported_once(town_a: TenantStore, kit: Kit) -> None:
    ids = _approved(town_a, kit, 3)
    src, _ = town_a.register_source(kit.sha("y"), "y.pdf", 1)
    town_a.save_result(src.id, [kit.water(1)], {})  # in review: not exportable
    pending = town_a.approved_unexported("water_service")
    assert [d.id for d in pending] == ids
    assert pending[0].values["user_name"] == "山田\u3000太郎"
    assert town_a.approved_unexported("furusato_onestop") == []
    params = {
        "profile_version": 2,
        "encoding": "cp932",
        "columns": ["user_name", "phone"],
        "a_key_after": True,
    }
    order = [ids[2], ids[0], ids[1]]
    export_id = town_a.record_export(
        "suido_csv",
        actor="admin",
        file_name="suido_20250106.csv",
        sha256=kit.sha("csv"),
        size=1234,
        document_ids=order,
        params=params,
        form_id="water_service",
    )
    assert town_a.approved_unexported("water_service") == []
    assert town_a.export_items(export_id) == order
    (log,) = town_a.export_log()
    assert (log.id, log.profile, log.actor, log.file_name, log.sha256, log.size) == (
        export_id,
        "suido_csv",
        "admin",
        "suido_20250106.csv",
        kit.sha("csv"),
        1234,
    )
    assert list(log.params) == list(params) and log.params == params  # key order kept
    assert log.document_count == 3 and log.form_id == "water_service"
    doc = town_a.get_document(ids[0])
    assert (doc.status, doc.version) == (DocumentStatus.EXPORTED, 3)
    assert town_a.audit_trail(ids[0])[-1].new == {"status": "exported", "export_id": export_id}
    with pytest.raises(ConflictError, match="not approved"):
        town_a.record_export(
            "suido_csv",
            actor="admin",
            file_name="again.csv",
            sha256=kit.sha("again"),
            size=1,
            document_ids=[ids[0]],
        )


def test_an_export_with_a_document_not_approved_records_nothing(
    town_a: TenantStore, kit: Kit
) -> None:
    ids = _approved(town_a, kit, 2)
    src, _ = town_a.register_source(kit.sha("y"), "y.pdf", 1)
    (open_doc,) = town_a.save_result(src.id, [kit.water(1)], {})
    with pytest.raises(ConflictError, match=f"{open_doc} \\(review\\)"):
        town_a.record_export(
            "p",
            actor="admin",
            file_name="f.csv",
            sha256=kit.sha("f"),
            size=1,
            document_ids=[*ids, open_doc],
        )
    assert town_a.export_log() == []
    assert [d.id for d in town_a.approved_unexported("water_service")] == ids
    with pytest.raises(NotFoundError):
        town_a.record_export(
            "p",
            actor="admin",
            file_name="f.csv",
            sha256=kit.sha("f"),
            size=1,
            document_ids=[*ids, 9999],
        )


def test_a_repeat_is_logged_and_must_match_byte_for_byte(town_a: TenantStore, kit: Kit) -> None:
    ids = _approved(town_a, kit, 1)
    export_id = town_a.record_export(
        "p", actor="admin", file_name="f.csv", sha256=kit.sha("file"), size=4, document_ids=ids
    )
    again = town_a.record_export_repeat(export_id, actor="admin2", sha256=kit.sha("file"))
    assert again.id == export_id
    with pytest.raises(ConflictError, match="differs"):
        town_a.record_export_repeat(export_id, actor="admin2", sha256=kit.sha("other"))
    with pytest.raises(NotFoundError):
        town_a.export_items(export_id + 1)


def test_exported_documents_cannot_change(town_a: TenantStore, kit: Kit) -> None:
    (doc_id,) = _approved(town_a, kit, 1)
    town_a.record_export(
        "p", actor="admin", file_name="f.csv", sha256=kit.sha("f"), size=1, document_ids=[doc_id]
    )
    with pytest.raises(ConflictError):
        town_a.correct_field(doc_id, "phone", "03-1234-5678", actor="s", expected_version=3)
    with pytest.raises(ConflictError):
        town_a.return_document(doc_id, actor="s", expected_version=3, reason="late")
    actions = [e.action for e in town_a.audit_trail(doc_id)]
    assert actions[-2:] == [Action.APPROVED, Action.EXPORTED]


def test_export_log_is_newest_first_and_paged(town_a: TenantStore, kit: Kit) -> None:
    ids = _approved(town_a, kit, 3)
    made = [
        town_a.record_export(
            "p", actor="a", file_name=f"{i}.csv", sha256=kit.sha(str(i)), size=1, document_ids=[i]
        )
        for i in ids
    ]
    assert [e.id for e in town_a.export_log()] == made[::-1]
    assert [e.id for e in town_a.export_log(limit=1, offset=1)] == [made[1]]
