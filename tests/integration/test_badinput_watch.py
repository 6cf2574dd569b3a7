"""The bad-input corpus (``tests/badinput``) through the watched folder.

``formocr watch --once`` runs over one municipality's inbox holding every case, as a clerk's
scanner leaves it: one file is still being written when the watcher starts (the test writes
the rest while it looks) and one is deleted while it waits to settle. Every input must end up
exactly once in the archive with its documents, or in the quarantine with an ``.error.json``
that says, in Japanese, what went wrong and what to do; a hidden name stays in the inbox,
untouched; the deleted file is simply gone. The watcher never dies and prints no traceback.

Two faults need a hand on the machine, so they run the watcher in this process (no worker
processes) with the real pipeline: a full disk and a read-only inbox. The file stays where it
was, and the next run takes it, once.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline import pipeline as pipeline_module
from ocr_pipeline.engines import OcrEngine
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.settings import Settings
from ocr_pipeline.store import SourceState, Store
from ocr_pipeline.watch import (
    NOTE_SUFFIX,
    FileProcessor,
    ProcessedFile,
    RunSummary,
    Watcher,
    WatchOptions,
    WatchPaths,
    pipeline_processor,
)
from ocr_pipeline.watch import intake as watch_intake
from ocr_pipeline.watch.codes import QuarantineCode
from ocr_pipeline.watch.files import move_durably
from ocr_pipeline.watch.messages import explain
from tests.badinput.case import Case, Fault, Outcome, Target
from tests.badinput.corpus import CASES, build_all
from tests.badinput.pages import Pages

pytestmark = pytest.mark.ocr

TENANT = "badinput"
SETTLE = 2.0
"""Seconds a file must stay unchanged before the watcher takes it."""
GROWTH = (20, 0.3)
"""The growing file gets the rest of its bytes in this many pieces, one every this many
seconds: it keeps changing for longer than ``SETTLE``, so the watcher must wait for it."""
GENERIC = explain(QuarantineCode.UNREADABLE).reason
"""The clerk's sentence when the watcher has no better one for a refusal."""


class Where(StrEnum):
    ARCHIVE = "archive"  # read: outcome "documents"
    QUARANTINE = "quarantine"  # refused: outcome "quarantined", with its note
    INBOX = "inbox"  # never taken, left as it was
    GONE = "gone"  # deleted before it was taken: nowhere, and no outcome


@dataclass(frozen=True)
class Expect:
    where: Where
    code: str | None = None
    pages: tuple[str, ...] = ()


def expect(case: Case) -> Expect:
    """Where the watcher puts the case's file (its rules differ from ``formocr process``)."""
    if case.fault is Fault.VANISH:
        return Expect(Where.GONE)
    if case.name.startswith("."):  # hidden names (a copy in progress) are never taken
        return Expect(Where.INBOX)
    if case.id in {"symlink_to_scan", "dangling_symlink"}:  # links are never followed
        return Expect(Where.QUARANTINE, "symlink")
    if case.fault is Fault.GROWING:  # waited for until complete, then read
        return Expect(Where.ARCHIVE, pages=("ok",))
    if case.outcome is Outcome.REFUSED:
        return Expect(Where.QUARANTINE, "unreadable")
    return Expect(Where.ARCHIVE, pages=case.pages)


