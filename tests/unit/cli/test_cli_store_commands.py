"""``formocr db`` and ``formocr export`` on a SQLite store in a temporary data folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldValue
from ocr_pipeline.cli import main
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import Store
from tests.sample_records import WATER_VALUES

pytestmark = pytest.mark.usefixtures("no_formocr_env")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FORMOCR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_db_upgrade_then_status(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = _run(capsys, "db", "status", "--json")
    assert code == 0 and json.loads(out)["up_to_date"] is False
    assert _run(capsys, "db", "upgrade")[0] == 0
    code, out, _ = _run(capsys, "db", "status", "--json")
    info = json.loads(out)
    assert code == 0 and info["up_to_date"] is True and info["revision"] == info["head"]
    assert (data_dir / "formocr.db").is_file()


def test_unreachable_database_has_its_own_exit_code(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMOCR_DATABASE_URL", "postgresql+psycopg://u:hunter2@127.0.0.1:1/x")
    code, _, err = _run(capsys, "db", "status")
    assert code == ExitCode.STORE_UNAVAILABLE
    assert "What to do" in err and "hunter2" not in err


def test_export_with_nothing_approved_writes_nothing(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, out, _ = _run(
        capsys, "export", "run", "--profile", "water_service_utf8", "--tenant", "town-a", "--json"
    )
    assert code == 0 and json.loads(out)["file"] is None
    assert not (data_dir / "exports").exists() or not any((data_dir / "exports").iterdir())
    code, out, _ = _run(capsys, "export", "log", "--tenant", "town-a", "--json")
    assert code == 0 and out == ""


def test_unknown_profile_is_a_bad_argument(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, _, err = _run(capsys, "export", "run", "--profile", "nope", "--tenant", "town-a")
    assert code == ExitCode.BAD_ARGS and "water_service_utf8" in err


def test_profiles_are_listed_and_checked(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "export", "profiles", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {r["id"] for r in rows} >= {"water_service_cp932", "water_service_utf8"}
    assert all(r["problems"] == [] for r in rows)


def _approve_water(data_dir: Path, **values: FieldValue) -> int:
    """An approved 水道 record in the data folder's store, without OCR."""
    vals = {**WATER_VALUES, **values}
    spec = FormRegistry.from_dirs().get("water_service").spec
    fields = {
        f.id: FieldResult(f.id, f.type.value, vals[f.id], 0.99, FieldStatus.ACCEPTED)
        for f in spec.all_fields()
    }
    page = PageResult("scan.pdf", 1, PageStatus.OK, "water_service", 1, fields=fields)
    with Store.from_settings(load_settings(), migrate=True) as store:
        town = store.for_tenant("town-a")
        town.ensure_tenant("A町")
        src, _ = town.register_source(hashlib.sha256(repr(vals).encode()).hexdigest(), "s.pdf", 1)
        (doc_id,) = town.save_result(src.id, [page], {})
        town.approve(doc_id, actor="reviewer", expected_version=town.get_document(doc_id).version)
    return doc_id


def test_export_neutralises_formulas_logs_them_and_repeats_byte_for_byte(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    doc_id = _approve_water(data_dir, user_name="=１+１", remarks="@ｃｍｄ")
    code, out, _ = _run(
        capsys, "export", "run", "--profile", "water_service_utf8", "--tenant", "town-a"
    )
    assert code == 0
    assert "2 cell(s) began with = + - @" in out and "line 1 使用者名, line 1 備考" in out
    (written,) = (data_dir / "exports").iterdir()
    assert ",'=１+１,".encode() in written.read_bytes()
    code, out, _ = _run(capsys, "export", "log", "--tenant", "town-a", "--json")
    entry = json.loads(out)
    assert entry["neutralised"] == [
        {"line": 1, "document_id": str(doc_id), "column": "使用者名", "source": "user_name"},
        {"line": 1, "document_id": str(doc_id), "column": "備考", "source": "remarks"},
    ]
    copy = tmp_path / "copy"
    code, out, _ = _run(
        capsys,
        "export",
        "repeat",
        str(entry["export_id"]),
        "--tenant",
        "town-a",
        "--out",
        str(copy),
    )
    assert code == 0 and (copy / written.name).read_bytes() == written.read_bytes()
    code, out, _ = _run(capsys, "export", "log", "--tenant", "town-a")
    assert "neutralised" in out.splitlines()[0]
