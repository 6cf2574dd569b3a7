"""Fixtures of the watcher's unit tests: settings with every folder in ``tmp_path``, a migrated
SQLite store, and a way to run the watcher once in this process with the fake processor
(``watch_fakes``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline.settings import Settings, load_settings
from ocr_pipeline.store import Store
from ocr_pipeline.watch import RunSummary, Watcher, WatchOptions, WatchPaths
from tests.unit.watch.watch_fakes import FAST, FakeProcessor, scan_bytes

RUN_TIMEOUT = 60.0


@pytest.fixture
def wsettings(settings: Settings) -> Settings:
    """Default settings (isolated from the environment) with data_dir in ``tmp_path``."""
    return load_settings(data_dir=settings.data_dir / "data")


@pytest.fixture
def paths(wsettings: Settings) -> WatchPaths:
    p = WatchPaths.from_settings(wsettings)
    p.create()
    return p


@pytest.fixture
def store(wsettings: Settings) -> Iterator[Store]:
    s = Store.from_settings(wsettings, migrate=True)
    yield s
    s.close()


@pytest.fixture
def drop(paths: WatchPaths) -> Callable[..., Path]:
    """``drop(name, pages=("ok",), tenant="town-a", form=None, nonce=None, **spec)``: write a
    fake scan into the inbox; its bytes differ by ``nonce`` (default: the name)."""

    def make(
        name: str,
        pages: tuple[str, ...] = ("ok",),
        tenant: str = "town-a",
        form: str | None = None,
        nonce: str | None = None,
        **spec: Any,
    ) -> Path:
        folder = paths.inbox / tenant / form if form else paths.inbox / tenant
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(scan_bytes(pages, name if nonce is None else nonce, **spec))
        return path

    return make


@pytest.fixture
def run_once(wsettings: Settings, store: Store) -> Callable[..., tuple[RunSummary, FakeProcessor]]:
    """``run_once(**options)``: the watcher with ``once`` in this process (``workers=0``) and
    a fresh fake processor; its summary and the processor."""

    def run(**options: Any) -> tuple[RunSummary, FakeProcessor]:
        processor = FakeProcessor()
        opts = WatchOptions(**{"workers": 0, "once": True, **FAST, **options})
        watcher = Watcher(wsettings, opts, processor_factory=lambda _s: processor)
        stop = threading.Event()
        errors: list[BaseException] = []

        def target() -> None:
            try:
                watcher.run(stop)
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        thread.join(RUN_TIMEOUT)
        if thread.is_alive():
            stop.set()
            thread.join(RUN_TIMEOUT)
            pytest.fail(f"the watcher was not done within {RUN_TIMEOUT} s")
        if errors:
            raise errors[0]
        return watcher.summary, processor

    return run