def shown(name: str) -> str:
    """A file name as the watcher reports it: the corpus's one name that is not UTF-8 is
    Shift_JIS and shows in Japanese."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("cp932")
    return name


def clean_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMOCR_")}
    return env | {"FORMOCR_DATA_DIR": str(data_dir), "PYTHONIOENCODING": "utf-8:strict"}


def formocr_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "ocr_pipeline", *args]


@dataclass(frozen=True)
class Watched:
    """One ``formocr watch --once --json`` run over the corpus."""

    code: int
    outcomes: dict[str, list[dict[str, Any]]]  # by reported name
    stderr: str
    paths: WatchPaths
    cases: list[Case]

    @property
    def inbox(self) -> Path:
        return self.paths.inbox / TENANT


def _grow(path: Path, whole: bytes) -> None:
    """Write the rest of ``whole`` to ``path`` in pieces, as a slow copy does."""
    start = path.stat().st_size
    pieces, pause = GROWTH
    step = -(-(len(whole) - start) // pieces)
    with path.open("ab") as out:
        for offset in range(start, len(whole), step):
            time.sleep(pause)
            out.write(whole[offset : offset + step])
            out.flush()


def _wait_for(path: Path, text: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text("utf-8", "replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} did not appear in {path}")


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Watched:
    root = tmp_path_factory.mktemp("watch-badinput")
    data = root / "data"
    env = clean_env(data)
    paths = WatchPaths(
        inbox=data / "runtime" / "inbox",
        quarantine=data / "runtime" / "quarantine",
        archive=data / "runtime" / "archive",
    )
    pages = Pages()
    cases = build_all(paths.inbox / TENANT, aside=root / "aside", pages=pages)
    growing = next(c for c in cases if c.fault is Fault.GROWING)
    vanishing = next(c for c in cases if c.fault is Fault.VANISH)
    assert growing.complete is not None
    finished = root / "finished" / growing.name
    finished.parent.mkdir()
    growing.complete(Target(finished, root / "aside", pages))
    subprocess.run(formocr_argv("db", "upgrade"), env=env, cwd=root, check=True)

    out, err = root / "watch.out", root / "watch.err"
    argv = formocr_argv("watch", "--once", "--json", "--workers", "1", "--settle", str(SETTLE))
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(argv, stdout=stdout, stderr=stderr, env=env, cwd=root)
        try:
            _wait_for(err, "formocr watch: inbox")
            time.sleep(0.3)  # the first scan has seen both files
            vanishing.path(paths.inbox / TENANT).unlink()
            _grow(growing.path(paths.inbox / TENANT), finished.read_bytes())
            code = proc.wait(timeout=900)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    outcomes: dict[str, list[dict[str, Any]]] = {}
    for line in out.read_text("utf-8").splitlines():
        record = json.loads(line)
        outcomes.setdefault(record["name"], []).append(record)
    return Watched(code, outcomes, err.read_text("utf-8", "backslashreplace"), paths, cases)


def test_watch_finishes_without_a_traceback(watched: Watched) -> None:
    assert "Traceback" not in watched.stderr, watched.stderr
    assert watched.code == ExitCode.INPUT_UNREADABLE, watched.stderr  # some were quarantined
    assert "formocr watch: stopped;" in watched.stderr


def _files(folder: Path) -> list[Path]:
    found = []
    for top, dirs, names in os.walk(folder):
        found += [Path(top, n) for n in names + [d for d in dirs if Path(top, d).is_symlink()]]
    return found


def test_every_input_is_accounted_for_exactly_once(watched: Watched) -> None:
    expected = {c.id: expect(c) for c in watched.cases}
    reported = {shown(c.name): c for c in watched.cases}
    assert set(watched.outcomes) <= set(reported), "an outcome for a file not in the corpus"
    for name, records in watched.outcomes.items():
        assert len(records) == 1, f"{name} reported {len(records)} times"
    for case in watched.cases:
        where = expected[case.id].where
        in_outcomes = shown(case.name) in watched.outcomes
        assert in_outcomes is (where in {Where.ARCHIVE, Where.QUARANTINE}), case.id
        still_there = os.path.lexists(case.path(watched.inbox))
        assert still_there is (where is Where.INBOX), case.id

    count = Counter(e.where for e in expected.values())
    archived = _files(watched.paths.archive / TENANT)
    assert len(archived) == count[Where.ARCHIVE]  # and no "duplicates": every file differs
    quarantined = _files(watched.paths.quarantine / TENANT)
    notes = [p for p in quarantined if p.name.endswith(NOTE_SUFFIX)]
    assert len(notes) == len(quarantined) - len(notes) == count[Where.QUARANTINE]


UNCLEAR_FOR_THE_CLERK: dict[str, str] = {}  # case id -> why its note is still generic


def _params() -> Iterator[Any]:
    for case in CASES:
        marks = []
        if case.id in UNCLEAR_FOR_THE_CLERK:
            marks.append(pytest.mark.xfail(strict=True, reason=UNCLEAR_FOR_THE_CLERK[case.id]))
        yield pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_where_each_case_ends_up(case: Case, watched: Watched) -> None:
    want = expect(case)
    if want.where in {Where.INBOX, Where.GONE}:
        assert shown(case.name) not in watched.outcomes
        return
    (record,) = watched.outcomes[shown(case.name)]
    assert record["tenant"] == TENANT
    where = Path(record["path"])
    if want.where is Where.ARCHIVE:
        assert record["outcome"] == "documents", record
        assert where.is_file() and where.is_relative_to(watched.paths.archive / TENANT)
        assert hashlib.sha256(where.read_bytes()).hexdigest() == where.parent.name
        assert record["pages"] == dict(Counter(want.pages))
        assert record["documents"] == want.pages.count("ok")
        lost = [n for n, status in enumerate(want.pages, start=1) if status == "error"]
        assert record["error_pages"] == lost  # to be scanned again; the others were read
        return
    assert record["outcome"] == "quarantined", record
    assert os.path.lexists(where) and where.is_relative_to(watched.paths.quarantine / TENANT)
    note = json.loads(where.with_name(where.name + NOTE_SUFFIX).read_text("utf-8"))
    assert (note["file"], note["tenant"], note["code"]) == (shown(case.name), TENANT, want.code)
    assert note["reason"] and note["what_to_do"] and note["detail"]
    if want.code == "unreadable":
        assert note["remedy"]
        assert case.message in note["detail"]
        assert record["reason"] == note["detail"]
        assert note["reason"] != GENERIC, f"the clerk is only told {GENERIC!r}"


# Faults of the machine, with the watcher in this process -----------------------------


@pytest.fixture
def inline_watch(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, ocr_engine: OcrEngine
) -> Callable[..., RunSummary]:
    """``inline_watch(processor_factory=...)``: one ``--once`` run in this process (no worker
    processes), with the session's real engine; the store is created first."""
    monkeypatch.setattr(pipeline_module, "create_engine", lambda _settings: ocr_engine)
    Store.from_settings(settings, migrate=True).close()

    def run(processor_factory: Callable[[Settings], FileProcessor] = pipeline_processor) -> Any:
        options = WatchOptions.from_settings(settings, once=True, workers=0, settle=0.0)
        watcher = Watcher(settings, options, processor_factory=processor_factory)
        return watcher.run()

    return run


