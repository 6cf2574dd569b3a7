"""``formocr worker`` and ``formocr status`` in the single-machine (local) mode."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ocr_pipeline.cli import main
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import Store
from ocr_pipeline.watch.single import only_watcher

pytestmark = pytest.mark.usefixtures("no_formocr_env")


def test_worker_needs_the_celery_backend(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worker", "--concurrency", "2"]) == ExitCode.CONFIG_INVALID
    err = capsys.readouterr().err
    assert "task_backend = celery" in err
    assert "FORMOCR_TASK_BACKEND=celery" in err  # what to do


def test_status_shows_the_queue_and_the_watcher_holding_the_lock(
    capsys: pytest.CaptureFixture[str], no_formocr_env: Path
) -> None:
    settings = load_settings()
    with Store.from_settings(settings, migrate=True) as store:
        town = store.for_tenant("town-a")
        town.ensure_tenant()
        for n in range(3):
            town.register_source(f"{n:064x}", f"s{n}.pdf", 10)
        town.claim_next("host:1:abcd", 60)
        store.for_tenant("town-b").ensure_tenant()
    assert main(["status", "--json"]) == 0
    idle = json.loads(capsys.readouterr().out)
    assert idle == {
        "task_backend": "local",
        "tenants": {
            "town-a": {"queued": 2, "running": 1, "done": 0, "failed": 0},
            "town-b": {"queued": 0, "running": 0, "done": 0, "failed": 0},
        },
        "leader": None,
        "errors": {},
    }
    with only_watcher(settings.archive_path):
        assert main(["status", "--json"]) == 0
    leader = json.loads(capsys.readouterr().out)["leader"]
    assert leader["pid"] == os.getpid()
    assert main(["status"]) == 0
    table = capsys.readouterr().out
    assert "town-a\t2\t1\t0\t0" in table
    assert "intake leader: none" in table


def test_status_of_a_store_that_cannot_be_opened_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["status", "--json"]) == ExitCode.STORE_UNAVAILABLE
    status = json.loads(capsys.readouterr().out)
    assert "formocr db upgrade" in status["errors"]["store"]


def test_config_shows_the_backend_and_hides_the_brokers_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMOCR_TASK_BACKEND", "celery")
    monkeypatch.setenv("FORMOCR_BROKER_URL", "redis://:s3cret-pass@broker:6379/2")
    assert main(["config", "--json"]) == 0
    out = capsys.readouterr().out
    shown = json.loads(out)["settings"]
    assert shown["task_backend"]["value"] == "celery"
    assert shown["broker_url"]["value"] == "redis://:***@broker:6379/2"
    assert "s3cret-pass" not in out


def test_an_unknown_task_backend_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMOCR_TASK_BACKEND", "rabbit")
    assert main(["config"]) == ExitCode.CONFIG_INVALID
    assert "task_backend" in capsys.readouterr().err


def test_status_with_the_broker_unreachable_names_it_and_asks_no_worker(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("FORMOCR_TASK_BACKEND", "celery")
    monkeypatch.setenv("FORMOCR_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    with Store.from_settings(load_settings(), migrate=True) as store:
        store.for_tenant("town-a").ensure_tenant()
    main(["status", "--json"])
    status = json.loads(capsys.readouterr().out)
    assert status["tenants"]["town-a"]["queued"] == 0  # the store's part is still shown
    assert status["errors"]["broker"]
    assert status["errors"]["workers"] == "the broker cannot be reached"
    assert "workers" not in status
