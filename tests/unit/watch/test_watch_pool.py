"""Spawned worker processes (with the fake processor, imported by name in each process): files
shared out without duplicates, a worker that dies replaced and its file handed back, a file that
kills its workers every time quarantined, and a graceful stop that hands the current file back."""

from __future__ import annotations

import contextlib
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from form_schemas.registry import FormRegistry
from ocr_pipeline.settings import Settings
from ocr_pipeline.store import SourceState, Store, WorkState
from ocr_pipeline.watch import Outcome, RunSummary, Watcher, WatchOptions, WatchPaths
from tests.unit.watch.watch_fakes import FAST, fake_factory

TIMEOUT = 120.0


def _watch(settings: Settings, **options: Any) -> Watcher:
    opts = WatchOptions(**{**FAST, "workers": 2, "once": True, **options})
    return Watcher(settings, opts, processor_factory=fake_factory)


def _run(watcher: Watcher) -> RunSummary:
    """Run (with ``once``) in a thread, failing instead of hanging."""
    done: list[RunSummary] = []
    thread = threading.Thread(target=lambda: done.append(watcher.run()), daemon=True)
    thread.start()
    thread.join(TIMEOUT)
    assert done, "the watcher did not finish"
    return done[0]


@contextlib.contextmanager
def _watching(watcher: Watcher) -> Iterator[None]:
    """The watcher running (not ``once``) in a thread while the block runs, idle at first."""
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert watcher.wait_idle(TIMEOUT)
        yield
    finally:
        stop.set()
        thread.join(TIMEOUT)


def test_two_workers_share_the_files_without_duplicates(
    wsettings: Settings, drop: Callable[..., Path], store: Store
) -> None:
    for n in range(6):
        drop(f"{n}.pdf", ("ok", "blank", "ok"), sleep=0.05)
    summary = _run(_watch(wsettings))
    assert sorted(f.name for f in summary.files) == [f"{n}.pdf" for n in range(6)]
    assert summary.documents == 12
    town = store.for_tenant("town-a")
    assert town.counts().documents == {"review": 12}
    assert {(w.state, w.attempts) for w in town.list_work()} == {(WorkState.DONE, 1)}


def test_a_dead_worker_is_replaced_and_its_file_read_again(
    wsettings: Settings, drop: Callable[..., Path], store: Store, tmp_path: Path
) -> None:
    marker = tmp_path / "died-once"
    drop("a.pdf", ("ok",), die=str(marker))
    summary = _run(_watch(wsettings, workers=1))
    assert marker.exists()
    assert [(f.name, f.outcome) for f in summary.files] == [("a.pdf", Outcome.DOCUMENTS)]
    (item,) = store.for_tenant("town-a").list_work()
    assert item.attempts == 2 and item.state is WorkState.DONE
    assert item.last_error == {"code": "worker_died", "crashes": 1}


def test_a_file_that_kills_every_worker_is_quarantined(
    wsettings: Settings, drop: Callable[..., Path], store: Store, paths: WatchPaths
) -> None:
    drop("poison.pdf", ("ok",), die="always")
    drop("fine.pdf", ("ok",))
    summary = _run(_watch(wsettings, workers=1, max_crashes=2))
    outcomes = {f.name: f for f in summary.files}
    assert outcomes["fine.pdf"].outcome is Outcome.DOCUMENTS
    assert (outcomes["poison.pdf"].outcome, outcomes["poison.pdf"].code) == (
        Outcome.QUARANTINED, "crashed",
    )  # fmt: skip
    assert (paths.quarantine / "town-a" / "poison.pdf.error.json").is_file()


def test_stopping_hands_the_current_file_back(
    wsettings: Settings, drop: Callable[..., Path], store: Store
) -> None:
    drop("slow.pdf", ("ok",) * 50, sleep=0.2)
    watcher = _watch(wsettings, workers=1, once=False, lease=600.0)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    town = store.for_tenant("town-a")
    for _ in range(600):
        if store.tenants() and town.list_work(WorkState.RUNNING):
            break
        stop.wait(0.1)
    else:
        raise AssertionError("the file was never claimed")
    stop.set()
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    (item,) = town.list_work()
    assert item.state is WorkState.QUEUED and item.worker_id is None
    assert item.last_error == {"code": "handed_back", "crashes": 0}
    (source,) = town.list_sources()
    assert source.state is SourceState.QUEUED and town.source_pages(source.id) == []


def test_a_form_saved_while_watching_is_taken_and_the_workers_restart(
    wsettings: Settings,
    drop: Callable[..., Path],
    store: Store,
    paths: WatchPaths,
    caplog: Any,
) -> None:
    """帳票作成 saves a form into <data_dir>/forms while the watcher runs: files in the new
    form's folder are taken (not refused as an unknown form folder) and the workers start
    again, so that they read with the new form."""
    caplog.set_level(logging.INFO, logger="ocr_pipeline.watch")
    watcher = _watch(wsettings, once=False, workers=1)
    with _watching(watcher):
        # As save_form does: written in a hidden folder, then renamed into place.
        work = wsettings.drawn_forms_path / ".kaigo-tmp"
        shutil.copytree(FormRegistry.from_dirs().get("water_service").folder, work)
        yaml = (work / "form.yaml").read_text("utf-8")
        (work / "form.yaml").write_text(yaml.replace("id: water_service", "id: kaigo"), "utf-8")
        work.rename(wsettings.drawn_forms_path / "kaigo")
        deadline = time.monotonic() + TIMEOUT
        while "restarting the workers" not in caplog.text:
            assert time.monotonic() < deadline, "the watcher did not notice the new form"
            time.sleep(0.1)
        drop("k.pdf", ("ok",), form="kaigo")
        town = store.for_tenant("town-a")
        while not [s for s in town.list_sources() if s.state is SourceState.DONE]:
            assert time.monotonic() < deadline, town.list_sources()
            time.sleep(0.1)
    (source,) = town.list_sources()
    assert source.name == "kaigo/k.pdf" and source.state is SourceState.DONE
    assert "stopped to load the changed forms" in caplog.text
    assert "died" not in caplog.text
    assert [w.state for w in town.list_work()] == [WorkState.DONE]
    assert not any(paths.quarantine.rglob("*.error.json"))


def test_wait_idle_waits_until_a_file_dropped_just_before_is_read(
    wsettings: Settings, drop: Callable[..., Path], store: Store
) -> None:
    """The queue count must not be one from before the file was queued (it was, and
    ``wait_idle`` and ``--once`` could end with the file still in the queue)."""
    watcher = _watch(wsettings, once=False, workers=1)
    with _watching(watcher):
        for n in range(3):
            drop(f"{n}.pdf", ("ok",))
            assert watcher.wait_idle(TIMEOUT)
            states = [s.state for s in store.for_tenant("town-a").list_sources()]
            assert states == [SourceState.DONE] * (n + 1)