def _case(case_id: str) -> Case:
    return next(c for c in CASES if c.id == case_id)


def _sources(settings: Settings) -> list[Any]:
    store = Store.from_settings(settings)
    try:
        return store.for_tenant(TENANT).list_sources()
    finally:
        store.close()


@pytest.mark.parametrize(
    ("case_id", "error"),
    [("disk_full", errno.ENOSPC), ("read_only", errno.EACCES)],
    ids=["full disk", "read-only inbox"],
)
def test_file_stays_in_the_inbox_until_it_can_be_moved(
    case_id: str,
    error: int,
    *,
    settings: Settings,
    inline_watch: Callable[..., RunSummary],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    """The archive's disk is full, or the inbox is read-only: the file cannot be moved out of
    the inbox. It stays there (the watcher says so), and the next run takes it, once."""
    case = _case(case_id)
    paths = WatchPaths.from_settings(settings)
    folder = paths.inbox / TENANT
    folder.mkdir(parents=True)
    path = case.path(folder)
    case.build(Target(path, tmp_path, Pages()))

    def failing_move(src: Path, dst: Path) -> None:
        raise OSError(error, os.strerror(error), str(src))

    monkeypatch.setattr(watch_intake, "move_durably", failing_move)
    if case_id == "read_only":
        folder.chmod(0o555)  # binds unless root; the failing move stands in for it then
    with caplog.at_level(logging.WARNING, logger="ocr_pipeline.watch"):
        first = inline_watch()
    folder.chmod(0o755)
    assert first.files == []
    assert path.exists(), "the file must stay in the inbox"
    assert os.strerror(error) in caplog.text
    assert "left in the inbox after 3 tries" in caplog.text

    monkeypatch.setattr(watch_intake, "move_durably", move_durably)
    second = inline_watch()
    (outcome,) = second.files
    assert (outcome.name, outcome.outcome.value, outcome.documents) == (case.name, "documents", 1)
    assert not path.exists()
    (source,) = _sources(settings)
    assert (source.name, source.state) == (case.name, SourceState.DONE)


class _FullDiskOnce:
    """A processor whose first file fails as on a full disk (ENOSPC), then works."""

    def __init__(self, inner: FileProcessor) -> None:
        self.inner = inner
        self.calls = 0

    def process(self, path: Path, form_id: str | None, check: Callable[[], None]) -> ProcessedFile:
        self.calls += 1
        if self.calls == 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return self.inner.process(path, form_id, check)


def test_full_disk_while_reading_hands_the_file_back(
    settings: Settings, inline_watch: Callable[..., RunSummary], tmp_path: Path
) -> None:
    """The disk fills up while a worker reads and saves a file: the file goes back in the
    queue and is read again once there is room; one source, one document, one outcome."""
    case = _case("disk_full")
    folder = WatchPaths.from_settings(settings).inbox / TENANT
    folder.mkdir(parents=True)
    case.build(Target(case.path(folder), tmp_path, Pages()))
    processors: list[_FullDiskOnce] = []

    def factory(s: Settings) -> FileProcessor:
        processors.append(_FullDiskOnce(pipeline_processor(s)))
        return processors[-1]

    summary = inline_watch(factory)
    (outcome,) = summary.files
    assert (outcome.outcome.value, outcome.documents) == ("documents", 1)
    assert processors[0].calls == 2
    (source,) = _sources(settings)
    assert source.state is SourceState.DONE and source.page_count == 1
