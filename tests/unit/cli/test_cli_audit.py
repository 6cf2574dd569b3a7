"""``formocr audit rate|report`` on a SQLite store in a temporary data folder."""

from __future__ import annotations

import json
from pathlib import Path
from random import Random

import pytest

from ocr_pipeline.cli import main
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import Store
from tests.unit.store.conftest import water_page

pytestmark = pytest.mark.usefixtures("no_formocr_env")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FORMOCR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_rate_is_set_logged_and_shown(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    with Store.from_settings(load_settings(), migrate=True) as store:
        store.for_tenant("town-a").ensure_tenant()
    code, out, _ = _run(capsys, "audit", "rate", "--tenant", "town-a", "0.02", "--actor", "kanri")
    assert code == 0 and "audit rate 0.02 (2 % of accepted fields)" in out
    code, out, _ = _run(capsys, "audit", "rate", "--tenant", "town-a", "--json")
    assert code == 0 and json.loads(out) == {"tenant": "town-a", "audit_rate": 0.02}
    code, _, err = _run(capsys, "audit", "rate", "--tenant", "town-a", "2")
    assert code == ExitCode.BAD_ARGS and "from 0 to 1" in err and "What to do" in err
    code, _, err = _run(capsys, "audit", "rate", "--tenant", "nowhere", "0.1")
    assert code == ExitCode.BAD_ARGS and "not found" in err
    with Store.from_settings(load_settings()) as store:
        (event,) = store.for_tenant("town-a").settings_events()
    assert (event.actor, event.new) == ("kanri", {"audit_rate": 0.02})


def test_report_gives_the_measured_error_rate_with_its_interval(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    settings = load_settings()
    Store.from_settings(settings, migrate=True).close()
    with Store.open(
        f"sqlite:///{data_dir / 'formocr.db'}", data_dir / "images", audit_random=Random(5)
    ) as store:
        town = store.for_tenant("town-a")
        town.ensure_tenant()
        town.set_audit_rate(1.0, actor="kanri")
        src, _ = town.register_source("a" * 64, "scan.pdf", 1)
        (doc,) = town.save_result(src.id, [water_page(review=())], {})
        v = town.correct_field(doc, "meter_number", "87654321", actor="sato", expected_version=1)
        town.confirm_field(doc, "phone", actor="sato", expected_version=v.version)
    code, out, _ = _run(capsys, "audit", "report", "--tenant", "town-a", "--json")
    info = json.loads(out)
    assert code == 0 and info["audit_rate"] == 1.0
    total = info["total"]
    assert (total["samples"], total["checked"], total["wrong"], total["rate"]) == (12, 2, 1, 0.5)
    assert 0.0 < total["low_95"] < 0.5 < total["high_95"] < 1.0
    (week,) = info["weeks"]
    assert (week["fields"], week["corrected"], week["samples"]) == (12, 1, 12)
    code, out, _ = _run(capsys, "audit", "report", "--tenant", "town-a")
    assert code == 0 and "total: 1 wrong of 2 checked (50.00 %, 95 % interval" in out
