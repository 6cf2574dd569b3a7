"""``formocr demo``: the real thing on embedded defaults. Creates the data folders and the store
(SQLite in ``data_dir`` unless ``database_url`` says otherwise), puts the sample scans into the
inbox of the demo municipality (tenant ``demo``), runs the watcher until they are read, and
prints the documents and where everything is. Run again, the samples come out as duplicates of
the files already read (the store keeps one document per file).

With ``--ui`` it also creates the demo municipality's users (if missing), starts the review UI,
prints its URL and the demo logins, and goes on watching the inbox until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import BadArgumentsError, ExitCode
from ..ingest import SUPPORTED_SUFFIXES
from ..settings import Settings
from ..store import ConflictError, DocumentReader, DocumentStatus, NotFoundError, Store
from ..watch import Watcher, WatchOptions, WatchPaths, drop_file
from .cmd_ui import streamlit_command
from .cmd_watch import (
    add_watch_args,
    outcome_sink,
    stop_on_signals,
    summary_line,
    watch_settings,
)
from .common import add_settings_args
from .tables import table

TENANT = "demo"
TENANT_NAME = "デモ市"
PACKAGED_SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
# Demo logins of the demo municipality only, printed by ``--ui``; never created elsewhere.
DEMO_PASSWORD = "demo-pass-2024"
DEMO_USERS = (
    ("demo-reviewer", "reviewer", "確認 太郎"),
    ("demo-reviewer2", "reviewer", "確認 花子"),
    ("demo-admin", "administrator", "管理 一郎"),
    ("demo-clerk", "clerk", "窓口 次郎"),
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo", help="read the sample scans through the watched folder into the store"
    )
    p.add_argument(
        "--keep-running",
        action="store_true",
        help="go on watching the inbox after the samples are read (stop with Ctrl-C)",
    )
    p.add_argument(
        "--samples", type=Path, help="folder of sample scans (default: data/samples of formocr)"
    )
    p.add_argument(
        "--ui",
        action="store_true",
        help="also create demo users, start the review UI and keep watching (Ctrl-C stops)",
    )
    p.add_argument("--port", type=int, default=8501, help="review UI port (with --ui)")
    add_watch_args(p)
    add_settings_args(p)
    p.set_defaults(func=run)


def sample_scans(folder: Path | None) -> list[Path]:
    """The scans in ``folder`` (default: the repository's ``data/samples``, else
    ``./data/samples``), truth files left out."""
    candidates = [folder] if folder else [PACKAGED_SAMPLES, Path("data/samples")]
    for candidate in candidates:
        if candidate is not None and candidate.is_dir():
            scans = sorted(
                p
                for p in candidate.iterdir()
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if scans:
                return scans
    raise BadArgumentsError(
        f"no sample scans in {', '.join(str(c) for c in candidates)}",
        "pass --samples DIR with PDF, TIFF, JPEG or PNG scans (formocr synth makes some)",
    )


def _prepare(settings: Settings) -> str:
    """Create or upgrade the store (as ``formocr watch`` and ``ui`` do) and the demo tenant;
    the store's URL."""
    with Store.from_settings(settings, migrate=True) as store:
        store.for_tenant(TENANT).ensure_tenant(TENANT_NAME)
        return store.url


def _demo_users(store: Store) -> list[str]:
    """Create the demo users that are missing; their logins, for the banner."""
    for login, role, name in DEMO_USERS:
        try:
            store.users.get(login)
        except NotFoundError:
            with contextlib.suppress(ConflictError):  # made meanwhile by another run
                store.users.add(
                    login,
                    password=DEMO_PASSWORD,
                    role=role,
                    tenants=[TENANT],
                    actor="system:demo",
                    display_name=name,
                )
    return [login for login, _, _ in DEMO_USERS]


