"""``formocr purge`` and ``formocr retention`` on a SQLite store in a temporary data folder:
a dry run removes nothing, the command asks on a terminal and refuses elsewhere without
``--yes``, the municipality's retention period is the cutoff when none is given, another
municipality is never touched, and purged documents leave the training export."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ocr_pipeline.cli import main
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import Action, NotFoundError, Store
from ocr_pipeline.watch import WatchPaths
from tests.training_kit import Scanned, save_and_review, scanned
from tests.unit.store.conftest import FakeClock, water_page

pytestmark = pytest.mark.usefixtures("no_formocr_env")

THEN = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)  # when the documents were read and finished


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def docs(no_formocr_env: Path) -> dict[str, int]:
    """Documents finished on 6 January 2025: town-a's ``returned`` (its scan archived where the
    watcher keeps it) and ``review`` (unfinished), and town-b's ``returned``."""
    settings = load_settings()
    Store.from_settings(settings, migrate=True).close()
    paths = WatchPaths.from_settings(settings)
    out: dict[str, int] = {}
    with Store.open(
        f"sqlite:///{settings.data_dir / 'formocr.db'}",
        settings.data_dir / "images",
        clock=FakeClock(THEN),
    ) as store:
        for tenant in ("town-a", "town-b"):
            town = store.for_tenant(tenant)
            town.ensure_tenant()
            for name in ("returned", "review"):
                sha = (tenant + name).encode().hex().ljust(64, "0")[:64]
                src, _ = town.register_source(sha, f"{name}.pdf", 1)
                archived = paths.archive_file(tenant, sha, f"{name}.pdf")
                archived.parent.mkdir(parents=True)
                archived.write_bytes(b"%PDF-1.4 scan")
                town.archive(src.id, str(archived))
                (doc,) = town.save_result(src.id, [water_page()], {})
                out[f"{tenant}/{name}"] = doc
                out[f"{tenant}/{name}/source"] = src.id
            town.return_document(
                out[f"{tenant}/returned"], actor="kacho", expected_version=1, reason="記入漏れ"
            )
    return out


def _exists(tenant: str, doc: int) -> bool:
    with Store.from_settings(load_settings()) as store:
        try:
            store.for_tenant(tenant).get_document(doc)
        except NotFoundError:
            return False
        return True


def test_dry_run_says_what_would_go_and_removes_nothing(
    capsys: pytest.CaptureFixture[str], docs: dict[str, int]
) -> None:
    argv = ("purge", "--tenant", "town-a", "--before", "2025-02-01", "--dry-run")
    code, out, _ = _run(capsys, *argv, "--json")
    assert code == 0
    info = json.loads(out)
    assert (info["documents"], info["by_status"], info["source_files"]) == (
        1,
        {"returned": 1},
        1,
    )
    assert info["cutoff"] == "2025-02-01T00:00:00+09:00"
    assert info["first_finished"] == info["last_finished"] == "2025-01-06T18:00:00+09:00"
    code, out, _ = _run(capsys, *argv)
    assert code == 0 and "would remove: town-a: 1 finished document(s)" in out
    assert _exists("town-a", docs["town-a/returned"])


