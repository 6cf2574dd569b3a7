"""Soak run of the watched folder: at least 1,000 pages through ``formocr watch``, dropped in
bursts over time into several municipalities' inboxes, then every file accounted for.

Run from the repository root (it takes a while: about half an hour for 1,000 pages on 2 busy
cores; run it under nohup)::

    .venv/bin/python -m bench.soak [--pages 1000] [--tenants 3] [--workers 2] [--json]

Scans are made first (``watchkit.make_scans``: single PNG/JPEG pages, some PDFs of 2-3 pages,
one broken file per 250 pages) and are not timed. Then ``formocr watch --workers N`` starts
with a fresh data folder (SQLite store, or ``FORMOCR_DATABASE_URL``) and, once it is ready, a
burst of files (``--burst`` pages) is dropped into a random tenant's inbox with ``drop_file``
every ``--pause`` seconds. When the store has finished every file the watcher is stopped with
SIGTERM and ``watch_audit.audit`` checks that nothing was lost or duplicated.

stdout carries the figures (see bench/README.md, "Soak"); the watcher's log is kept in the
work folder (``--work``, else a temporary folder that is removed). Exit code 1 if anything was
not accounted for or the watcher did not stop cleanly.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.watch_audit import Dropped, audit
from bench.watchkit import Scan, commit, loadavg, make_scans, new_watcher, wait_finished
from ocr_pipeline.settings import load_settings
from ocr_pipeline.watch import drop_file

TENANTS = ("011002", "012025", "013099", "014001", "015008")


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    p.add_argument("--pages", type=int, default=1000, help="pages dropped at least (1000)")
    p.add_argument("--tenants", type=int, default=3, choices=range(1, len(TENANTS) + 1))
    p.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime threads per worker (1)")
    p.add_argument("--seed", type=int, default=0, help="scans and bursts (0)")
    p.add_argument(
        "--burst", type=int, nargs=2, default=(10, 50), metavar=("MIN", "MAX"),
        help="pages per burst, drawn uniformly (10 50)",
    )  # fmt: skip
    p.add_argument(
        "--pause", type=float, nargs=2, default=(15.0, 60.0), metavar=("MIN", "MAX"),
        help="seconds between bursts, drawn uniformly (15 60)",
    )  # fmt: skip
    p.add_argument("--settle", type=float, help="settle_seconds (default: the setting's, 5)")
    p.add_argument("--timeout", type=float, default=6 * 3600.0, help="give up after (s)")
    p.add_argument("--work", type=Path, help="keep the scans, data folder and log here")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = p.parse_args(argv)
    if args.pages < 1 or args.workers < 1:
        p.error("--pages and --workers must be at least 1")
    return args


def drop_bursts(
    args: argparse.Namespace, scans: list[Scan], inbox: Path, rng: random.Random
) -> tuple[list[Dropped], int]:
    """Drop every scan, burst by burst; the manifest and the number of bursts."""
    tenants = TENANTS[: args.tenants]
    dropped: list[Dropped] = []
    bursts, i = 0, 0
    while i < len(scans):
        tenant, want, pages = rng.choice(tenants), rng.randint(*args.burst), 0
        while i < len(scans) and pages < want:
            scan = scans[i]
            record = scan.dropped(tenant, scan.path.name, 0.0)
            landed = drop_file(inbox, tenant, scan.path.name, source=scan.path)
            dropped.append(replace(record, name=landed.name, dropped_at=time.time()))
            pages += scan.pages
            i += 1
        bursts += 1
        print(
            f"[soak] burst {bursts}: {pages} pages into {tenant}; {i}/{len(scans)} files "
            f"dropped; load {loadavg()}",
            file=sys.stderr,
            flush=True,
        )
        if i < len(scans):
            time.sleep(rng.uniform(*args.pause))
    return dropped, bursts


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    rng = random.Random(args.seed)
    data = work / "data"
    watcher = new_watcher(data, threads=args.threads, workers=args.workers, settle=args.settle)
    print("[soak] making scans ...", file=sys.stderr, flush=True)
    made = time.monotonic()
    scans = make_scans(work / "scans", args.pages, args.seed)
    rng.shuffle(scans)
    made = time.monotonic() - made
    load_before = loadavg()
    startup = watcher.start()
    inbox = load_settings(data_dir=data).inbox_path.absolute()
    try:
        started = time.time()
        dropped, bursts = drop_bursts(args, scans, inbox, rng)
        last_drop = time.time()
        print("[soak] all dropped; waiting for the last records", file=sys.stderr, flush=True)
        finished = wait_finished(data, dropped, args.timeout, watcher)
    finally:
        code = watcher.stop()
    load_after = loadavg()
    found = audit(data, dropped)
    pages = sum(d.pages for d in dropped if not d.bad)
    wall = finished - started
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": commit(),
        "cpus": os.cpu_count(),
        "settings": {
            "workers": args.workers,
            "threads": args.threads,
            "settle": args.settle,
            "tenants": args.tenants,
            "burst_pages": list(args.burst),
            "pause_s": list(args.pause),
            "seed": args.seed,
        },
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "scans_made_s": made,
        "startup_s": startup,
        "bursts": bursts,
        "drop_period_s": last_drop - started,
        "wall_s": wall,
        "pages": pages,
        "pages_per_minute": pages / wall * 60,
        "watcher_exit_code": code,
        "memory": watcher.memory.mib(),
        "problems": found.problems,
        "figures": found.figures,
        "work": str(work),
    }


def print_report(r: dict[str, Any]) -> None:
    f, s, m = r["figures"], r["settings"], r["memory"]
    lat, rec = f.get("record_latency_s", {}), f.get("received_latency_s", {})
    verdict = "every file accounted for" if not r["problems"] else f"{len(r['problems'])} PROBLEMS"
    print(f"formocr soak: {r['date']}, commit {r['commit']}, {r['cpus']} CPUs")
    print(
        f"watcher: {s['workers']} workers, onnxruntime threads {s['threads']}, settle "
        f"{s['settle'] if s['settle'] is not None else 'default'}; {s['tenants']} tenants, "
        f"bursts of {s['burst_pages'][0]}-{s['burst_pages'][1]} pages every "
        f"{s['pause_s'][0]:g}-{s['pause_s'][1]:g} s (seed {s['seed']})"
    )
    print(f"load average (1/5/15 min): {r['loadavg_before']} before, {r['loadavg_after']} after")
    print(f"result: {verdict}; watcher exit code after SIGTERM {r['watcher_exit_code']}")
    print(
        f"files {f['files']} in {r['bursts']} bursts over {r['drop_period_s'] / 60:.1f} min: "
        f"{f['files'] - f['bad_files']} read, {f['bad_files']} quarantined"
    )
    print(
        f"pages {r['pages']}, documents {f['documents']} (expected {f['expected_documents']}); "
        f"work items claimed more than once {f['reclaimed_items']}"
    )
    print(
        f"wall time (first drop to last record) {r['wall_s']:.0f} s = "
        f"{r['wall_s'] / 60:.1f} min; pages per minute {r['pages_per_minute']:.1f}"
    )
    if lat:
        print(
            f"drop to record (documents in the store): median {lat['median']:.1f} s, "
            f"p90 {lat['p90']:.1f} s, max {lat['max']:.1f} s; drop to received (file "
            f"recorded): median {rec['median']:.1f} s, p90 {rec['p90']:.1f} s"
        )
    print(
        f"peak memory of the watcher's process tree ({m['samples']} samples, 1 s apart): "
        f"RSS sum {m['tree_rss_mib']} MiB, PSS sum {m['tree_pss_mib']} MiB, largest process "
        f"{m['largest_process_rss_mib']} MiB RSS, {m['processes']} processes"
    )
    print(
        f"watcher start-up to ready {r['startup_s']:.1f} s; "
        f"scans made beforehand (not timed) in {r['scans_made_s']:.0f} s"
    )
    for problem in r["problems"][:50]:
        print(f"PROBLEM: {problem}")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        report = run(args, args.work.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="formocr-soak-") as tmp:
            report = run(args, Path(tmp))
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_report(report)
    ok = not report["problems"] and report["watcher_exit_code"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
