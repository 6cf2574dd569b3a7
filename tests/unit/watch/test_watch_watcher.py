"""The watcher's loop in this process (``workers=0``) with the fake processor: everything in the
inbox ends up read, archived or quarantined, once; files still being written wait; a restart
resumes work left by a dead worker at once."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline.settings import Settings
from ocr_pipeline.store import SourceState, Store, WorkState
from ocr_pipeline.watch import Outcome, Watcher, WatchOptions, WatchPaths
from ocr_pipeline.watch.identity import hostname
from tests.unit.watch.watch_fakes import FAST, FakeProcessor, scan_bytes

Run = Callable[..., Any]


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir())


def test_once_reads_archives_and_quarantines_everything(
    run_once: Run, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    drop("a.pdf", ("ok", "blank", "ok"))
    drop("b.pdf", ("unclassified",))
    drop("copy-of-a.pdf", ("ok", "blank", "ok"), nonce="a.pdf")
    drop("broken.pdf", unreadable="the PDF is damaged and poppler cannot read it")
    drop("w.pdf", ("ok",), form="water_service")
    drop("x.pdf", ("ok",), form="no_such_form")
    drop(".~lock.a.pdf#")
    drop("c.pdf.part")

    summary, processor = run_once()

    by_name = {f.name: f for f in summary.files}
    assert set(by_name) == {
        "a.pdf", "b.pdf", "copy-of-a.pdf", "broken.pdf", "water_service/w.pdf",
        "no_such_form/x.pdf",
    }  # fmt: skip
    assert (by_name["a.pdf"].outcome, by_name["a.pdf"].documents) == (Outcome.DOCUMENTS, 2)
    assert by_name["a.pdf"].pages == {"ok": 2, "blank": 1}
    assert (by_name["b.pdf"].outcome, by_name["b.pdf"].documents) == (Outcome.DOCUMENTS, 0)
    assert by_name["copy-of-a.pdf"].outcome is Outcome.DUPLICATE
    assert by_name["copy-of-a.pdf"].duplicate_of == by_name["a.pdf"].source_id
    assert by_name["broken.pdf"].outcome is Outcome.QUARANTINED
    assert by_name["no_such_form/x.pdf"].code == "unknown_form_folder"
    assert ("w.pdf", "water_service") in processor.calls
    assert [c for c in processor.calls if c[0] == "a.pdf"] == [("a.pdf", None)]

    # The inbox keeps only what is never taken.
    assert _files(paths.inbox / "town-a") == [".~lock.a.pdf#", "c.pdf.part"]
    assert _files(paths.quarantine / "town-a") == [
        "broken.pdf", "broken.pdf.error.json", "x.pdf", "x.pdf.error.json",
    ]  # fmt: skip
    town = store.for_tenant("town-a")
    assert len(town.list_sources()) == 4  # a, b, broken, w: x was refused before recording
    assert town.counts().documents == {"review": 3}
    assert town.list_work(WorkState.QUEUED) == [] and town.list_work(WorkState.RUNNING) == []


def test_the_quarantine_note_says_what_happened_in_japanese(
    run_once: Run, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    drop("broken.pdf", unreadable="the PDF is damaged and poppler cannot read it")
    run_once()
    note = json.loads((paths.quarantine / "town-a" / "broken.pdf.error.json").read_text("utf-8"))
    assert note["file"] == "broken.pdf" and note["code"] == "unreadable"
    assert note["reason"] == "ファイルが壊れているか、途中までしか保存されていません。"
    assert "damaged" in note["detail"] and note["what_to_do"]
    (source,) = store.for_tenant("town-a").list_sources()
    assert note["sha256"] == source.sha256 and note["source_file_id"] == source.id
    assert source.state is SourceState.QUARANTINED
    assert source.stored_path == str(paths.quarantine / "town-a" / "broken.pdf")


def test_a_second_run_over_the_same_files_makes_no_new_documents(
    run_once: Run, drop: Callable[..., Path], store: Store
) -> None:
    drop("a.pdf", ("ok", "ok"))
    run_once()
    drop("a.pdf", ("ok", "ok"))
    summary, processor = run_once()
    assert [f.outcome for f in summary.files] == [Outcome.DUPLICATE]
    assert processor.calls == []
    assert store.for_tenant("town-a").counts().documents == {"review": 2}


def test_a_file_being_written_waits_until_it_stops_changing(
    wsettings: Settings, paths: WatchPaths, store: Store
) -> None:
    processor = FakeProcessor()
    opts = WatchOptions(**{**FAST, "workers": 0, "settle": 0.6})
    watcher = Watcher(wsettings, opts, processor_factory=lambda _s: processor)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start()
    try:
        assert watcher.ready.wait(10)
        target = paths.inbox / "town-a" / "slow.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        data = scan_bytes(("ok", "ok", "ok"), "slow", padding="x" * 200)
        with open(target, "wb") as out:
            for i in range(0, len(data), 16):  # a slow writer: 1.6 s, longer than the settle
                out.write(data[i : i + 16])
                out.flush()
                time.sleep(0.1)
                assert store.tenants() == [] or store.for_tenant("town-a").list_sources() == []
        assert watcher.wait_idle(20)
    finally:
        stop.set()
        thread.join(30)
    (source,) = store.for_tenant("town-a").list_sources()
    assert source.size == len(data) and source.state is SourceState.DONE
    assert processor.calls == [("slow.pdf", None)]


def test_wait_idle_sees_a_file_dropped_just_before(
    wsettings: Settings, paths: WatchPaths, drop: Callable[..., Path], store: Store
) -> None:
    opts = WatchOptions(**{**FAST, "workers": 0, "rescan": 3600.0})
    watcher = Watcher(wsettings, opts, processor_factory=lambda _s: FakeProcessor())
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start()
    try:
        assert watcher.ready.wait(10) and watcher.wait_idle(10)
        drop("late.pdf")
        assert watcher.wait_idle(10)
        assert store.for_tenant("town-a").counts().documents == {"review": 1}
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()


def test_a_restart_resumes_the_item_of_a_dead_worker_at_once(
    run_once: Run, drop: Callable[..., Path], store: Store, paths: WatchPaths
) -> None:
    drop("a.pdf", ("ok",))
    summary, _ = run_once(workers=0, once=True, lease=3600.0)
    # Now make a second file look as if a worker of this machine died holding it.
    drop("b.pdf", ("ok",))
    town = store.for_tenant("town-a")
    from ocr_pipeline.watch.intake import Intake
    from ocr_pipeline.watch.layout import scan_tenant

    (entry,) = scan_tenant(paths.inbox / "town-a", "town-a", ["water_service"])
    assert Intake(store, paths, ["water_service"], lambda o: None).take(entry) is None
    dead = f"{hostname()}:{_dead_pid()}:deadbeef"
    item = town.claim_next(dead, lease_seconds=3600)
    assert item is not None and item.state is WorkState.RUNNING

    summary, processor = run_once(lease=3600.0)
    assert processor.calls == [("b.pdf", None)]
    assert [f.outcome for f in summary.files] == [Outcome.DOCUMENTS]
    assert town.counts().documents == {"review": 2}


def _dead_pid() -> int:
    """A process id that no process has (a child that has exited and been reaped)."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