def test_without_yes_it_asks_on_a_terminal_and_refuses_elsewhere(
    capsys: pytest.CaptureFixture[str], docs: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ("purge", "--tenant", "town-a", "--before", "2025-02-01")
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    code, _, err = _run(capsys, *argv)
    assert code == ExitCode.BAD_ARGS
    assert "not a terminal" in err and "What to do" in err and "--yes" in err
    monkeypatch.setattr("sys.stdin", _Terminal("no\n"))
    code, out, err = _run(capsys, *argv)
    assert code == 0 and "nothing was removed" in out and "Type yes" in err
    assert _exists("town-a", docs["town-a/returned"])
    monkeypatch.setattr("sys.stdin", _Terminal("yes\n"))
    code, out, _ = _run(capsys, *argv)
    assert code == 0 and "town-a: removed 1 document(s), 1 scan file(s)" in out
    assert not _exists("town-a", docs["town-a/returned"])


def test_purge_with_yes_removes_rows_and_archived_scan_of_one_municipality(
    capsys: pytest.CaptureFixture[str], docs: dict[str, int]
) -> None:
    paths = WatchPaths.from_settings(load_settings())
    archived = {
        f"{t}/{n}": next((paths.archive / t).rglob(f"{n}.pdf")) for t in ("town-a", "town-b")
        for n in ("returned", "review")
    }  # fmt: skip
    argv = ("purge", "--tenant", "town-a", "--before", "2025-02-01", "--yes", "--actor", "kanri")
    code, out, _ = _run(capsys, *argv, "--json")
    assert code == 0
    info = json.loads(out)
    assert (info["document_ids"], info["source_files"], info["archived_scans"]) == (
        [docs["town-a/returned"]],
        1,
        1,
    )
    assert info["files_left"] == 0 and info["events_erased"] > 0
    assert (
        not archived["town-a/returned"].exists() and not archived["town-a/returned"].parent.exists()
    )
    for kept in ("town-a/review", "town-b/returned", "town-b/review"):
        assert archived[kept].is_file()
    assert _exists("town-a", docs["town-a/review"])
    assert _exists("town-b", docs["town-b/returned"])
    with Store.from_settings(load_settings()) as store:
        # a kept scan's trail keeps its values; the purge is one event, without values
        received = store.for_tenant("town-a").source_history(docs["town-a/review/source"])[0]
        assert received.new["name"] == "review.pdf"
    assert _purges(load_settings().data_dir) == [
        ("town-a", "kanri", {"cutoff", "documents", "source_files", "page_images",
                             "archived_scans", "events_erased"}, [docs["town-a/returned"]])
    ]  # fmt: skip


def _purges(data_dir: Path) -> list[tuple[str, str, set[str], list[int]]]:
    engine = create_engine(f"sqlite:///{data_dir / 'formocr.db'}")
    try:
        with engine.connect() as c:
            rows = c.execute(
                text("SELECT tenant_id, actor, new FROM audit_events WHERE action = :a"),
                {"a": Action.PURGED.value},
            ).all()
    finally:
        engine.dispose()
    return [(t, a, set(json.loads(n)), json.loads(n)["documents"]) for t, a, n in rows]


def test_the_retention_period_is_the_cutoff_when_none_is_given(
    capsys: pytest.CaptureFixture[str], docs: dict[str, int]
) -> None:
    code, _, err = _run(capsys, "purge", "--tenant", "town-a", "--yes")
    assert code == ExitCode.BAD_ARGS
    assert "keeps its documents forever" in err and "formocr retention --tenant town-a" in err
    code, out, _ = _run(capsys, "retention", "--tenant", "town-a")
    assert code == 0 and "kept forever" in out
    code, out, _ = _run(capsys, "retention", "--tenant", "town-a", "365", "--actor", "kanri")
    assert code == 0 and "kept 365 day(s) after they finish" in out
    code, out, _ = _run(capsys, "retention", "--tenant", "town-a", "--json")
    assert json.loads(out) == {"tenant": "town-a", "retention_days": 365}
    code, _, err = _run(capsys, "retention", "--tenant", "town-a", "-1")
    assert code == ExitCode.BAD_ARGS and "What to do" in err
    code, out, _ = _run(capsys, "purge", "--tenant", "town-a", "--yes", "--json")
    assert code == 0 and json.loads(out)["document_ids"] == [docs["town-a/returned"]]
    assert _exists("town-b", docs["town-b/returned"])  # town-b keeps forever


def test_bad_arguments_are_refused(
    capsys: pytest.CaptureFixture[str], docs: dict[str, int]
) -> None:
    refused: tuple[tuple[tuple[str, ...], str], ...] = (
        (("--tenant", "nowhere", "--older-than", "1", "--dry-run"), "not found"),
        (("--tenant", "town-a", "--before", "2999-01-01", "--yes"), "in the future"),
        (("--tenant", "town-a", "--older-than", "-3", "--yes"), "--older-than"),
    )
    for argv, message in refused:
        code, _, err = _run(capsys, "purge", *argv)
        assert code == ExitCode.BAD_ARGS, argv
        assert message in err, (argv, err)
    unparsed: tuple[tuple[tuple[str, ...], str], ...] = (
        (("--tenant", "town-a", "--before", "1 April"), "not a date"),
        (("--tenant", "town-a", "--before", "2025-01-01", "--older-than", "3"), "not allowed"),
    )
    for argv, message in unparsed:
        with pytest.raises(SystemExit) as exit_:
            main(["purge", *argv])
        assert exit_.value.code == ExitCode.BAD_ARGS
        assert message in capsys.readouterr().err
    assert _exists("town-a", docs["town-a/returned"])


@pytest.fixture(scope="module")
def pages() -> list[Scanned]:
    return [scanned("water_service", 31), scanned("water_service", 32)]


def _doc_ids(out: Path) -> set[int]:
    names = [line.split("\t")[0] for line in (out / "rec_gt.txt").read_text("utf-8").splitlines()]
    return {int(m.group(1)) for n in names if (m := re.search(r"/d(\d+)_", n))}


def test_purged_documents_leave_the_training_export(
    capsys: pytest.CaptureFixture[str], pages: list[Scanned], tmp_path: Path
) -> None:
    with Store.from_settings(load_settings(), migrate=True) as store:
        town = store.for_tenant("town-a")
        town.ensure_tenant()
        gone, kept = (save_and_review(town, s, f"p{i}.png") for i, s in enumerate(pages))
        version = town.get_document(gone).version
        town.return_document(gone, actor="kacho", expected_version=version, reason="重複")
        before = town.evidence_counts()
    assert _run(capsys, "train", "opt-in", "--tenant", "town-a", "on", "--actor", "admin")[0] == 0
    code, _, _ = _run(capsys, "train", "export", "--tenant", "town-a", "--out", str(tmp_path / "1"))
    assert code == 0 and _doc_ids(tmp_path / "1") == {gone, kept}
    code, _, _ = _run(capsys, "purge", "--tenant", "town-a", "--older-than", "0", "--yes")
    assert code == 0
    code, _, _ = _run(capsys, "train", "export", "--tenant", "town-a", "--out", str(tmp_path / "2"))
    assert code == 0 and _doc_ids(tmp_path / "2") == {kept}
    with Store.from_settings(load_settings()) as store:
        after = store.for_tenant("town-a").evidence_counts()
    assert sum(after.values()) < sum(before.values()) and after
