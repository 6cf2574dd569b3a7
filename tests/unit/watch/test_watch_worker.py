"""One worker with the fake processor: every claimed item ends saved, quarantined or handed
back, and nothing is saved twice whatever happened to the worker before."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline.store import SourceState, Store, StoreUnavailableError, TenantStore, WorkState
from ocr_pipeline.watch import FileOutcome, Outcome, WatchPaths
from ocr_pipeline.watch.intake import Intake
from ocr_pipeline.watch.layout import scan_tenant
from ocr_pipeline.watch.lease import WorkerOptions
from ocr_pipeline.watch.quarantine import note_path
from ocr_pipeline.watch.worker import Worker
from tests.unit.watch.watch_fakes import FakeProcessor

FORMS = ["water_service"]


class Kit:
    """A worker over the test store, a fake processor, and the outcomes it reported."""

    def __init__(self, store: Store, paths: WatchPaths, drop: Callable[..., Path]) -> None:
        self.store, self.paths, self.drop = store, paths, drop
        self.processor = FakeProcessor()
        self.outcomes: list[FileOutcome] = []
        self.stop_now = False
        self.worker = self.make_worker("w1")

    def make_worker(self, worker_id: str, **options: Any) -> Worker:
        return Worker(
            self.store,
            self.paths,
            self.processor,
            worker_id,
            report=self.outcomes.append,
            stop=lambda: self.stop_now,
            options=WorkerOptions(**{"lease_seconds": 30.0, **options}),
        )

    @property
    def town(self) -> TenantStore:
        return self.store.for_tenant("town-a")

    def queue(self, name: str, *args: Any, **kwargs: Any) -> int:
        """Drop a fake scan and take it into the queue; its source id."""
        self.drop(name, *args, **kwargs)
        intake = Intake(self.store, self.paths, FORMS, lambda o: None)
        for entry in scan_tenant(self.paths.inbox / "town-a", "town-a", FORMS):
            intake.take(entry)
        (source,) = [s for s in self.town.list_sources() if s.name.endswith(name)]
        return source.id


@pytest.fixture
def kit(store: Store, paths: WatchPaths, drop: Callable[..., Path]) -> Kit:
    return Kit(store, paths, drop)


def test_a_file_becomes_one_document_per_form_page(kit: Kit) -> None:
    sid = kit.queue("a.pdf", ("ok", "blank", "unclassified", "ok"))
    assert kit.worker.step() and not kit.worker.step()
    (outcome,) = kit.outcomes
    assert (outcome.outcome, outcome.documents, outcome.fields_to_review) == (
        Outcome.DOCUMENTS, 2, 2,
    )  # fmt: skip
    assert outcome.pages == {"ok": 2, "blank": 1, "unclassified": 1}
    pages = kit.town.source_pages(sid)
    assert [(p.page_no, p.status) for p in pages] == [
        (1, "ok"), (2, "blank"), (3, "unclassified"), (4, "ok"),
    ]  # fmt: skip
    assert [p.image_sha256 is None for p in pages] == [False, True, False, False]
    assert pages[2].reason == "unclassified page" and pages[2].document_id is None
    assert kit.town.get_source(sid).state is SourceState.DONE
    assert [w.state for w in kit.town.list_work()] == [WorkState.DONE]


def test_an_unreadable_file_is_quarantined_with_its_note(kit: Kit) -> None:
    sid = kit.queue(
        "bad.pdf", unreadable="the PDF is password-protected", refusal="password_protected"
    )
    kit.worker.step()
    (outcome,) = kit.outcomes
    assert outcome.outcome is Outcome.QUARANTINED and outcome.code == "unreadable"
    target = kit.paths.quarantine / "town-a" / "bad.pdf"
    assert outcome.path == str(target) and target.is_file()
    note = json.loads(note_path(target).read_text("utf-8"))
    assert "パスワード" in note["reason"] and note["source_file_id"] == sid
    source = kit.town.get_source(sid)
    assert source.state is SourceState.QUARANTINED and source.stored_path == str(target)
    assert [w.state for w in kit.town.list_work()] == [WorkState.FAILED]
    assert not any(kit.paths.archive.rglob("bad.pdf"))


def test_a_stopping_worker_hands_its_file_back_between_pages(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = kit.queue("a.pdf", ("ok", "ok", "ok"))
    real = kit.processor.process

    def stop_after_first_page(path: Path, form_id: str | None, check: Any) -> Any:
        pages = [0]

        def counting() -> None:
            pages[0] += 1
            if pages[0] == 2:
                kit.stop_now = True
            check()

        return real(path, form_id, counting)

    monkeypatch.setattr(kit.processor, "process", stop_after_first_page)
    kit.worker.step()
    assert kit.outcomes == [] and kit.town.source_pages(sid) == []
    (item,) = kit.town.list_work()
    assert item.state is WorkState.QUEUED and item.last_error == {
        "code": "handed_back", "crashes": 0,
    }  # fmt: skip
    kit.stop_now = False
    monkeypatch.setattr(kit.processor, "process", real)
    assert kit.worker.step()
    assert kit.outcomes[0].documents == 3


def test_a_file_saved_by_a_worker_that_died_before_completing_is_not_read_again(
    kit: Kit,
) -> None:
    sid = kit.queue("a.pdf", ("ok", "ok"))
    item = kit.town.claim_next("dead-worker", 30)
    assert item is not None
    done = kit.processor.process(
        Path(str(kit.town.get_source(sid).stored_path)), None, lambda: None
    )
    kit.town.save_result(sid, done.pages, done.images)  # then the worker died
    kit.town.fail(item.id, "dead-worker", {"code": "worker_died", "crashes": 1}, retry=True)
    kit.processor.calls.clear()
    assert kit.worker.step()
    assert kit.processor.calls == []
    (outcome,) = kit.outcomes
    assert outcome.documents == 2 and outcome.fields_to_review == 2
    assert kit.town.counts().documents == {"review": 2}
    assert [w.state for w in kit.town.list_work()] == [WorkState.DONE]


def test_a_file_its_workers_died_on_too_often_is_quarantined_unread(kit: Kit) -> None:
    sid = kit.queue("a.pdf", ("ok",))
    for n in range(3):
        item = kit.town.claim_next(f"dead-{n}", 30)
        assert item is not None
        kit.town.fail(item.id, f"dead-{n}", {"code": "worker_died", "crashes": n + 1}, retry=True)
    kit.worker.step()
    assert kit.processor.calls == []
    (outcome,) = kit.outcomes
    assert outcome.code == "crashed" and outcome.outcome is Outcome.QUARANTINED
    assert kit.town.get_source(sid).state is SourceState.QUARANTINED
    assert (kit.paths.quarantine / "town-a" / "a.pdf").is_file()


def test_a_form_folder_whose_form_is_gone_quarantines_the_file(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit.queue("a.pdf", ("ok",), form="water_service")

    def no_such_form(path: Path, form_id: str | None, check: Any) -> Any:
        from ocr_pipeline.errors import BadArgumentsError

        raise BadArgumentsError(f"unknown form {form_id!r}", "use one of: resident_move")

    monkeypatch.setattr(kit.processor, "process", no_such_form)
    kit.worker.step()
    (outcome,) = kit.outcomes
    assert outcome.code == "unknown_form" and outcome.name == "water_service/a.pdf"


def test_a_passing_fault_hands_the_file_back_and_the_worker_waits(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = kit.queue("a.pdf", ("ok",))

    def down(*_a: Any, **_k: Any) -> Any:
        raise StoreUnavailableError("sqlite://", "database is locked")

    monkeypatch.setattr(TenantStore, "save_result", down)
    assert kit.worker.step()
    (item,) = kit.town.list_work()
    assert item.state is WorkState.QUEUED and item.last_error
    assert item.last_error["code"] == "transient" and item.last_error["crashes"] == 0
    assert not kit.worker.step()  # backing off
    monkeypatch.undo()
    kit.worker._resume_at = 0.0
    assert kit.worker.step() and kit.town.get_source(sid).state is SourceState.DONE


def test_an_unexpected_error_counts_as_a_crash(kit: Kit, monkeypatch: pytest.MonkeyPatch) -> None:
    kit.queue("a.pdf", ("ok",))

    def bug(*_a: Any) -> Any:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(kit.processor, "process", bug)
    kit.worker.step()
    (item,) = kit.town.list_work()
    assert item.state is WorkState.QUEUED and item.last_error
    assert item.last_error["crashes"] == 1 and "ZeroDivisionError" in item.last_error["detail"]


def test_a_worker_that_lost_its_lease_does_not_complete(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = kit.queue("a.pdf", ("ok", "ok"))
    real = kit.processor.process

    def taken_over(path: Path, form_id: str | None, check: Any) -> Any:
        (item,) = kit.town.list_work()
        kit.town.fail(item.id, "w1", {"code": "x"}, retry=True)  # as if the lease ran out
        assert kit.town.claim_next("w2", 30) is not None
        return real(path, form_id, check)

    monkeypatch.setattr(kit.processor, "process", taken_over)
    kit.worker.step()  # saves (idempotent for w2 later) but cannot complete
    (item,) = kit.town.list_work()
    assert item.state is WorkState.RUNNING and item.worker_id == "w2"
    assert kit.outcomes == []
    w2 = kit.make_worker("w2")
    w2.handle(item)
    assert kit.town.counts().documents == {"review": 2}
    assert kit.town.get_source(sid).state is SourceState.DONE


def test_a_requeued_quarantined_file_goes_back_to_the_archive_once_read(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = kit.queue("a.pdf", unreadable="cannot read PDF files: poppler missing")
    kit.worker.step()
    quarantined = kit.paths.quarantine / "town-a" / "a.pdf"
    assert quarantined.is_file()
    quarantined.write_bytes(quarantined.read_bytes())  # same bytes; the cause was fixed
    monkeypatch.setattr(
        kit.processor, "process", lambda p, f, c: FakeProcessor().process(_readable_copy(p), f, c)
    )
    kit.town.requeue(sid, actor="admin")
    kit.worker.step()
    assert kit.outcomes[-1].outcome is Outcome.DOCUMENTS
    source = kit.town.get_source(sid)
    assert source.stored_path and "archive" in source.stored_path
    assert Path(source.stored_path).is_file() and not quarantined.exists()
    assert not note_path(quarantined).exists()


def _readable_copy(path: Path) -> Path:
    copy = path.with_name(".readable.json")
    copy.write_text(json.dumps({"pages": ["ok"]}))
    return copy


def test_a_lost_archive_copy_is_quarantined_with_a_note_for_the_clerk(kit: Kit) -> None:
    sid = kit.queue("a.pdf", ("ok",))
    Path(str(kit.town.get_source(sid).stored_path)).unlink()  # someone cleaned the archive
    kit.worker.step()
    (outcome,) = kit.outcomes
    assert (outcome.outcome, outcome.code) == (Outcome.QUARANTINED, "missing_file")
    note = kit.paths.quarantine / "town-a" / "a.pdf.error.json"
    assert outcome.path == str(note)
    assert "見つからない" in json.loads(note.read_text("utf-8"))["reason"]
    assert not (kit.paths.quarantine / "town-a" / "a.pdf").exists()
    source = kit.town.get_source(sid)
    assert source.state is SourceState.QUARANTINED and source.stored_path is None
    kit.drop("a-again.pdf", ("ok",), nonce="a.pdf")  # the clerk drops it again: it is read
    intake = Intake(kit.store, kit.paths, FORMS, lambda o: None)
    (entry,) = scan_tenant(kit.paths.inbox / "town-a", "town-a", FORMS)
    assert intake.take(entry) is None
    kit.worker.step()
    assert kit.outcomes[-1].outcome is Outcome.DOCUMENTS and kit.outcomes[-1].source_id == sid
