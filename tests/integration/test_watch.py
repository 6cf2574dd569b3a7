"""``formocr watch`` with the real models: sample scans through ``--once``, a duplicate, a broken
file quarantined with its note, a multi-page PDF with two forms and a blank back side; a running
watcher stopped by SIGTERM; a watcher killed with SIGKILL (workers and all) and restarted, which
finishes the work without duplicates and without waiting for leases to run out."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from form_schemas.registry import FormRegistry
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import SourceState, Store, WorkState
from ocr_pipeline.synth import (
    Degrade,
    OutFormat,
    Style,
    SynthOptions,
    blank_page,
    synth_page,
    write_document,
)
from ocr_pipeline.watch import NOTE_SUFFIX

pytestmark = pytest.mark.ocr

SAMPLES = Path(__file__).parents[2] / "data" / "samples"
TENANT = "012025"
READY = "formocr watch: ready"
Cli = Callable[..., tuple[int, str]]


def _200(scan: np.ndarray[Any, Any], dpi: int) -> np.ndarray[Any, Any]:
    if dpi == 200:
        return scan
    f = 200 / dpi
    return np.asarray(cv2.resize(scan, None, fx=f, fy=f, interpolation=cv2.INTER_AREA))


def _form_pdf(folder: Path, name: str, forms: list[str | None], seed: int) -> Path:
    """A PDF at 200 dpi whose pages are the given forms, ``None`` for a blank back side."""
    registry = FormRegistry.from_dirs()
    rng = np.random.default_rng(seed)
    options = SynthOptions(style=Style.PRINT, degrade=Degrade.MILD)
    pages: list[tuple[Any, Any]] = []
    for form in forms:
        if form is None:
            pages.append((blank_page(rng, Degrade.MILD, dpi=200), {"form": None}))
        else:
            scan, truth = synth_page(registry.get(form), rng, options)
            pages.append((_200(scan, int(truth["degrade"]["dpi"])), truth))
    made = write_document(pages, folder / "made" / name, OutFormat.PDF, 200)
    return made


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("watch-scans")
    two = _form_pdf(folder, "two-forms.pdf", ["furusato_onestop", None, "resident_move"], 7)
    four = _form_pdf(folder, "four.pdf", ["water_service"] * 4, 8)
    broken = folder / "broken.pdf"
    broken.write_bytes(two.read_bytes()[:3000])  # a PDF cut off: no %%EOF, no pages
    return {"two_forms": two, "four": four, "broken": broken}


def _inbox(data: Path) -> Path:
    return data / "runtime" / "inbox" / TENANT


def _put(data: Path, src: Path, name: str | None = None) -> Path:
    inbox = _inbox(data)
    inbox.mkdir(parents=True, exist_ok=True)
    tmp = inbox / f".{name or src.name}.part"
    shutil.copyfile(src, tmp)
    return tmp.rename(inbox / (name or src.name))


def _store(data: Path) -> Store:
    return Store.from_settings(load_settings(data_dir=data))


def _lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_once_reads_samples_duplicates_broken_files_and_multi_page_pdfs(
    cli: Cli, tmp_path: Path, scans: dict[str, Path]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert cli(data, "db", "upgrade")[0] == 0
    _put(data, SAMPLES / "water_service-101002-0000.jpg")
    _put(data, SAMPLES / "furusato_onestop-102000-0000.pdf")
    _put(data, SAMPLES / "water_service-101002-0000.jpg", "again.jpg")
    _put(data, scans["broken"])
    _put(data, scans["two_forms"])

    code, out = cli(data, "watch", "--once", "--workers", "1", "--settle", "0.2", "--json")

    assert code == 3  # a file was quarantined
    files = {o["name"]: o for o in _lines(out)}
    assert set(files) == {"water_service-101002-0000.jpg", "furusato_onestop-102000-0000.pdf",
                          "again.jpg", "broken.pdf", "two-forms.pdf"}  # fmt: skip
    water = [files["water_service-101002-0000.jpg"], files["again.jpg"]]
    assert sorted((o["outcome"], o["documents"]) for o in water) == [
        ("documents", 1), ("duplicate", 0),
    ]  # fmt: skip
    assert water[0]["source_id"] == water[1]["source_id"]
    assert files["furusato_onestop-102000-0000.pdf"]["documents"] == 1
    assert files["two-forms.pdf"]["documents"] == 2
    assert files["two-forms.pdf"]["pages"] == {"ok": 2, "blank": 1}
    assert files["broken.pdf"]["outcome"] == "quarantined"
    assert list(_inbox(data).iterdir()) == []

    quarantined = data / "runtime" / "quarantine" / TENANT
    note = json.loads((quarantined / f"broken.pdf{NOTE_SUFFIX}").read_text("utf-8"))
    assert note["file"] == "broken.pdf" and note["code"] == "unreadable"
    assert note["reason"] and note["what_to_do"] and "PDF" in note["detail"]
    assert (quarantined / "broken.pdf").read_bytes() == scans["broken"].read_bytes()

    with _store(data) as store:
        town = store.for_tenant(TENANT)
        docs = town.list_documents()
        assert sorted(d.form_id for d in docs) == [
            "furusato_onestop", "furusato_onestop", "resident_move", "water_service",
        ]  # fmt: skip
        (two,) = [s for s in town.list_sources() if s.name == "two-forms.pdf"]
        pages = town.source_pages(two.id)
        assert [(p.page_no, p.status, p.form_id) for p in pages] == [
            (1, "ok", "furusato_onestop"), (2, "blank", None), (3, "ok", "resident_move"),
        ]  # fmt: skip
        assert pages[0].document_id != pages[2].document_id and pages[1].document_id is None
        assert pages[0].image_sha256 and pages[1].image_sha256 is None
        assert len(town.page_image(pages[0].image_sha256)) > 1000
        assert {w.state for w in town.list_work()} == {WorkState.DONE, WorkState.FAILED}


@dataclass
class Running:
    """A ``formocr watch`` subprocess in its own process group; stderr collected."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def wait_for(self, text: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            assert self.proc.poll() is None, "".join(self.lines)
            time.sleep(0.1)
        raise AssertionError(f"no {text!r} in: {''.join(self.lines)}")


