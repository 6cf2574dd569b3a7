"""The distributed mode end to end, as separate processes: ``formocr watch`` (the intake) and
``formocr worker`` share only PostgreSQL, Redis and the data folder.

- files of two municipalities dropped into the inbox are each read once (the audit of
  ``bench/watch_audit.py``: archived once, one source, the documents once, nothing left
  queued), and ``formocr status --json`` shows the counts, the leader and the worker;
- a reading process that dies in the middle of a file gives its message back; the next one
  takes the file over (one crash counted) and reads it once;
- fairness: a single file of one municipality dropped while another's batch is queued is
  read before that batch is through (one reading process; the figures are printed);
- one file read with the real OCR.

The coordination tests use the fake processor of ``tests/unit/watch/watch_fakes.py`` through
``formocr worker --processor``; the real-OCR one the built-in pipeline.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bench.watch_audit import Dropped, audit
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import SourceState, Store, WorkState
from tests.servers import postgres_schema, redis_database
from tests.unit.watch.watch_fakes import scan_bytes

ROOT = Path(__file__).parents[2]
FAKE = "tests.unit.watch.watch_fakes:fake_factory"
WAIT = 180.0


@dataclass
class Cluster:
    """An intake and workers as processes (own sessions, logs in ``tmp``)."""

    tmp: Path
    env: dict[str, str]
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return Path(self.env["FORMOCR_DATA_DIR"])

    def formocr(self, *args: str) -> subprocess.Popen[bytes]:
        log = self.tmp / f"{args[0]}-{len(self.procs)}.log"
        with open(log, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "ocr_pipeline", *args], cwd=ROOT, env=self.env,
                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,
            )  # fmt: skip
        self.procs.append(proc)
        self.logs.append(log)
        return proc

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "ocr_pipeline", *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, check=False, timeout=WAIT,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def wait_log(self, proc: subprocess.Popen[bytes], text: str) -> None:
        log = self.logs[self.procs.index(proc)]
        deadline = time.monotonic() + WAIT
        while text not in log.read_text("utf-8", "replace"):
            assert proc.poll() is None, f"exited early: {log.read_text('utf-8', 'replace')}"
            assert time.monotonic() < deadline, f"no {text!r}: {log.read_text()}"
            time.sleep(0.2)

    def store(self) -> Store:
        return Store.from_settings(load_settings(data_dir=self.data, **self.db()))

    def db(self) -> dict[str, Any]:
        return {"database_url": self.env["FORMOCR_DATABASE_URL"]}

    def drop(self, tenant: str, name: str, data: bytes) -> Dropped:
        folder = self.data / "runtime" / "inbox" / tenant
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ("." + name)).write_bytes(data)
        (folder / ("." + name)).rename(folder / name)
        sha = hashlib.sha256(data).hexdigest()
        pages = len(json.loads(data)["pages"]) if data.startswith(b"{") else 1
        return Dropped(tenant, name, sha, pages, pages, False, time.time())  # every page a form

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def cluster(no_formocr_env: Path) -> Iterator[Cluster]:
    with postgres_schema() as pg, redis_database() as redis:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORMOCR_")}
        env.update(
            FORMOCR_DATA_DIR=str(no_formocr_env / "data"),
            FORMOCR_DATABASE_URL=pg,
            FORMOCR_TASK_BACKEND="celery",
            FORMOCR_BROKER_URL=redis,
            FORMOCR_SETTLE_SECONDS="0.3",
            FORMOCR_RESCAN_SECONDS="1",
            FORMOCR_THREADS="1",
            PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(":"),
        )
        c = Cluster(no_formocr_env, env)
        c.run("db", "upgrade")
        try:
            yield c
        finally:
            c.stop()


def wait_until_read(cluster: Cluster, files: int) -> None:
    deadline = time.monotonic() + WAIT
    with cluster.store() as store:
        while True:
            counts = store.work_counts()
            done = sum(c.get(WorkState.DONE.value, 0) for c in counts.values())
            open_ = sum(
                c.get(WorkState.QUEUED.value, 0) + c.get(WorkState.RUNNING.value, 0)
                for c in counts.values()
            )
            if done >= files and open_ == 0:
                return
            assert time.monotonic() < deadline, f"not read in time: {counts}"
            time.sleep(0.2)


def test_files_dropped_are_read_once_through_intake_redis_and_a_worker(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = cluster.formocr("watch")
    worker = cluster.formocr("worker", "--concurrency", "2", "--processor", FAKE)
    cluster.wait_log(intake, "formocr watch: ready")
    cluster.wait_log(worker, "ready")
    dropped = [
        cluster.drop(tenant, f"{tenant}-{n}.json", scan_bytes(("ok",) * (1 + n % 2), f"{n}"))
        for n in range(8)
        for tenant in ("town-a", "town-b")
    ]
    wait_until_read(cluster, len(dropped))
    status = json.loads(cluster.run("status", "--json"))
    cluster.stop()
    monkeypatch.setenv("FORMOCR_DATABASE_URL", cluster.env["FORMOCR_DATABASE_URL"])
    found = audit(cluster.data, dropped)
    assert found.problems == []
    assert status["task_backend"] == "celery"
    for tenant in ("town-a", "town-b"):
        assert status["tenants"][tenant] == {
            "queued": 0, "running": 0, "done": 8, "failed": 0, "broker": 0,
        }  # fmt: skip
    assert status["leader"]["pid"] == intake.pid
    assert [name.split("@")[0] for name in status["workers"]] == [f"formocr-{worker.pid}"]
    assert status["errors"] == {}


def test_a_single_file_is_not_held_up_by_another_municipalitys_batch(cluster: Cluster) -> None:
    with cluster.store() as store:  # both known before the worker starts
        for tenant in ("big-town", "small-town"):
            store.for_tenant(tenant).ensure_tenant()
    batch = 40
    intake = cluster.formocr("watch")
    worker = cluster.formocr("worker", "--concurrency", "1", "--processor", FAKE)
    cluster.wait_log(intake, "formocr watch: ready")
    cluster.wait_log(worker, "ready")
    for n in range(batch):
        cluster.drop("big-town", f"batch-{n}.json", scan_bytes(("ok",), f"{n}", sleep=0.4))
    with cluster.store() as store:
        big, small = store.for_tenant("big-town"), store.for_tenant("small-town")
        deadline = time.monotonic() + WAIT
        while len(big.list_sources(SourceState.DONE)) < 2:  # the batch is being read
            assert time.monotonic() < deadline
            time.sleep(0.1)
        dropped_at = time.monotonic()
        cluster.drop("small-town", "urgent.json", scan_bytes(("ok",), "urgent"))
        while not small.list_sources(SourceState.DONE):
            assert time.monotonic() < deadline, "the single file was not read"
            time.sleep(0.05)
        waited = time.monotonic() - dropped_at
        left = sum(1 for s in big.list_sources(limit=1000) if s.state is not SourceState.DONE)
    print(f"\nfairness: the single file was read {waited:.1f} s after its drop, with "
          f"{left} of the other municipality's {batch} files still to read")  # fmt: skip
    assert left >= batch // 2  # taken in turn, not after the whole batch


def test_a_file_whose_reading_process_died_is_taken_over_and_read_once(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = cluster.formocr("watch")
    worker = cluster.formocr("worker", "--concurrency", "1", "--processor", FAKE)
    cluster.wait_log(intake, "formocr watch: ready")
    cluster.wait_log(worker, "ready")
    marker = cluster.tmp / "died-once"
    dropped = [cluster.drop("town-a", "dies.json", scan_bytes(("ok",), die=str(marker)))]
    wait_until_read(cluster, 1)
    assert marker.exists()  # its first reading process exited in the middle of the file
    with cluster.store() as store:
        (item,) = store.for_tenant("town-a").list_work()
    assert item.attempts == 2
    assert item.last_error == {"code": "worker_died", "crashes": 1}
    cluster.stop()
    monkeypatch.setenv("FORMOCR_DATABASE_URL", cluster.env["FORMOCR_DATABASE_URL"])
    assert audit(cluster.data, dropped).problems == []


@pytest.mark.ocr
def test_a_scan_is_read_with_the_real_ocr_by_a_worker(cluster: Cluster) -> None:
    sample = ROOT / "data" / "samples" / "water_service-101002-0000.jpg"
    intake = cluster.formocr("watch")
    worker = cluster.formocr("worker", "--concurrency", "1")
    cluster.wait_log(intake, "formocr watch: ready")
    cluster.wait_log(worker, "ready")
    folder = cluster.data / "runtime" / "inbox" / "town-a"
    folder.mkdir(parents=True)
    shutil.copy(sample, folder / ".scan.jpg")
    (folder / ".scan.jpg").rename(folder / "scan.jpg")
    wait_until_read(cluster, 1)
    with cluster.store() as store:
        town = store.for_tenant("town-a")
        (source,) = town.list_sources()
        pages = town.source_pages(source.id)
        assert source.state is SourceState.DONE
        assert [(p.page_no, p.status) for p in pages] == [(1, "ok")]
        assert pages[0].document_id is not None
        document = town.get_document(pages[0].document_id)
        assert document.form_id == "water_service"
        assert document.fields
