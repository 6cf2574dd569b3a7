"""``formocr db`` and ``formocr export`` on a SQLite store in a temporary data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocr_pipeline.cli import main
from ocr_pipeline.errors import ExitCode

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