@pytest.fixture
def start_watcher(tmp_path: Path) -> Iterator[Callable[[Path], Running]]:
    started: list[Running] = []

    def start(data: Path) -> Running:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORMOCR_")}
        env.update(FORMOCR_DATA_DIR=str(data), FORMOCR_LEASE_SECONDS="600")
        proc = subprocess.Popen(
            [sys.executable, "-m", "ocr_pipeline", "watch", "--workers", "1", "--settle",
             "0.2", "--rescan", "1"],
            cwd=tmp_path, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
            text=True, start_new_session=True,
        )  # fmt: skip
        running = Running(proc)
        assert proc.stderr is not None
        stream = proc.stderr
        threading.Thread(target=lambda: running.lines.extend(stream), daemon=True).start()
        started.append(running)
        return running

    yield start
    for running in started:
        if running.proc.poll() is None:
            os.killpg(running.proc.pid, signal.SIGKILL)
            running.proc.wait()


def _wait_running(data: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    with _store(data) as store:
        while time.monotonic() < deadline:
            if TENANT in store.tenants() and store.for_tenant(TENANT).list_work(WorkState.RUNNING):
                return
            time.sleep(0.1)
    raise AssertionError("no file was claimed")


def _group_gone(pgid: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _check_complete(data: Path, expected: dict[str, int]) -> None:
    """Every source done, with ``expected`` documents each and every page saved once."""
    with _store(data) as store:
        town = store.for_tenant(TENANT)
        sources = {s.name: s for s in town.list_sources()}
        assert set(sources) == set(expected)
        for name, n in expected.items():
            assert sources[name].state is SourceState.DONE, name
            pages = town.source_pages(sources[name].id)
            assert len({p.page_no for p in pages}) == len(pages)
            assert len({p.document_id for p in pages if p.document_id}) == n, name
        assert sum(town.counts().documents.values()) == sum(expected.values())
        assert {w.state for w in town.list_work()} == {WorkState.DONE}


def test_sigterm_stops_a_running_watcher_gracefully(
    cli: Cli, tmp_path: Path, scans: dict[str, Path], start_watcher: Callable[[Path], Running]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert cli(data, "db", "upgrade")[0] == 0
    watcher = start_watcher(data)
    watcher.wait_for(READY)
    _put(data, scans["four"])
    _wait_running(data)
    watcher.proc.send_signal(signal.SIGTERM)
    assert watcher.proc.wait(timeout=120) == 0, "".join(watcher.lines)
    assert _group_gone(watcher.proc.pid), "a worker process outlived the watcher"
    assert any("formocr watch: stopped" in line for line in watcher.lines)
    with _store(data) as store:
        town = store.for_tenant(TENANT)
        (item,) = town.list_work()
        assert item.state in {WorkState.QUEUED, WorkState.DONE}  # handed back or finished
        if item.state is WorkState.QUEUED:
            assert town.source_pages(item.source_file_id) == []
    code, _ = cli(data, "watch", "--once", "--workers", "1", "--settle", "0.2")
    assert code == 0
    _check_complete(data, {"four.pdf": 4})


def test_kill_9_then_restart_finishes_without_duplicates(
    cli: Cli, tmp_path: Path, scans: dict[str, Path], start_watcher: Callable[[Path], Running]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert cli(data, "db", "upgrade")[0] == 0
    watcher = start_watcher(data)
    watcher.wait_for(READY)
    _put(data, scans["four"])
    _put(data, SAMPLES / "water_service-101002-0000.jpg")
    _wait_running(data)
    time.sleep(1.5)  # into the OCR of the first pages
    os.killpg(watcher.proc.pid, signal.SIGKILL)
    watcher.proc.wait()
    assert _group_gone(watcher.proc.pid)
    with _store(data) as store:
        assert store.for_tenant(TENANT).list_work(WorkState.RUNNING)  # left held by the dead

    started = time.monotonic()
    code, _ = cli(data, "watch", "--once", "--workers", "1", "--settle", "0.2")
    assert code == 0
    assert time.monotonic() - started < 300  # did not wait for the 600 s leases to run out
    _check_complete(data, {"four.pdf": 4, "water_service-101002-0000.jpg": 1})


def test_demo_reads_the_samples_and_a_second_run_finds_them_read(cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    code, out = cli(data, "demo", "--workers", "1", "--settle", "0.2")
    assert code == 0
    samples = sorted(p.name for p in SAMPLES.iterdir() if not p.name.endswith(".json"))
    assert all(name in out for name in samples), out
    assert "field(s) need review" in out and str(data / "formocr.db") in out
    with _store(data) as store:
        town = store.for_tenant("demo")
        first = [(d.id, d.source_file_id) for d in town.list_documents()]
        assert len(first) == len(samples)
        assert {s.state for s in town.list_sources()} == {SourceState.DONE}
    code, again = cli(data, "demo", "--workers", "1", "--settle", "0.2")
    assert code == 0 and again.count("\n") == out.count("\n")
    with _store(data) as store:
        town = store.for_tenant("demo")
        assert [(d.id, d.source_file_id) for d in town.list_documents()] == first
        assert list((data / "runtime" / "inbox" / "demo").iterdir()) == []
