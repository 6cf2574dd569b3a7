"""The 個人番号 at rest: sealed in every table and column that can hold it (read, corrected,
keyed twice, in the audit trail), in clear through the store's API and in the tax export;
a missing, wrong or rotated key; a database of an older version sealed on upgrade."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic import command
from sqlalchemy import text

from form_schemas.registry import FormRegistry
from ocr_pipeline.export import ProfileRegistry
from ocr_pipeline.export.ledger import run_export
from ocr_pipeline.store import Action, Store, TenantStore, registry_forms, upgrade
from ocr_pipeline.store.db import alembic_config, make_engine
from ocr_pipeline.store.keys import (
    KEY_FILE,
    Keyring,
    SecretKeyError,
    key_id,
    new_key,
    parse_keys,
)

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit

READ = "463009968008"  # what OCR read (sample_records)
FIRST = "123456789018"  # the first blind entry
SECOND = "987654321093"  # the second one, different
DECIDED = "111111111118"  # what the third person decides
NUMBERS = (READ, FIRST, SECOND, DECIDED)
TOKEN_KID = re.compile(r"v1\.([0-9a-f]{8})\.")


def _valid(number: str) -> str:
    from form_schemas.japanese.mynumber import check_digit

    return number[:11] + check_digit(number[:11])


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORMOCR_SECRET_KEY", raising=False)


def _dump(store: Store) -> str:
    """Every row of every table, as text, read with plain SQL."""
    out = []
    with store._db.engine.connect() as conn:
        names = [
            "tenants", "source_files", "work_items", "page_images", "documents", "pages",
            "fields", "audit_events", "exports", "export_items", "field_entries", "uploads",
        ]  # fmt: skip
        for name in names:
            for row in conn.execute(text(f"SELECT * FROM {name}")):
                out.append(f"{name}: {tuple(row)!r}")
    return "\n".join(out)


def _record_everything(town: TenantStore, kit: Kit) -> int:
    """A ふるさと納税 document whose 個人番号 is read, keyed twice (differently), decided by a
    third person with a reason naming the number, revealed and approved."""
    src, _ = town.register_source(kit.sha("f.pdf"), "f.pdf", 100)
    (doc_id,) = town.save_result(src.id, [kit.furusato()], {})
    town.enter_value(doc_id, "my_number", FIRST, actor="sato", expected_version=1)
    town.enter_value(doc_id, "my_number", SECOND, actor="suzuki", expected_version=2)
    doc = town.correct_field(
        doc_id,
        "my_number",
        DECIDED,
        actor="tanaka",
        expected_version=3,
        reason=f"本人確認書類では {DECIDED}",
    )
    town.log_reveal(doc_id, "my_number", "tanaka")
    for actor in ("sato", "suzuki"):
        amount = str(doc.fields["donation_amount"].ocr_value)
        doc, _ = town.enter_value(
            doc_id, "donation_amount", amount, actor=actor, expected_version=doc.version
        )
    town.approve(doc_id, actor="tanaka", expected_version=doc.version)
    return doc_id


def test_numbers_are_valid() -> None:
    assert all(_valid(n) == n for n in NUMBERS)


def test_no_my_number_in_clear_in_any_table(store: Store, town_a: TenantStore, kit: Kit) -> None:
    doc_id = _record_everything(town_a, kit)
    dump = _dump(store)
    for number in NUMBERS:
        assert number not in dump
    assert "$sealed" in dump
    # No 12-digit number at all (SHA-256 digests of files set aside).
    assert not re.findall(r"(?<![0-9])[0-9]{12}(?![0-9])", re.sub(r"[0-9a-f]{64}", "", dump))
    # What the store hands back is in clear.
    doc = town_a.get_document(doc_id)
    field = doc.fields["my_number"]
    assert (field.value, field.ocr_value, field.raw) == (DECIDED, READ, READ)
    trail = town_a.audit_trail(doc_id)
    ocr = next(e for e in trail if e.action is Action.OCR and e.field_id == "my_number")
    assert ocr.new["value"] == READ and ocr.new["raw"] == READ
    differ = next(e for e in trail if e.action is Action.ENTRIES_DIFFER)
    assert [e["value"] for e in differ.new["entries"]] == [FIRST, SECOND]
    corrected = next(e for e in trail if e.action is Action.CORRECTED and e.field_id == "my_number")
    assert (corrected.old["value"], corrected.new["value"]) == (READ, DECIDED)
    assert corrected.detail == f"本人確認書類では {DECIDED}"
    entries = town_a.double_entries(doc_id, "tanaka")["my_number"].entries
    assert [e.value for e in entries] == [FIRST, SECOND]
    # Other fields stay in clear (they are not sealed), so the database remains searchable.
    amount = doc.fields["donation_amount"].value
    assert amount and json.dumps(amount) in dump


def test_sqlite_file_and_wal_hold_no_my_number(
    store: Store, town_a: TenantStore, kit: Kit, tmp_path: Path
) -> None:
    if store._db.is_postgres:
        pytest.skip("the files of a PostgreSQL server are not ours to read")
    _record_everything(town_a, kit)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("formocr.db")]
    assert any(p.name.endswith("-wal") for p in files)
    data = b"".join(p.read_bytes() for p in files)
    for number in NUMBERS:
        assert number.encode() not in data


def test_matching_double_entry_is_sealed(store: Store, town_a: TenantStore, kit: Kit) -> None:
    src, _ = town_a.register_source(kit.sha("g.pdf"), "g.pdf", 100)
    (doc_id,) = town_a.save_result(src.id, [kit.furusato()], {})
    town_a.enter_value(doc_id, "my_number", FIRST, actor="sato", expected_version=1)
    doc, _ = town_a.enter_value(doc_id, "my_number", FIRST, actor="suzuki", expected_version=2)
    assert doc.fields["my_number"].value == FIRST
    assert FIRST not in _dump(store) and READ not in _dump(store)


def test_a_reason_that_holds_twelve_digits_is_sealed(
    store: Store, town_a: TenantStore, saved_document: int
) -> None:
    spaced = f"{FIRST[:4]} {FIRST[4:8]} {FIRST[8:]}"
    doc = town_a.correct_field(
        saved_document,
        "phone",
        "03-1111-2222",
        actor="tanaka",
        expected_version=1,
        reason=f"個人番号 {spaced} と取り違え",
    )
    doc = town_a.correct_field(
        saved_document,
        "user_name",
        "山田　花子",
        actor="tanaka",
        expected_version=doc.version,
        reason="電話 03-1234-5678 で確認",
    )
    town_a.return_document(
        saved_document, actor="tanaka", expected_version=doc.version, reason=f"番号{SECOND}が違う"
    )
    dump = _dump(store)
    assert spaced not in dump and SECOND not in dump
    assert "電話 03-1234-5678 で確認" in dump  # no 12 digits: stays in clear
    assert town_a.get_document(saved_document).return_reason == f"番号{SECOND}が違う"
    (summary,) = town_a.list_documents()
    assert summary.return_reason == f"番号{SECOND}が違う"
    details = [e.detail for e in town_a.audit_trail(saved_document)]
    assert f"個人番号 {spaced} と取り違え" in details and f"番号{SECOND}が違う" in details


def test_tax_export_writes_the_number_in_clear(
    store: Store, town_a: TenantStore, kit: Kit, tmp_path: Path
) -> None:
    _record_everything(town_a, kit)
    profile = ProfileRegistry.from_dirs().get("furusato_onestop_cp932")
    now = datetime(2026, 12, 3, tzinfo=UTC)
    out = run_export(
        town_a, profile, FormRegistry.from_dirs([]), actor="admin", out_dir=tmp_path / "x", now=now
    )
    assert out.path is not None
    assert DECIDED in out.path.read_bytes().decode("cp932")


def test_key_file_is_made_once_owner_only(store: Store, town_a: TenantStore, kit: Kit) -> None:
    _record_everything(town_a, kit)
    path = store.keys.path
    assert path is not None and path.name == KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (key,) = parse_keys(path.read_text(), "test")
    assert key_id(key) in _dump(store)


def _reopen(store: Store, url: str, keys: Keyring | None = None) -> Store:
    """Another store on the same database and data folder (as another process)."""
    return Store.open(url, store._images.root, forms=store._forms, keys=keys)


def test_wrong_or_missing_key_is_an_error_never_a_value(
    store: Store, town_a: TenantStore, kit: Kit, migrated_url: str, tmp_path: Path
) -> None:
    doc_id = _record_everything(town_a, kit)
    kid = store.keys.current_id
    other = Keyring.of(new_key())
    with _reopen(store, migrated_url, other) as wrong:
        with pytest.raises(SecretKeyError, match=f"sealed with key {kid}") as err:
            wrong.for_tenant("town-a").get_document(doc_id)
        assert "What to do: restore the key file" in str(err.value)
        assert int(err.value.exit_code) == 6
        # Documents without a sealed field still open; no wrong value comes back.
        assert wrong.for_tenant("town-a").list_documents()
    assert store.keys.path is not None
    store.keys.path.unlink()
    with (
        _reopen(store, migrated_url) as missing,
        pytest.raises(SecretKeyError, match="does not exist"),
    ):
        missing.for_tenant("town-a").audit_trail(doc_id)


def test_a_sealed_value_moved_to_another_document_does_not_open(
    store: Store, town_a: TenantStore, kit: Kit
) -> None:
    first = _record_everything(town_a, kit)
    src, _ = town_a.register_source(kit.sha("h.pdf"), "h.pdf", 100)
    (second,) = town_a.save_result(src.id, [kit.furusato()], {})
    with store._db.engine.begin() as conn:
        moved = conn.execute(
            text("SELECT value FROM fields WHERE document_id = :d AND field_id = 'my_number'"),
            {"d": first},
        ).scalar_one()
        conn.execute(
            text("UPDATE fields SET value = :v WHERE document_id = :d AND field_id = 'my_number'"),
            {"v": moved if isinstance(moved, str) else json.dumps(moved), "d": second},
        )
    with pytest.raises(SecretKeyError, match="altered or moved"):
        town_a.get_document(second)


def test_rotation_seals_everything_again_and_retires_the_old_key(
    store: Store, town_a: TenantStore, kit: Kit, migrated_url: str, tmp_path: Path
) -> None:
    doc_id = _record_everything(town_a, kit)
    old_keys = store.keys.keys()
    old = store.keys.current_id
    report = store.rotate_keys()
    assert report.resealed > 0 and report.retired == (old,) and report.key_id != old
    assert store.keys.path is not None
    assert stat.S_IMODE(store.keys.path.stat().st_mode) == 0o600
    assert [key_id(k) for k in parse_keys(store.keys.path.read_text(), "t")] == [report.key_id]
    dump = _dump(store)
    assert set(TOKEN_KID.findall(dump)) == {report.key_id}
    assert all(n not in dump for n in NUMBERS)
    assert town_a.get_document(doc_id).fields["my_number"].value == DECIDED
    # Another process that still holds the old key fails clearly.
    raw = [base64.urlsafe_b64encode(k).decode() for k in old_keys]
    with (
        _reopen(store, migrated_url, Keyring.of(*raw)) as stale,
        pytest.raises(SecretKeyError, match=f"sealed with key {report.key_id}"),
    ):
        stale.for_tenant("town-a").get_document(doc_id)
    # A running store that read the key file before picks the new one up.
    with _reopen(store, migrated_url) as other:
        assert other.for_tenant("town-a").get_document(doc_id).fields["my_number"].value == DECIDED


def test_rotation_with_keys_from_the_environment(
    store: Store, town_a: TenantStore, kit: Kit, migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id = _record_everything(town_a, kit)
    assert store.keys.path is not None
    old = store.keys.path.read_text().strip()
    new = new_key()
    monkeypatch.setenv("FORMOCR_SECRET_KEY", f"{new}, {old}")
    with _reopen(store, migrated_url) as envstore:
        report = envstore.rotate_keys()
        assert report.key_file is None and report.retired == (key_id(parse_keys(old, "t")[0]),)
    monkeypatch.setenv("FORMOCR_SECRET_KEY", new)
    with _reopen(store, migrated_url) as envstore:
        assert envstore.for_tenant("town-a").get_document(doc_id).fields["my_number"].value == (
            DECIDED
        )
    assert store.keys.path.read_text().strip() == old  # the key file is not touched


def _migrate(url: str, revision: str, keys: Keyring | None, down: bool = False) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            cfg.attributes["keys"] = keys
            (command.downgrade if down else command.upgrade)(cfg, revision)
    finally:
        engine.dispose()


def test_upgrade_seals_the_clear_numbers_of_an_older_database(
    store: Store, town_a: TenantStore, kit: Kit, migrated_url: str, tmp_path: Path
) -> None:
    doc_id = _record_everything(town_a, kit)
    version = town_a.get_document(doc_id).version
    town_a.return_document(
        doc_id, actor="tanaka", expected_version=version, reason=f"番号 {FIRST} は別人"
    )
    keys = store.keys
    store.close()
    _migrate(migrated_url, "0002", keys, down=True)  # as formocr kept it before sealing
    engine = make_engine(migrated_url)
    with engine.connect() as conn:
        clear = "\n".join(
            repr(tuple(r))
            for t in ("fields", "audit_events", "field_entries")
            for r in conn.execute(text(f"SELECT * FROM {t}"))
        )
    engine.dispose()
    assert all(n in clear for n in NUMBERS) and "$sealed" not in clear
    with pytest.raises(SecretKeyError, match="FORMOCR_SECRET_KEY is not set"):
        _migrate(migrated_url, "head", None)
    # SQLite: by default the key file beside the database, the one the store used.
    upgrade(migrated_url, keys=keys if migrated_url.startswith("postgresql") else None)
    with Store.open(
        migrated_url, tmp_path / "images", forms=registry_forms(FormRegistry.from_dirs([]))
    ) as again:
        assert all(n not in _dump(again) for n in NUMBERS)
        field = again.for_tenant("town-a").get_document(doc_id).fields["my_number"]
        assert (field.value, field.ocr_value) == (DECIDED, READ)


def test_key_in_environment_wins_over_the_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()
    monkeypatch.setenv("FORMOCR_SECRET_KEY", key)
    ring = Keyring(tmp_path / KEY_FILE)
    token = ring.seal(b"x", "here")
    assert not (tmp_path / KEY_FILE).exists()
    assert Keyring.of(key).open(token, "here") == b"x"
    monkeypatch.setenv("FORMOCR_SECRET_KEY", "not-a-key")
    with pytest.raises(SecretKeyError, match="not a formocr key"):
        Keyring(tmp_path / KEY_FILE).seal(b"x", "here")
    with pytest.raises(SecretKeyError) as err:
        Keyring(tmp_path / KEY_FILE).seal(b"x", "here")
    assert os.environ["FORMOCR_SECRET_KEY"] not in str(err.value)
