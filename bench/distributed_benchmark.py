"""Figures of the distributed mode (issue 12): pages per minute with 1, 2 and 4 reading
processes and the real OCR; the coordination ceiling; fairness between municipalities.

Run from the repository root (prints figures, asserts nothing)::

    .venv/bin/python -m bench.distributed_benchmark [--backend celery|local]
        [--ocr-pages 40] [--workers 1 2 4] [--ceiling-pages 600] [--ceiling-workers 4]
        [--ceiling-intakes 1] [--ceiling-tenants 1] [--ocr-rate 120]
        [--fairness-pages 2000] [--only ocr ceiling fairness] [--json]

Every run has a fresh installation (:mod:`bench.clusterkit`): a private PostgreSQL and, for
``celery``, a private Redis, a shared folder and one node running the intake (``formocr
watch``) and ``formocr worker --concurrency N`` (``local``: ``formocr watch --workers N``).

- **OCR**: ``--ocr-pages`` pages (``watchkit.make_scans``: single PNG/JPEG pages and some PDFs)
  with the real engine. Two pages per process are read first (not timed: engines load); then
  every file is dropped at once, and timed is the first drop to the store having finished
  every file.
- **Ceiling**: the same with ``--ceiling-pages`` single-page PNG files of one form and a
  processor that does not read (``bench.noocr:skim_processor``: the first file goes through
  the pipeline with the no-OCR engine, every later one gets the same pages): what is left is
  intake (settle, hash, record, archive, enqueue), broker, the store's saving and the page
  image store. ``--ceiling-tenants`` municipalities get the files in turn; with
  ``--ceiling-intakes`` above 1 that many intakes run (``intake_split = tenant``), each taking
  its share of the municipalities. ``local`` has no processor option: its ceiling runs the
  pipeline with the no-OCR engine (registration and zones included), so it is not the same
  figure.

  Measured: pages/min end to end (everything on this machine's cores, the workers included),
  the CPU seconds of each part over the timed files (``/proc``), per page, and what each part
  costs per second with nothing to do (``IDLE_S`` measured before the files are dropped);
  per page "beyond idle" subtracts that cost over the run's seconds (a fixed cost per second,
  not per page, which a busier intake spreads over more pages). Derived from the beyond-idle
  figures: what each central part allows on a core of its own (60,000 ms / its CPU ms per
  page): one intake process, PostgreSQL per core (its sessions run in parallel on a server's
  cores), Redis (one thread); the central ceiling with 1 and with N intakes (PostgreSQL
  given the cores it needs, which are printed), and how many OCR workers of ``--ocr-rate``
  pages/min that feeds. The workers' own CPU (claim, save, page image, acknowledge) runs on
  the worker machines and grows with them: it is printed apart and not part of the ceiling.
  The benchmark's own polling of the store is in PostgreSQL's CPU: every 0.2 s one count of
  the work items of all municipalities, and only when nothing is queued or running the full
  check (three counts per municipality).
- **Fairness**: ``--fairness-pages`` pages of municipality A (PDFs of 20 pages) are dropped and
  taken (recorded and queued); then one single-page file of municipality B is dropped. Timed
  is B's drop to its document, and how much of A's queue was still waiting. Four reading
  processes with the no-OCR engine (the pipeline runs: about 0.3 s a page on 2 cores).

Figures depend on the machine's load: the load average is printed with each run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench import noocr
from bench.clusterkit import (
    ROOT,
    Node,
    PrivatePostgres,
    PrivateRedis,
    backend_missing,
    node_env,
    roles,
    shared_env,
)
from bench.watch_audit import Dropped, audit
from bench.watchkit import (
    Scan,
    base_pages,
    commit,
    formocr,
    group_pids,
    loadavg,
    make_scans,
    marked,
    write_image,
    write_pdf,
)
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import Store
from ocr_pipeline.store.keys import new_key
from ocr_pipeline.watch import drop_file

SEED = 20261203
WATCH_ARGS = ("--settle", "0.5", "--rescan", "2")


@dataclass
class Run:
    """One fresh installation with one node."""

    work: Path
    backend: str
    workers: int
    engine: str  # "real", "noocr" or "skim"
    intakes: int = 1
    postgres: PrivatePostgres = field(default_factory=PrivatePostgres)
    redis: PrivateRedis | None = None
    node: Node | None = None
    env: dict[str, str] = field(default_factory=dict)

    def __enter__(self) -> Run:
        try:
            return self._start()
        except BaseException:
            self.__exit__()
            raise

    def _start(self) -> Run:
        self.work.mkdir(parents=True)
        self.postgres.start()
        if self.backend == "celery":
            self.redis = PrivateRedis()
            self.redis.start()
        env = shared_env(
            dict(os.environ), self.work / "shared", backend=self.backend,
            database_url=self.postgres.url, broker_url=self.redis.url if self.redis else None,
            secret_key=new_key(),
        )  # fmt: skip
        if self.engine != "real":
            env = noocr.environment(env, self.work / "engines", ROOT)
        env["FORMOCR_THREADS"] = "1"
        if self.intakes > 1:
            env["FORMOCR_INTAKE_SPLIT"] = "tenant"
        self.env = node_env(env, self.work / "node")
        formocr(self.env, self.work, "db", "upgrade")
        skim = ("--processor", "bench.noocr:skim_processor") if self.engine == "skim" else ()
        commands = roles(self.backend, workers=self.workers, intake=True,
                         watch_args=WATCH_ARGS, worker_args=skim,
                         intakes=self.intakes)  # fmt: skip
        self.node = Node("node", self.work / "node", self.env, commands)
        self.node.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.node is not None:
            self.node.stop()
        if self.redis is not None:
            self.redis.remove()
        self.postgres.remove()

    @property
    def inbox(self) -> Path:
        return Path(self.env["FORMOCR_INBOX_DIR"])

    def store(self) -> Store:
        settings = load_settings(data_dir=Path(self.env["FORMOCR_DATA_DIR"]),
                                 database_url=self.postgres.url)  # fmt: skip
        return Store.from_settings(settings)

    def drop(self, tenant: str, scans: list[Scan]) -> list[Dropped]:
        out = []
        for scan in scans:
            record = scan.dropped(tenant, scan.path.name, 0.0)
            landed = drop_file(self.inbox, tenant, scan.path.name, source=scan.path)
            out.append(Dropped(tenant, landed.name, record.sha256, scan.pages, scan.documents,
                               scan.bad, time.time()))  # fmt: skip
        return out

    def wait(self, files: Counter[str], timeout: float = 3600.0, *, queued: bool = False) -> float:
        """Poll (0.2 s) until every tenant has ``files[tenant]`` files closed (done or
        quarantined; with ``queued``: merely recorded) and, unless ``queued``, nothing is
        queued or running; ``time.time()`` then."""
        deadline = time.monotonic() + timeout
        with self.store() as store:
            while time.monotonic() < deadline:
                assert self.node is not None and self.node.alive(), self.node
                # While anything is queued or running (one statement for every tenant), the
                # full check (three per tenant, a cost counted in PostgreSQL's figure) waits.
                if (queued or not _busy(store)) and all(
                    _reached(store, t, n, queued) for t, n in files.items()
                ):
                    return time.time()
                time.sleep(0.2)
        raise SystemExit(f"not finished after {timeout:.0f} s; see {self.work / 'node'}")

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds of the node's processes by kind, and of the private servers."""
        assert self.node is not None and self.node.proc is not None
        out: dict[str, float] = {}
        for pid in group_pids(self.node.proc.pid):
            out[_kind(pid)] = out.get(_kind(pid), 0.0) + _cpu(pid)
        out["postgresql"] = sum(_cpu(p) for p in _postgres_pids(self.postgres.data))
        if self.redis is not None and self.redis.proc is not None:
            out["redis"] = _cpu(self.redis.proc.pid)
        return {k: round(v, 1) for k, v in out.items()}

    def intake_cpu(self) -> dict[int, float]:
        """CPU seconds of each intake process (by pid)."""
        assert self.node is not None and self.node.proc is not None
        return {p: _cpu(p) for p in group_pids(self.node.proc.pid) if _kind(p) == INTAKE}


