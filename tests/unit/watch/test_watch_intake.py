"""Taking files: recorded before anything else, archived, queued once; duplicates; and every
point a crash can leave a take at, resumed without loss or a second record."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from ocr_pipeline.store import Action, SourceState, Store, WorkState
from ocr_pipeline.watch import FileOutcome, Outcome, WatchPaths
from ocr_pipeline.watch.intake import Intake
from ocr_pipeline.watch.layout import InboxEntry, scan_tenant
from ocr_pipeline.watch.quarantine import note_path
from ocr_pipeline.watch.recover import finish_received

FORMS = ["water_service"]


@pytest.fixture
def intake(store: Store, paths: WatchPaths) -> Intake:
    return Intake(store, paths, FORMS, lambda o: None)


def _entry(paths: WatchPaths, name: str, tenant: str = "town-a") -> InboxEntry:
    (entry,) = [e for e in scan_tenant(paths.inbox / tenant, tenant, FORMS) if e.name == name]
    return entry


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_file_is_recorded_archived_and_queued(
    intake: Intake, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    path = drop("a.pdf")
    sha = _sha(path)
    assert intake.take(_entry(paths, "a.pdf")) is None
    assert not path.exists()
    archived = paths.archive / "town-a" / sha[:2] / sha / "a.pdf"
    (source,) = store.for_tenant("town-a").list_sources()
    assert (source.sha256, source.name, source.state) == (sha, "a.pdf", SourceState.QUEUED)
    assert source.stored_path == str(archived) and _sha(archived) == sha
    assert [w.state for w in store.for_tenant("town-a").list_work()] == [WorkState.QUEUED]


def test_the_same_bytes_again_are_a_duplicate(
    intake: Intake, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    drop("a.pdf")
    intake.take(_entry(paths, "a.pdf"))
    drop("again.pdf", nonce="a.pdf")
    outcome = intake.take(_entry(paths, "again.pdf"))
    assert isinstance(outcome, FileOutcome) and outcome.outcome is Outcome.DUPLICATE
    town = store.for_tenant("town-a")
    (source,) = town.list_sources()
    assert outcome.duplicate_of == source.id and len(town.list_work()) == 1
    assert outcome.path and Path(outcome.path).parent.name == "duplicates"
    assert Path(outcome.path).read_bytes() == Path(str(source.stored_path)).read_bytes()
    assert [e.action for e in town.source_history(source.id)].count(Action.DUPLICATE) == 1
    assert list((paths.inbox / "town-a").iterdir()) == []


def test_a_take_stopped_after_recording_resumes_without_a_duplicate(
    intake: Intake, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    path = drop("a.pdf")
    town = store.for_tenant("town-a")
    town.ensure_tenant()
    town.register_source(_sha(path), "a.pdf", path.stat().st_size, enqueue=False)  # then: crash
    assert intake.take(_entry(paths, "a.pdf")) is None
    (source,) = town.list_sources()
    assert source.state is SourceState.QUEUED and len(town.list_work()) == 1
    assert Action.DUPLICATE not in [e.action for e in town.source_history(source.id)]


def test_a_take_stopped_after_moving_is_finished_by_recovery(
    drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    path = drop("a.pdf")
    sha = _sha(path)
    town = store.for_tenant("town-a")
    town.ensure_tenant()
    town.register_source(sha, "a.pdf", path.stat().st_size, enqueue=False)
    archived = paths.archive_file("town-a", sha, "a.pdf")
    archived.parent.mkdir(parents=True)
    path.rename(archived)  # then: crash, before archive() and enqueue()
    assert finish_received(store, paths, lambda o: None) == 1
    (source,) = town.list_sources()
    assert source.state is SourceState.QUEUED and source.stored_path == str(archived)


def test_a_take_stopped_after_moving_while_a_copy_is_back_in_the_inbox(
    intake: Intake, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    path = drop("a.pdf")
    sha = _sha(path)
    town = store.for_tenant("town-a")
    town.ensure_tenant()
    town.register_source(sha, "a.pdf", path.stat().st_size, enqueue=False)
    archived = paths.archive_file("town-a", sha, "a.pdf")
    archived.parent.mkdir(parents=True)
    archived.write_bytes(path.read_bytes())  # a cross-device copy finished; src not yet removed
    assert intake.take(_entry(paths, "a.pdf")) is None
    assert not path.exists() and archived.is_file()
    (source,) = town.list_sources()
    assert source.state is SourceState.QUEUED


def test_a_recorded_file_that_vanished_is_accounted_for(
    drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    path = drop("a.pdf")
    town = store.for_tenant("town-a")
    town.ensure_tenant()
    town.register_source(_sha(path), "a.pdf", path.stat().st_size, enqueue=False)
    path.unlink()  # a clerk deleted it before the watcher moved it
    outcomes: list[FileOutcome] = []
    assert finish_received(store, paths, outcomes.append) == 0
    assert [o.outcome for o in outcomes] == [Outcome.VANISHED]
    (source,) = town.list_sources()
    assert source.state is SourceState.QUARANTINED and source.error
    assert source.error["code"] == "vanished"


def test_a_recorded_file_still_in_the_inbox_is_left_to_the_scan(
    drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    path = drop("a.pdf", form="water_service")
    town = store.for_tenant("town-a")
    town.ensure_tenant()
    town.register_source(_sha(path), "water_service/a.pdf", 1, enqueue=False)
    assert finish_received(store, paths, lambda o: None) == 0
    assert town.list_sources()[0].state is SourceState.RECEIVED and path.exists()


def test_a_refused_entry_is_quarantined_without_a_record(
    intake: Intake, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    target = drop("real.pdf", tenant="other")
    (paths.inbox / "town-a").mkdir(parents=True)
    (paths.inbox / "town-a" / "link.pdf").symlink_to(target)
    outcome = intake.take(_entry(paths, "link.pdf"))
    assert outcome is not None and outcome.outcome is Outcome.QUARANTINED
    assert outcome.code == "symlink" and outcome.source_id is None
    moved = paths.quarantine / "town-a" / "link.pdf"
    assert moved.is_symlink() and note_path(moved).is_file() and target.is_file()
    assert store.for_tenant("town-a").list_sources() == []


def test_the_same_bytes_as_a_quarantined_file_are_quarantined_too(
    intake: Intake, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    drop("bad.pdf")
    intake.take(_entry(paths, "bad.pdf"))
    town = store.for_tenant("town-a")
    (source,) = town.list_sources()
    town.quarantine(source.id, {"code": "unreadable", "detail": "damaged"}, None)
    drop("bad-again.pdf", nonce="bad.pdf")
    outcome = intake.take(_entry(paths, "bad-again.pdf"))
    assert outcome is not None and outcome.outcome is Outcome.QUARANTINED
    assert outcome.code == "duplicate_of_quarantined" and outcome.duplicate_of == source.id
    assert (paths.quarantine / "town-a" / "bad-again.pdf").is_file()
    assert len(town.list_sources()) == 1


def test_a_file_gone_before_it_is_taken_is_no_error(
    intake: Intake, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    path = drop("a.pdf")
    entry = _entry(paths, "a.pdf")
    path.unlink()
    assert intake.take(entry) is None
    assert store.for_tenant("town-a").list_sources() == []


def test_the_same_bytes_as_a_file_lost_before_reading_are_read(
    intake: Intake, drop: Callable[..., Path], paths: WatchPaths, store: Store
) -> None:
    path = drop("a.pdf")
    town = store.for_tenant("town-a")
    town.ensure_tenant()
    town.register_source(_sha(path), "a.pdf", path.stat().st_size, enqueue=False)
    data = path.read_bytes()
    path.unlink()
    finish_received(store, paths, lambda o: None)  # vanished
    drop("a-again.pdf", nonce="a.pdf")
    assert _sha(paths.inbox / "town-a" / "a-again.pdf") == hashlib.sha256(data).hexdigest()
    assert intake.take(_entry(paths, "a-again.pdf")) is None
    (source,) = town.list_sources()
    assert source.state is SourceState.QUEUED and source.error is None
    assert source.stored_path and Path(source.stored_path).read_bytes() == data
    assert [w.state for w in town.list_work()] == [WorkState.QUEUED]