@pytest.mark.parametrize("name", ["Town A", "町", "UPPER", ".hidden"])
def test_a_folder_that_is_not_a_tenant_is_left_alone(
    run_once: Run, paths: WatchPaths, name: str, store: Store
) -> None:
    folder = paths.inbox / name
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(scan_bytes())
    (paths.inbox / "README.txt").write_text("drop scans into your municipality's folder")
    summary, processor = run_once()
    assert summary.files == [] and processor.calls == []
    assert (folder / "scan.pdf").is_file() and (paths.inbox / "README.txt").is_file()
    assert store.tenants() == []


def test_odd_entries_are_handled_and_never_stop_the_watcher(
    run_once: Run, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    t = paths.inbox / "town-a"
    drop("real.pdf", ("ok",))
    (t / "link.pdf").symlink_to(t / "real.pdf")
    os.mkfifo(t / "pipe.pdf")
    (t / "water_service" / "job-0001").mkdir(parents=True)
    (t / "water_service" / "job-0001" / "p1.pdf").write_bytes(scan_bytes(("ok",), "nested"))
    (t / "empty.pdf").write_bytes(b"")
    with open(os.fsencode(t) + b"/\x90\x5c\x90\xbf.pdf", "wb") as f:  # Shift_JIS name
        f.write(scan_bytes(("ok",), "sjis"))

    summary, _ = run_once()

    outcomes = {f.name: (f.outcome, f.code) for f in summary.files}
    sjis = "申請.pdf"  # shown in Japanese
    assert outcomes == {
        "real.pdf": (Outcome.DOCUMENTS, None),
        "link.pdf": (Outcome.QUARANTINED, "symlink"),
        "pipe.pdf": (Outcome.QUARANTINED, "not_regular"),
        "water_service/job-0001": (Outcome.QUARANTINED, "nested_folder"),
        "empty.pdf": (Outcome.QUARANTINED, "unreadable"),
        sjis: (Outcome.DOCUMENTS, None),
    }
    q = paths.quarantine / "town-a"
    assert (q / "link.pdf").is_symlink() and (q / "job-0001" / "p1.pdf").is_file()
    assert (q / "pipe.pdf").exists() and (q / "pipe.pdf.error.json").is_file()
    assert sorted(p.name for p in t.rglob("*")) == ["water_service"]
    names = {s.name for s in store.for_tenant("town-a").list_sources()}
    assert names == {"real.pdf", "empty.pdf", sjis}
