"""Throughput of the watched folder: pages per minute with 1 and 2 worker processes, and the
time from dropping a file to its documents being in the store.

Run from the repository root::

    .venv/bin/python -m bench.watch_benchmark [--pages 60] [--workers 1 2] [--json]

The same scans (``watchkit.make_scans``: single PNG/JPEG pages and some PDFs of 2-3 pages,
none broken) go through each run. Each run has a fresh data folder and store: ``formocr watch
--workers N`` is started and, once its workers are ready (not timed), every scan is dropped at
once into one tenant's inbox. Timed is the first drop to the moment the store has finished
every file (polled every 0.2 s): pages per minute = pages / that time. Then, with the watcher
idle, ``--idle`` more single pages are dropped one at a time, each after the previous one is
recorded: their drop-to-record time is that of a clerk's scan arriving at a quiet watcher.
``watch_audit.audit`` checks every run (nothing lost or duplicated) before its figures count.

Drop-to-record is the time from ``drop_file`` returning to the creation time of the file's
documents in the store (same clock); it includes the settle time (``settle_seconds``, 5 s by
default: the watcher waits that long for a file to stop changing). In the burst it also
includes the wait in the queue, so its median is about half the run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.watch_audit import Dropped, audit, spread
from bench.watchkit import Scan, commit, loadavg, make_scans, new_watcher, wait_finished
from ocr_pipeline.settings import load_settings
from ocr_pipeline.watch import drop_file

TENANT = "bench"
NO_BAD_FILES = 10**9


def drop(inbox: Path, scan: Scan) -> Dropped:
    record = scan.dropped(TENANT, scan.path.name, 0.0)
    landed = drop_file(inbox, TENANT, scan.path.name, source=scan.path)
    return replace(record, name=landed.name, dropped_at=time.time())


def one_run(
    args: argparse.Namespace, workers: int, scans: list[Scan], idle: list[Scan], work: Path
) -> dict[str, Any]:
    data = work / f"workers-{workers}" / "data"
    data.mkdir(parents=True)
    watcher = new_watcher(data, threads=args.threads, workers=workers, settle=args.settle)
    startup = watcher.start()
    inbox = load_settings(data_dir=data).inbox_path.absolute()
    load_before = loadavg()
    try:
        print(f"[bench] {workers} worker(s): dropping {len(scans)} files", file=sys.stderr)
        started = time.time()
        burst = [drop(inbox, scan) for scan in scans]
        finished = wait_finished(data, burst, args.timeout, watcher, poll=0.2)
        load_after = loadavg()
        quiet: list[Dropped] = []
        for scan in idle:
            quiet.append(drop(inbox, scan))
            wait_finished(data, burst + quiet, args.timeout, watcher, poll=0.2)
    finally:
        code = watcher.stop()
    found = audit(data, burst + quiet)
    pages = sum(d.pages for d in burst)
    idle_names = {d.name for d in quiet}
    return {
        "workers": workers,
        "files": len(burst),
        "pages": pages,
        "documents": sum(d.documents for d in burst),
        "wall_s": finished - started,
        "pages_per_minute": pages / (finished - started) * 60,
        "burst_record_s": spread([x.record for x in found.latency if x.name not in idle_names]),
        "idle_record_s": spread([x.record for x in found.latency if x.name in idle_names])
        if quiet
        else None,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "startup_s": startup,
        "memory": watcher.memory.mib(),
        "watcher_exit_code": code,
        "problems": found.problems,
    }


def print_table(report: dict[str, Any]) -> None:
    runs = report["runs"]
    print(f"formocr watch benchmark: {report['date']}, commit {report['commit']}")
    print(
        f"{report['cpus']} CPUs; onnxruntime threads {report['threads']} per worker; settle "
        f"{report['settle'] if report['settle'] is not None else 'default (5 s)'}; "
        f"{runs[0]['pages']} pages in {runs[0]['files']} files ({runs[0]['documents']} "
        f"documents), dropped at once; then {report['idle']} single pages one at a time"
    )
    width = 14
    print(f"{'':34}" + "".join(f"{str(r['workers']) + ' worker(s)':>{width}}" for r in runs))
    rows: list[tuple[str, Any]] = [
        ("load average before (1/5/15)", lambda r: r["loadavg_before"].split()[0]),
        ("load average after", lambda r: r["loadavg_after"].split()[0]),
        ("start-up to ready s", lambda r: f"{r['startup_s']:.1f}"),
        ("wall s (first drop to all done)", lambda r: f"{r['wall_s']:.1f}"),
        ("pages per minute", lambda r: f"{r['pages_per_minute']:.1f}"),
        ("burst drop-to-record median s", lambda r: f"{r['burst_record_s']['median']:.1f}"),
        ("burst drop-to-record p90 s", lambda r: f"{r['burst_record_s']['p90']:.1f}"),
        ("idle drop-to-record median s", lambda r: _idle(r, "median")),
        ("idle drop-to-record p90 s", lambda r: _idle(r, "p90")),
        ("peak tree RSS / PSS MiB", lambda r: _memory(r["memory"])),
        ("audit problems", lambda r: str(len(r["problems"]))),
    ]
    for label, cell in rows:
        print(f"{label:34}" + "".join(f"{cell(r):>{width}}" for r in runs))
    for r in runs:
        for problem in r["problems"][:20]:
            print(f"PROBLEM ({r['workers']} workers): {problem}")


def _idle(run: dict[str, Any], key: str) -> str:
    return f"{run['idle_record_s'][key]:.1f}" if run["idle_record_s"] else "-"


def _memory(memory: dict[str, Any]) -> str:
    return f"{memory['tree_rss_mib']} / {memory['tree_pss_mib']}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    p.add_argument("--pages", type=int, default=60, help="pages dropped in each run (60)")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="runs (1 2)")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime threads per worker (1)")
    p.add_argument("--idle", type=int, default=5, help="single pages dropped one by one (5)")
    p.add_argument("--seed", type=int, default=0, help="synthesis seed (0)")
    p.add_argument("--settle", type=float, help="settle_seconds (default: the setting's, 5)")
    p.add_argument("--timeout", type=float, default=3600.0, help="give up a run after (s)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = p.parse_args(argv)
    if args.pages < 1 or min(args.workers) < 1 or args.idle < 0:
        p.error("--pages and --workers must be at least 1, --idle at least 0")
    with tempfile.TemporaryDirectory(prefix="formocr-watch-bench-") as tmp:
        work = Path(tmp)
        print("[bench] making scans (not timed) ...", file=sys.stderr, flush=True)
        scans = make_scans(work / "scans", args.pages, args.seed, bad_every=NO_BAD_FILES)
        idle = make_scans(
            work / "idle", args.idle, args.seed + 1, pdf_share=0.0, bad_every=NO_BAD_FILES
        )[: args.idle]
        runs = [one_run(args, n, scans, idle, work) for n in args.workers]
    report = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": commit(),
        "cpus": os.cpu_count(),
        "threads": args.threads,
        "settle": args.settle,
        "idle": len(idle),
        "runs": runs,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0 if all(not r["problems"] and r["watcher_exit_code"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
