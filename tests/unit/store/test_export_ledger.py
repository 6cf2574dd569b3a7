"""Exports through the ledger: approved records once, repeats byte for byte, nothing written
when a cell cannot be encoded, and one municipality's export never holds another's records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from form_schemas.registry import FormRegistry
from ocr_pipeline.export import ExportEncodingError, ProfileRegistry
from ocr_pipeline.export.ledger import repeat_export, run_export
from ocr_pipeline.store import Action, DocumentStatus, TenantStore

Kit = Any  # tests/unit/store/conftest.py

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
