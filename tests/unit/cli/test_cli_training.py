"""``formocr train export|use|list|opt-in`` and ``train reader --tenant`` on a SQLite store in
a temporary data folder: opt-in first, one municipality's data only, unknown models refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ocr_pipeline.cli import main
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import Action, Store
from tests.training_kit import Scanned, save_and_review, scanned

pytestmark = pytest.mark.usefixtures("no_formocr_env")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def pages() -> list[Scanned]:
    return [scanned("water_service", 21), scanned("water_service", 22)]


@pytest.fixture
def towns(no_formocr_env: Path, pages: list[Scanned]) -> dict[str, list[int]]:
    """town-a with two reviewed documents, town-b with one; document ids by town."""
    with Store.from_settings(load_settings(), migrate=True) as store:
        docs: dict[str, list[int]] = {}
        for tenant, scans in (("town-a", pages), ("town-b", pages[:1])):
            town = store.for_tenant(tenant)
            town.ensure_tenant()
            docs[tenant] = [
                save_and_review(town, s, f"{tenant}-{i}.png") for i, s in enumerate(scans)
            ]
        return docs


def _doc_ids(out: Path) -> set[int]:
    names = [line.split("\t")[0] for line in (out / "rec_gt.txt").read_text("utf-8").splitlines()]
    return {int(m.group(1)) for n in names if (m := re.search(r"/d(\d+)_", n))}


def test_export_needs_the_opt_in_and_gives_only_that_municipality(
    capsys: pytest.CaptureFixture[str], towns: dict[str, list[int]], tmp_path: Path
) -> None:
    out = tmp_path / "ex-a"
    export = ("train", "export", "--tenant", "town-a", "--out", str(out), "--types", "digits,phone")
    code, _, err = _run(capsys, *export)
    assert code == ExitCode.BAD_ARGS
    assert "has not allowed training use" in err and "What to do" in err
    assert not out.exists()
    assert _run(capsys, "train", "opt-in", "--tenant", "town-a", "on", "--actor", "admin")[0] == 0
    code, stdout, _ = _run(capsys, *export, "--json")
    assert code == 0, stdout
    report = json.loads(stdout)
    assert set(report["counts"]) == {"digits", "phone"}
    assert _doc_ids(out) == set(towns["town-a"])
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["tenant"] == "town-a"
    # town-b has not opted in: town-a's switch does not reach it
    code, _, err = _run(
        capsys, "train", "export", "--tenant", "town-b", "--out", str(tmp_path / "ex-b")
    )
    assert code == ExitCode.BAD_ARGS and "town-b" in err
    with Store.from_settings(load_settings()) as store:
        trail = [e for tenant in ("town-a", "town-b") for e in _events(store, tenant)]
    assert [(t, a) for t, a in trail] == [
        ("town-a", Action.TRAINING_OPT_IN.value),
        ("town-a", Action.TRAINING_EXPORTED.value),
    ]


def _events(store: Store, tenant: str) -> list[tuple[str, str]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(store.url)
    try:
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT action FROM audit_events WHERE tenant_id = :t AND document_id IS NULL "
                    "AND source_file_id IS NULL ORDER BY id"
                ),
                {"t": tenant},
            ).all()
    finally:
        engine.dispose()
    return [(tenant, r[0]) for r in rows]


def test_use_and_list(capsys: pytest.CaptureFixture[str], towns: dict[str, list[int]]) -> None:
    code, _, err = _run(capsys, "train", "use", "--tenant", "town-a", "m1")
    assert code == ExitCode.BAD_ARGS and "no model 'm1'" in err
    code, _, err = _run(capsys, "train", "use", "--tenant", "town-a", "../town-b/x")
    assert code == ExitCode.BAD_ARGS and "not a model id" in err
    code, out, _ = _run(capsys, "train", "use", "--tenant", "town-a", "packaged", "--json")
    assert code == 0 and json.loads(out) == {"tenant": "town-a", "model": "packaged"}
    code, out, _ = _run(capsys, "train", "list", "--tenant", "town-a", "--json")
    assert code == 0
    listed = json.loads(out)
    assert listed["active"] == "packaged" and listed["models"] == []
    code, _, err = _run(capsys, "train", "list", "--tenant", "nowhere")
    assert code == ExitCode.BAD_ARGS and "no municipality 'nowhere'" in err


def test_reader_for_a_municipality_needs_its_opt_in(
    capsys: pytest.CaptureFixture[str], towns: dict[str, list[int]], no_formocr_env: Path
) -> None:
    code, _, err = _run(capsys, "train", "reader", "--tenant", "town-b")
    assert code == ExitCode.BAD_ARGS and "has not allowed training use" in err
    assert not (no_formocr_env / "data" / "models" / "town-b").exists()
