"""Exports through the ledger: approved records once, repeats byte for byte, nothing written
when a cell cannot be encoded, and one municipality's export never holds another's records."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from form_schemas.japanese.width import normalise_text
from form_schemas.registry import FormRegistry
from ocr_pipeline.export import ExportEncodingError, ProfileRegistry, render
from ocr_pipeline.export.ledger import repeat_export, run_export, to_record
from ocr_pipeline.store import Action, ConflictError, DocumentStatus, TenantStore

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit


NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
FORMS = FormRegistry.from_dirs([])
PROFILES = ProfileRegistry.from_dirs()


def _approved(store: TenantStore, kit: Kit, name: str, **values: str) -> int:
    src, _ = store.register_source(kit.sha(name), name, 100)
    (doc_id,) = store.save_result(src.id, [kit.water(review=(), values=values)], {})
    doc = store.get_document(doc_id)
    store.approve(doc_id, actor="reviewer-1", expected_version=doc.version)
    return doc_id


def test_export_writes_approved_records_once(town_a: TenantStore, kit: Kit, tmp_path: Path) -> None:
    first = _approved(town_a, kit, "a.pdf")
    second = _approved(town_a, kit, "b.pdf", user_name="佐藤\u3000花子")
    profile = PROFILES.get("water_service_cp932")
    out = run_export(town_a, profile, FORMS, actor="admin", out_dir=tmp_path, now=NOW)
    assert out.documents == (first, second)
    assert out.path is not None and out.path.read_bytes().decode("cp932").count("\r\n") == 2
    assert "佐藤" in out.path.read_bytes().decode("cp932")
    assert town_a.get_document(first).status is DocumentStatus.EXPORTED
    again = run_export(town_a, profile, FORMS, actor="admin", out_dir=tmp_path, now=NOW)
    assert again.export_id is None and again.path is None
    assert [e.id for e in town_a.export_log()] == [out.export_id]


def test_repeat_is_byte_for_byte_and_logged(town_a: TenantStore, kit: Kit, tmp_path: Path) -> None:
    _approved(town_a, kit, "a.pdf")
    profile = PROFILES.get("water_service_utf8")
    out = run_export(town_a, profile, FORMS, actor="admin", out_dir=tmp_path / "1", now=NOW)
    assert out.export_id is not None and out.path is not None
    copy = repeat_export(town_a, out.export_id, FORMS, actor="admin", out_dir=tmp_path / "2")
    assert copy.path is not None and copy.path.read_bytes() == out.path.read_bytes()
    assert copy.sha256 == out.sha256
    doc_events = town_a.audit_trail(out.documents[0])
    assert [e.action for e in doc_events].count(Action.EXPORTED) == 1


def test_an_export_whose_documents_were_purged_is_not_repeated(
    town_a: TenantStore, kit: Kit, tmp_path: Path, clock: Any
) -> None:
    _approved(town_a, kit, "a.pdf")
    _approved(town_a, kit, "b.pdf")
    profile = PROFILES.get("water_service_utf8")
    out = run_export(town_a, profile, FORMS, actor="admin", out_dir=tmp_path / "1", now=NOW)
    assert out.export_id is not None
    clock.advance(60)
    report = town_a.purge_finished(clock(), actor="kanri", batch_size=1)
    assert (len(report.documents), report.batches) == (2, 2)  # one batch per document
    with pytest.raises(ConflictError, match="2 of its 2 documents were purged"):
        repeat_export(town_a, out.export_id, FORMS, actor="admin", out_dir=tmp_path / "2")
    assert not (tmp_path / "2").exists()
    assert [e.id for e in town_a.export_log()] == [out.export_id]


def test_unencodable_character_stops_before_anything_is_written(
    town_a: TenantStore, kit: Kit, tmp_path: Path
) -> None:
    doc_id = _approved(town_a, kit, "a.pdf", user_name="𠮷田\u3000太郎")
    profile = PROFILES.get("water_service_cp932")
    out_dir = tmp_path / "exports"
    with pytest.raises(ExportEncodingError) as err:
        run_export(town_a, profile, FORMS, actor="admin", out_dir=out_dir, now=NOW)
    assert str(doc_id) in str(err.value) and "user_name" in str(err.value)
    assert not out_dir.exists() or list(out_dir.iterdir()) == []
    assert town_a.get_document(doc_id).status is DocumentStatus.APPROVED
    assert town_a.export_log() == []


def test_export_holds_only_the_own_municipality(
    town_a: TenantStore, town_b: TenantStore, kit: Kit, tmp_path: Path
) -> None:
    _approved(town_a, kit, "a.pdf", user_name="甲野\u3000一郎")
    _approved(town_b, kit, "b.pdf", user_name="乙川\u3000次郎")
    profile = PROFILES.get("water_service_utf8")
    out = run_export(town_a, profile, FORMS, actor="admin", out_dir=tmp_path, now=NOW)
    assert out.path is not None
    text = out.path.read_bytes().decode("utf-8-sig")
    assert "甲野" in text and "乙川" not in text
    assert town_b.export_log() == []


@pytest.mark.parametrize("pid", ["water_service_cp932", "water_service_utf8"])
def test_neutralised_cells_are_logged_and_a_repeat_is_byte_for_byte(
    town_a: TenantStore, kit: Kit, tmp_path: Path, pid: str
) -> None:
    _approved(town_a, kit, "a.pdf")
    # as a reviewer's correction is stored: ASCII letters and digits made full-width
    formula = normalise_text('=HYPERLINK("http://x","y")')
    second = _approved(town_a, kit, "b.pdf", user_name=formula)
    out = run_export(
        town_a, PROFILES.get(pid), FORMS, actor="admin", out_dir=tmp_path / "1", now=NOW
    )
    assert out.export_id is not None and out.path is not None
    codec = PROFILES.get(pid).encoding.check_codec
    cell = "\"'" + formula.replace('"', '""') + '"'
    assert ("," + cell + ",").encode(codec) in out.path.read_bytes()
    cells = [c.to_dict() for c in out.neutralised]
    assert cells == [
        {"line": 2, "document_id": str(second), "column": "使用者名", "source": "user_name"}
    ]
    (entry,) = town_a.export_log()
    assert entry.params["neutralised"] == cells
    assert formula[:4] not in str(entry.params)
    copy = repeat_export(town_a, out.export_id, FORMS, actor="admin", out_dir=tmp_path / "2")
    assert copy.path is not None and copy.path.read_bytes() == out.path.read_bytes()


def test_an_export_from_before_neutralising_is_repeated_raw(
    town_a: TenantStore, kit: Kit, tmp_path: Path
) -> None:
    """A ledger entry whose saved profile has no ``neutralise_formulas`` was written raw."""
    doc_id = _approved(town_a, kit, "a.pdf", user_name="=１+１")
    profile = PROFILES.get("water_service_utf8")
    raw = profile.model_copy(update={"neutralise_formulas": False})
    data = render(
        raw, FORMS.get("water_service").spec, [to_record(town_a, town_a.get_document(doc_id))]
    )
    saved = json.loads(profile.canonical_json())
    del saved["neutralise_formulas"]
    export_id = town_a.record_export(
        profile.id,
        actor="admin",
        file_name="old.csv",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        document_ids=[doc_id],
        params={"profile": saved},
        form_id=profile.form,
    )
    copy = repeat_export(town_a, export_id, FORMS, actor="admin", out_dir=tmp_path)
    assert copy.path is not None and copy.path.read_bytes() == data
    assert ",=１+１,".encode() in data
