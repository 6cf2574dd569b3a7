"""``formocr watch`` and ``formocr demo`` create a new store and upgrade an older one on
start-up, as ``formocr ui`` does; the demo's closing lines say what happens to more scans."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import ClassVar

import pytest
from alembic.script import ScriptDirectory

from ocr_pipeline.cli import main
from ocr_pipeline.cli.cmd_demo import TENANT, _prepare, _report
from ocr_pipeline.settings import Settings, load_settings
from ocr_pipeline.store import Store, database_url, upgrade
from ocr_pipeline.store.db import alembic_config, current_revision, head_revision, make_engine
from ocr_pipeline.watch import RunSummary, WatchOptions, WatchPaths

pytestmark = pytest.mark.usefixtures("no_formocr_env")


class StoreOpeningWatcher:
    """Stands in for :class:`~ocr_pipeline.watch.Watcher` (no worker processes, no OCR): its
    run opens the store as the real one does, which refuses a store not at head."""

    opened: ClassVar[list[str]] = []

    def __init__(self, settings: Settings, options: WatchOptions, report: object) -> None:
        self.settings = settings
        self.paths = WatchPaths.from_settings(settings)
        self.ready = threading.Event()

    def run(self, stop: threading.Event) -> RunSummary:
        with Store.from_settings(self.settings) as store:
            self.opened.append(store.url)
        return RunSummary()


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


@pytest.fixture
def fake_watcher(monkeypatch: pytest.MonkeyPatch) -> type[StoreOpeningWatcher]:
    monkeypatch.setattr("ocr_pipeline.cli.cmd_watch.Watcher", StoreOpeningWatcher)
    StoreOpeningWatcher.opened = []
    return StoreOpeningWatcher


def test_watch_creates_the_store_of_a_new_data_folder(
    fake_watcher: type[StoreOpeningWatcher], no_formocr_env: Path
) -> None:
    assert not (no_formocr_env / "data").exists()
    assert main(["-q", "watch", "--once"]) == 0
    url = database_url(load_settings())
    assert fake_watcher.opened == [url]
    assert _revision(url) == head_revision()


def test_watch_upgrades_an_older_store(fake_watcher: type[StoreOpeningWatcher]) -> None:
    url = database_url(load_settings())
    scripts = ScriptDirectory.from_config(alembic_config(url))
    oldest = next(r.revision for r in scripts.walk_revisions() if r.down_revision is None)
    assert oldest != head_revision()
    upgrade(url, oldest)
    assert main(["-q", "watch", "--once"]) == 0
    assert _revision(url) == head_revision()


def test_demo_prepares_a_new_store() -> None:
    settings = load_settings()
    url = _prepare(settings)
    assert _revision(url) == head_revision()
    with Store.from_settings(settings) as store:
        assert TENANT in store.tenants()


@pytest.mark.parametrize("watching", [True, False])
def test_demo_closing_lines_agree_with_what_it_does(watching: bool) -> None:
    settings = load_settings()
    url = _prepare(settings)
    with Store.from_settings(settings) as store:
        text = _report(
            store.for_tenant(TENANT), settings, url, WatchPaths.from_settings(settings), watching
        )
    last = text.splitlines()[-1]
    if watching:
        assert "read while this demo runs" in last and "formocr watch" not in text
    else:
        assert "run `formocr watch`" in last and "while this demo runs" not in text
