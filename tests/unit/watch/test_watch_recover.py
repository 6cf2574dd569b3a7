"""Start-up repairs: notes whose quarantine never finished are removed (and only those), one
watcher per set of folders, and the worker processes share the cores."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline.settings import Settings, load_settings
from ocr_pipeline.store import SourceState, Store, TenantStore
from ocr_pipeline.watch import Outcome, RunSummary, WatchFatalError, WatchPaths
from ocr_pipeline.watch.codes import QuarantineCode
from ocr_pipeline.watch.intake import Intake
from ocr_pipeline.watch.layout import scan_tenant
from ocr_pipeline.watch.quarantine import QuarantineNote, note_path, reserve
from ocr_pipeline.watch.recover import remove_stray_notes
from ocr_pipeline.watch.single import only_watcher
from ocr_pipeline.watch.watcher import worker_settings
from tests.unit.watch.watch_fakes import FakeProcessor

FORMS = ["water_service"]
RunOnce = Callable[..., tuple[RunSummary, FakeProcessor]]


def _town(store: Store) -> TenantStore:
    return store.for_tenant("town-a")


def _queued(store: Store, paths: WatchPaths) -> int:
    intake = Intake(store, paths, FORMS, lambda o: None)
    for entry in scan_tenant(paths.inbox / "town-a", "town-a", FORMS):
        intake.take(entry)
    (source,) = _town(store).list_sources()
    return source.id


def _note(name: str, **kw: Any) -> QuarantineNote:
    return QuarantineNote.make(
        file=name, tenant="town-a", code=QuarantineCode.UNREADABLE, detail="x", **kw
    )


def test_a_note_of_a_worker_killed_before_recording_the_quarantine_goes(
    store: Store, paths: WatchPaths, drop: Callable[..., Path], run_once: RunOnce
) -> None:
    drop("bad.pdf", unreadable="the PDF is password-protected", refusal="password_protected")
    sid = _queued(store, paths)
    # What a kill -9 between writing the note and recording the quarantine leaves behind:
    source = _town(store).get_source(sid)
    stray = reserve(
        paths.quarantine_folder("town-a"),
        "bad.pdf",
        _note("bad.pdf", sha256=source.sha256, source_file_id=sid),
    )
    assert note_path(stray).is_file() and not stray.exists()
    summary, _ = run_once()
    (outcome,) = summary.files
    assert outcome.outcome is Outcome.QUARANTINED
    # The file takes its own name, not "bad (2).pdf", and no note is left without its file.
    assert outcome.path == str(paths.quarantine / "town-a" / "bad.pdf")
    assert sorted(p.name for p in (paths.quarantine / "town-a").iterdir()) == [
        "bad.pdf", "bad.pdf.error.json",
    ]  # fmt: skip
    note = json.loads(note_path(Path(outcome.path)).read_text("utf-8"))
    assert note == _town(store).get_source(sid).error


def test_a_note_of_an_intake_stopped_before_moving_the_file_goes(
    store: Store, paths: WatchPaths, drop: Callable[..., Path], run_once: RunOnce
) -> None:
    link = paths.inbox / "town-a" / "link.pdf"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to("/etc/hostname")
    reserve(paths.quarantine_folder("town-a"), "link.pdf", _note("link.pdf"))
    summary, _ = run_once()
    assert [o.code for o in summary.files] == ["symlink"]
    assert sorted(p.name for p in (paths.quarantine / "town-a").iterdir()) == [
        "link.pdf", "link.pdf.error.json",
    ]  # fmt: skip


def test_notes_the_store_records_or_whose_file_is_there_stay(
    store: Store, paths: WatchPaths, drop: Callable[..., Path]
) -> None:
    drop("lost.pdf", ("ok",))
    sid = _queued(store, paths)
    town = _town(store)
    folder = paths.quarantine_folder("town-a")
    # A file lost before it could be moved: the store records this very note, no file.
    recorded = _note("lost.pdf", sha256=town.get_source(sid).sha256, source_file_id=sid)
    alone = reserve(folder, "lost.pdf", recorded)
    town.quarantine(sid, recorded.to_dict(), None)
    # A refused file the clerk took away: the note stays as the record of what happened.
    taken = reserve(folder, "gone.pdf", _note("gone.pdf"))
    # A note with its file beside it.
    kept = reserve(folder, "kept.pdf", _note("kept.pdf"))
    kept.write_bytes(b"x")
    # The same name dropped again with other bytes is another file: the old note stays.
    other = reserve(folder, "scan.pdf", _note("scan.pdf", sha256="0" * 64))
    (paths.inbox / "town-a" / "scan.pdf").write_bytes(b"new scan")
    assert remove_stray_notes(store, paths) == []
    for target in (alone, taken, kept, other):
        assert note_path(target).is_file()


def test_a_note_left_by_quarantining_again_under_another_name_goes(
    store: Store, paths: WatchPaths, drop: Callable[..., Path]
) -> None:
    drop("a.pdf", ("ok",))
    sid = _queued(store, paths)
    town = _town(store)
    folder = paths.quarantine_folder("town-a")
    first = reserve(folder, "a.pdf", _note("a.pdf", source_file_id=sid))
    second_note = _note("a.pdf", source_file_id=sid, sha256=town.get_source(sid).sha256)
    second = reserve(folder, "a.pdf", second_note)
    town.quarantine(sid, second_note.to_dict(), str(second))
    second.write_bytes(b"x")
    assert remove_stray_notes(store, paths) == [note_path(first)]
    assert town.get_source(sid).state is SourceState.QUARANTINED


def test_a_quarantined_file_that_fails_again_keeps_one_note(
    store: Store, paths: WatchPaths, drop: Callable[..., Path], run_once: RunOnce
) -> None:
    drop("bad.pdf", unreadable="the PDF is damaged")
    run_once()
    sid = _town(store).list_sources()[0].id
    _town(store).requeue(sid, actor="admin")
    summary, _ = run_once()
    (outcome,) = summary.files
    assert outcome.outcome is Outcome.QUARANTINED
    names = sorted(p.name for p in (paths.quarantine / "town-a").iterdir())
    assert names == ["bad (2).pdf", "bad (2).pdf.error.json"]


def test_a_second_watcher_on_the_same_folders_stops_at_once(paths: WatchPaths) -> None:
    with only_watcher(paths.archive):
        with pytest.raises(WatchFatalError) as caught, only_watcher(paths.archive):
            pass
        assert f"process {os.getpid()}" in str(caught.value)
        assert "FORMOCR_DATA_DIR" in caught.value.remedy
    with only_watcher(paths.archive):  # let go when the first one ended
        pass


def test_worker_processes_share_the_cores_unless_threads_is_set(settings: Settings) -> None:
    cores = len(os.sched_getaffinity(0))
    shared = load_settings(data_dir=settings.data_dir)
    assert worker_settings(shared, 2).threads == max(1, cores // 2)
    assert worker_settings(shared, 1).threads == cores
    assert worker_settings(shared, 64).threads == 1
    chosen = load_settings(data_dir=settings.data_dir, threads=3)
    assert worker_settings(chosen, 2).threads == 3