def _busy(store: Store) -> bool:
    return any(c.get("queued", 0) + c.get("running", 0) for c in store.work_counts().values())


def _reached(store: Store, tenant: str, n: int, queued: bool) -> bool:
    counts = store.for_tenant(tenant).counts()
    if queued:
        return sum(counts.sources.values()) >= n
    busy = counts.work.get("queued", 0) + counts.work.get("running", 0)
    return busy == 0 and counts.sources.get("done", 0) + counts.sources.get("quarantined", 0) == n


def _stat(pid: int) -> list[str]:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _cpu(pid: int) -> float:
    stat = _stat(pid)
    if not stat:
        return 0.0
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _kind(pid: int) -> str:
    cmd = _cmdline(pid)
    if "ocr_pipeline watch" in cmd:
        return "intake (formocr watch)"
    if "ocr_pipeline worker" in cmd:
        return "formocr worker (with its reading processes)"
    if "spawn_main" in cmd:
        return "local reading processes"
    return "other (shell)"


def _postgres_pids(data: Path) -> list[int]:
    """The postmaster of the cluster in ``data`` and its children (the sessions)."""
    try:
        master = int((data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    children = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == master]
    return [master, *children]


def _parent(pid: int) -> int:
    stat = _stat(pid)
    return int(stat[1]) if stat else -1


def _checked(run: Run, dropped: list[Dropped]) -> list[str]:
    """The audit's problems (nothing lost or duplicated), with the node stopped."""
    assert run.node is not None
    run.node.stop()
    saved = {k: os.environ.get(k) for k in run.env if k.startswith("FORMOCR_")}
    os.environ.update({k: v for k, v in run.env.items() if k.startswith("FORMOCR_")})
    try:
        return audit(Path(run.env["FORMOCR_DATA_DIR"]), dropped).problems
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def throughput(
    args: argparse.Namespace, work: Path, scans: list[Scan], warm: list[Scan], *,
    workers: int, engine: str, intakes: int = 1, tenants: int = 1,
) -> dict[str, Any]:  # fmt: skip
    """Pages per minute of one run (see the module doc); the files go to ``tenants``
    municipalities in turn."""
    towns = ["bench"] if tenants == 1 else [f"town-{k:02d}" for k in range(tenants)]
    postgres = PrivatePostgres(settings=PG_STATEMENTS if args.pg_statements else ())
    with Run(work, args.backend, workers, engine, intakes, postgres) as run:
        load = loadavg()
        warmed = _spread(run, towns, warm[: max(2 * workers, len(towns))])
        run.wait(Counter(d.tenant for d in warmed), timeout=900)
        if intakes > 1:
            time.sleep(SHARE_SETTLE_S)  # the intakes settle on their shares
        idle_before = run.cpu_seconds()
        time.sleep(IDLE_S)  # what running costs with nothing to do (checks, polls, rescans)
        if args.pg_statements:
            statements_reset(run.postgres.url)
        cpu_before, each_before = run.cpu_seconds(), run.intake_cpu()
        idle = {k: (v - idle_before.get(k, 0.0)) / IDLE_S for k, v in cpu_before.items()}
        start = time.time()
        dropped = _spread(run, towns, scans)
        end = run.wait(Counter(d.tenant for d in warmed + dropped))
        cpu_after, each_after = run.cpu_seconds(), run.intake_cpu()
        statements = (
            top_statements(run.postgres.url, args.pg_statements, sum(s.pages for s in scans))
            if args.pg_statements
            else None
        )
        cpu = {k: round(v - cpu_before.get(k, 0.0), 2) for k, v in cpu_after.items()}
        each = sorted(round(v - each_before.get(p, 0.0), 1) for p, v in each_after.items())
        problems = _checked(run, warmed + dropped)
    pages = sum(s.pages for s in scans)
    out = {
        "backend": args.backend, "engine": engine, "workers": workers, "intakes": intakes,
        "tenants": len(towns), "pages": pages, "files": len(scans),
        "seconds": round(end - start, 1), "pages_per_min": round(pages / (end - start) * 60, 1),
        "cpu_seconds": cpu, "intake_cpu_seconds_each": each,
        "load_average_before": load, "load_average_after": loadavg(),
        "audit_problems": len(problems),
    }  # fmt: skip
    if statements is not None:
        out["postgresql_statements"] = statements
    if args.backend == "celery":
        out["idle_cpu_seconds_per_second"] = {k: round(v, 3) for k, v in idle.items()}
        busy = {k: max(0.0, v - idle.get(k, 0.0) * (end - start)) for k, v in cpu.items()}
        out.update(ceiling_figures(cpu, busy, pages, intakes, args.ocr_rate))
    return out


IDLE_S = 10.0
PG_STATEMENTS = ("shared_preload_libraries=pg_stat_statements", "pg_stat_statements.max=1000")


def statements_reset(url: str) -> None:
    """Start counting statements afresh (``--pg-statements``)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as c:
            c.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            c.exec_driver_sql("SELECT pg_stat_statements_reset()")
    finally:
        engine.dispose()


def top_statements(url: str, n: int, pages: int) -> dict[str, Any]:
    """Statements and transactions per page since :func:`statements_reset`, and the ``n``
    statements that took the server longest (calls and milliseconds per page)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as c:
            rows = c.execute(
                text(
                    "SELECT query, calls, total_exec_time + total_plan_time "
                    "FROM pg_stat_statements WHERE query NOT LIKE :own ORDER BY 3 DESC"
                ),
                {"own": "%pg_stat_statements%"},
            ).all()
    finally:
        engine.dispose()
    return {
        "statements_per_page": round(sum(r[1] for r in rows) / pages, 1),
        "server_ms_per_page": round(sum(r[2] for r in rows) / pages, 2),
        "top": [
            {
                "calls_per_page": round(r[1] / pages, 2),
                "ms_per_page": round(r[2] / pages, 3),
                "query": " ".join(r[0].split())[:160],
            }
            for r in rows[:n]
        ],
    }


SHARE_SETTLE_S = 12.0
"""Long enough for a second intake to join, the first to let go and the second to take
(two checks of 2 s and the grace of 3 s, on a loaded machine)."""
INTAKE, WORKER = "intake (formocr watch)", "formocr worker (with its reading processes)"


def _spread(run: Run, towns: list[str], scans: list[Scan]) -> list[Dropped]:
    out: list[Dropped] = []
    for k, town in enumerate(towns):
        out += run.drop(town, scans[k :: len(towns)])
    return out


def ceiling_figures(
    cpu: dict[str, float], busy: dict[str, float], pages: int, intakes: int, ocr_rate: float
) -> dict[str, Any]:
    """The CPU ms per page of each part (measured: over the run, and ``busy``: beyond what the
    part costs idle over as many seconds) and what the central parts allow (derived from the
    busy figures; see the module doc)."""
    every = {k: round(v * 1000 / pages, 2) for k, v in cpu.items() if k != "other (shell)"}
    ms = {k: round(v * 1000 / pages, 2) for k, v in busy.items() if k != "other (shell)"}
    per_core = {
        "one intake process": _per_min(ms.get(INTAKE, 0.0)),
        "postgresql, per core": _per_min(ms.get("postgresql", 0.0)),
        "redis": _per_min(ms.get("redis", 0.0)),
    }
    want = 6000.0
    needed = math.ceil(want / per_core["one intake process"])
    central = {}
    for n in sorted({1, intakes, needed}):
        ceiling = min(n * per_core["one intake process"], per_core["redis"])
        central[f"{n} intake(s)"] = {
            "pages_per_min": round(ceiling),
            "postgresql_cores": round(ceiling / per_core["postgresql, per core"], 2),
            f"ocr_workers_at_{ocr_rate:g}_pages_per_min": int(ceiling // ocr_rate),
        }
    return {
        "measured_cpu_ms_per_page": {
            "central": {k: every[k] for k in (INTAKE, "postgresql", "redis") if k in every},
            "per worker machine": {k: every[k] for k in (WORKER,) if k in every},
        },
        "measured_cpu_ms_per_page_beyond_idle": {
            "central": {k: ms[k] for k in (INTAKE, "postgresql", "redis") if k in ms},
            "per worker machine": {k: ms[k] for k in (WORKER,) if k in ms},
        },
        "derived_pages_per_min_on_a_core_of_its_own": {
            k: round(v) if math.isfinite(v) else None for k, v in per_core.items()
        },
        "derived_central_ceiling": central,
        f"intakes_for_{want:.0f}_pages_per_min": needed,
    }


def _per_min(ms_per_page: float) -> float:
    return 60_000.0 / ms_per_page if ms_per_page > 0 else float("inf")


def ceiling_scans(folder: Path, pages: int, first: int = 0) -> list[Scan]:
    """``pages`` single-page PNG files of one form (water_service), each its own bytes
    (marked ``first``, ``first + 1``, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    bases, _ = base_pages(SEED, per_form=1)
    out = []
    for k in range(pages):
        path = folder / f"page-{first + k:06d}.png"
        write_image(marked(bases[0], first + k), path)
        out.append(Scan(path, 1, 1))
    return out


def fairness(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Time to record of one file of municipality B behind A's ``--fairness-pages``."""
    files = work / "files"
    files.mkdir(parents=True)
    bases, _ = base_pages(SEED, per_form=2)
    batch: list[Scan] = []
    per_pdf = 20
    for k in range(max(1, args.fairness_pages // per_pdf)):
        path = files / f"a-batch-{k:04d}.pdf"
        pages = [marked(bases[(k + j) % len(bases)], k * per_pdf + j) for j in range(per_pdf)]
        write_pdf(pages, path)
        batch.append(Scan(path, per_pdf, per_pdf))
    urgent = files / "b-urgent.png"
    write_image(marked(bases[1], 10**6 - 1), urgent)
    with Run(work / "run", args.backend, 4, "noocr") as run:
        load = loadavg()
        a = run.drop("town-a", batch)
        run.wait(Counter({"town-a": len(a)}), queued=True)
        time.sleep(2.0)  # the workers are busy with A
        with run.store() as store:
            a_before = store.for_tenant("town-a").counts().work
        b = run.drop("town-b", [Scan(urgent, 1, 1)])
        done = run.wait(Counter({"town-b": 1}), timeout=3600, queued=False)
        with run.store() as store:
            a_after = store.for_tenant("town-a").counts()
    a_pages = sum(s.pages for s in batch)
    left = a_after.work.get("queued", 0)
    return {
        "backend": args.backend, "engine": "noocr (pipeline without OCR)", "workers": 4,
        "a_pages": a_pages, "a_files": len(batch),
        "a_items_when_b_dropped": a_before, "a_files_still_queued_when_b_recorded": left,
        "b_drop_to_record_s": round(done - b[0].dropped_at, 1) if b[0].dropped_at else None,
        "load_average_before": load, "load_average_after": loadavg(),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--backend", choices=("celery", "local"), default="celery")
    parser.add_argument("--ocr-pages", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--ceiling-pages", type=int, default=600)
    parser.add_argument("--ceiling-workers", type=int, default=4)
    parser.add_argument("--ceiling-intakes", type=int, default=1)
    parser.add_argument("--ceiling-tenants", type=int, default=1)
    parser.add_argument("--ocr-rate", type=float, default=120.0,
                        help="pages/min of one OCR worker, for the room figure (the issue's "
                        "6,000 for 50 workers)")  # fmt: skip
    parser.add_argument("--fairness-pages", type=int, default=2000)
    parser.add_argument("--only", nargs="+", choices=("ocr", "ceiling", "fairness"),
                        default=["ocr", "ceiling", "fairness"])  # fmt: skip
    parser.add_argument("--pg-statements", type=int, default=0, metavar="N",
                        help="count PostgreSQL's statements (pg_stat_statements) during the "
                        "timed files and print the N that took it longest")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args(argv)
    missing = backend_missing(args.backend)
    if missing is not None:
        raise SystemExit(f"distributed_benchmark: {missing}")
    out: dict[str, Any] = {"commit": commit(), "cores": os.cpu_count(), "runs": []}
    with tempfile.TemporaryDirectory(prefix="formocr-dbench-") as tmp:
        work = Path(tmp)
        if "ocr" in args.only:
            scans = make_scans(work / "ocr-files", args.ocr_pages, SEED, bad_every=10**9)
            warm = make_scans(work / "warm-files", 8, SEED + 7, pdf_share=0.0, bad_every=10**9)
            for n in args.workers:
                _report(
                    out,
                    "ocr",
                    throughput(args, work / f"ocr-{n}", scans, warm, workers=n, engine="real"),
                )
        if "ceiling" in args.only:
            scans = ceiling_scans(work / "ceiling-files", args.ceiling_pages)
            warm_files = max(2 * args.ceiling_workers, args.ceiling_tenants)
            warm = ceiling_scans(work / "ceiling-warm", warm_files, 10**5)
            engine = "skim" if args.backend == "celery" else "noocr"
            n = args.ceiling_workers
            figures = throughput(args, work / "ceiling", scans, warm, workers=n, engine=engine,
                                 intakes=args.ceiling_intakes,
                                 tenants=args.ceiling_tenants)  # fmt: skip
            _report(out, "ceiling", figures)
        if "fairness" in args.only:
            _report(out, "fairness", fairness(args, work / "fairness"))
    if args.json:
        print(json.dumps(out, indent=1))
    return 0


def _report(out: dict[str, Any], kind: str, figures: dict[str, Any]) -> None:
    out["runs"].append({"kind": kind, **figures})
    print(f"{kind}: {json.dumps(figures)}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