def _start_ui(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    with Store.from_settings(settings) as store:
        logins = _demo_users(store)
    proc = subprocess.Popen(streamlit_command(port, "127.0.0.1"))
    sys.stdout.write(
        f"\nReview UI: http://localhost:{port}/\n"
        f"  demo logins (municipality {TENANT!r}): {', '.join(logins)}\n"
        f"  password: {DEMO_PASSWORD}  (demo only; add real users with `formocr users add`)\n"
    )
    sys.stdout.flush()
    return proc


def _watch(watcher: Watcher, keep_running: bool, when_idle: Callable[[], None]) -> bool:
    """Run the watcher in a thread until it is idle (then call ``when_idle``), and on with
    ``keep_running`` until SIGINT/SIGTERM. True if a signal ended it."""
    stop = threading.Event()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            watcher.run(stop)
        except BaseException as exc:
            failure.append(exc)
            stop.set()

    thread = threading.Thread(target=target, name="watcher")
    with stop_on_signals(stop) as received:
        thread.start()
        while not stop.is_set() and not watcher.wait_idle(1.0):
            pass
        if not stop.is_set():
            when_idle()
            if keep_running:
                sys.stderr.write(
                    f"formocr demo: still watching {watcher.paths.inbox}; stop with Ctrl-C\n"
                )
                stop.wait()
        stop.set()
        thread.join()
    if failure:
        raise failure[0]
    return bool(received)


def _report(
    town: DocumentReader, settings: Settings, store_url: str, paths: WatchPaths, watching: bool
) -> str:
    """What the demo read and where everything is. The inbox line says what happens to more
    scans: read while the demo goes on watching, or by ``formocr watch`` once it has ended."""
    docs = town.list_documents(limit=1000)
    names = {d.source_file_id: town.get_source(d.source_file_id).name for d in docs}
    rows = [
        [
            str(d.id),
            names[d.source_file_id],
            f"p.{d.first_page}",
            d.form_id,
            d.status.value,
            str(d.open_fields),
        ]
        for d in docs
    ]
    counts = town.counts().documents
    by_status = [[s.value, str(counts.get(s.value, 0))] for s in DocumentStatus]
    quarantine = paths.quarantine_folder(TENANT)
    held = len(list(quarantine.glob("*.error.json"))) if quarantine.is_dir() else 0
    lines = [
        f"Documents of municipality {TENANT!r} ({TENANT_NAME}):",
        table(["id", "file", "page", "form", "status", "fields to review"], rows)
        if rows
        else "(none)",
        "",
        table(["status", "documents"], by_status),
        f"{sum(d.open_fields for d in docs)} field(s) need review",
        "",
        "Where the results are:",
        f"  store        {store_url}",
        f"  page images  {(settings.data_dir / 'images' / TENANT).absolute()}",
        f"  archive      {paths.archive / TENANT}",
        f"  quarantine   {quarantine} ({held} file(s))",
        f"  inbox        {paths.tenant_inbox(TENANT)}",
        "  (more scans dropped into the inbox are read while this demo runs; Ctrl-C stops it)"
        if watching
        else "  (drop more scans into the inbox and run `formocr watch` to read them)",
    ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    settings = watch_settings(args)
    scans = sample_scans(args.samples)
    store_url = _prepare(settings)
    quiet = bool(getattr(args, "quiet", False))
    watcher = Watcher(
        settings,
        WatchOptions.from_settings(settings),
        report=outcome_sink(json_lines=False, quiet=quiet),
    )
    watcher.paths.create()
    for scan in scans:
        drop_file(watcher.paths.inbox, TENANT, scan.name, source=scan)
    if not quiet:
        sys.stderr.write(
            f"formocr demo: {len(scans)} sample scan(s) put into "
            f"{watcher.paths.tenant_inbox(TENANT)}; reading them\n"
        )

    ui: list[subprocess.Popen[bytes]] = []
    keep_running = bool(args.keep_running or args.ui)

    def when_idle() -> None:
        if not quiet:
            sys.stderr.write(f"formocr demo: {summary_line(watcher.summary)}\n")
        with Store.from_settings(settings) as store:
            report = _report(
                store.for_tenant(TENANT), settings, store_url, watcher.paths, keep_running
            )
            sys.stdout.write(report)
        sys.stdout.flush()
        if args.ui:
            ui.append(_start_ui(settings, args.port))

    try:
        interrupted = _watch(watcher, keep_running, when_idle)
    finally:
        for proc in ui:
            proc.terminate()
            proc.wait(timeout=30)
    return int(ExitCode.INTERRUPTED if interrupted and not keep_running else ExitCode.OK)
