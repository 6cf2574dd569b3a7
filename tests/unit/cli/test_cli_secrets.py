"""``formocr secrets status|rotate|new-key`` on a SQLite store in a temporary data folder."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from form_schemas.registry import FormRegistry
from ocr_pipeline.cli import main
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import Store
from ocr_pipeline.store.keys import parse_keys

pytestmark = pytest.mark.usefixtures("no_formocr_env")
NUMBER = "463009968008"


def _save_document() -> int:
    spec = FormRegistry.from_dirs().get("furusato_onestop").spec
    field = FieldResult(
        id="my_number",
        type="mynumber",
        value=NUMBER,
        confidence=0.99,
        status=FieldStatus.REVIEW,
        reasons=[],
        raw=NUMBER,
        char_confidences=[0.99] * 12,
        bbox=None,
    )
    page = PageResult(
        source="f.pdf",
        page=1,
        status=PageStatus.OK,
        form=spec.id,
        form_version=spec.version,
        fields={"my_number": field},
    )
    with Store.from_settings(load_settings(), migrate=True) as store:
        town = store.for_tenant("town-a")
        town.ensure_tenant()
        src, _ = town.register_source("a" * 64, "f.pdf", 10)
        (doc_id,) = town.save_result(src.id, [page], {})
        return doc_id


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(list(argv)) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def test_status_rotate_and_new_key(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc_id = _save_document()
    key_file = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = _json(capsys, "secrets", "status", "--json")
    old = before["key_id"]
    assert before["sealed_by_key"] == {old: 4}  # value, ocr_value, raw, the ocr event
    assert str(key_file) in str(before["source"])
    rotated = _json(capsys, "secrets", "rotate", "--json")
    assert rotated["resealed"] == 2 and rotated["retired"] == [old]  # a field and an event
    after = _json(capsys, "secrets", "status", "--json")
    assert after["sealed_by_key"] == {rotated["key_id"]: 4} and after["keys"] == 1
    assert len(parse_keys(key_file.read_text(), "t")) == 1
    with Store.from_settings(load_settings()) as store:
        assert store.for_tenant("town-a").get_document(doc_id).fields["my_number"].value == NUMBER
    files = (tmp_path / "data").glob("formocr.db*")  # the WAL is gone once all have closed
    assert all(NUMBER.encode() not in p.read_bytes() for p in files)
    assert main(["secrets", "new-key"]) == 0
    (key,) = parse_keys(capsys.readouterr().out, "stdout")
    assert len(key) == 32


def test_a_missing_key_file_is_exit_6_and_no_new_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _save_document()
    key_file = tmp_path / "data" / "secret.key"
    key_file.unlink()
    for command in ("rotate", "status"):
        assert main(["secrets", command]) == 6
        err = capsys.readouterr().err
        assert "does not exist" in err and "What to do: restore the key file" in err
        assert not key_file.exists()
