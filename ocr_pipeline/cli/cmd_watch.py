"""``formocr watch``: take the scans dropped into the inbox folder and read them into the store.

One line per file on stderr (``--json``: also one JSON object per file on stdout). SIGTERM and
SIGINT stop it gracefully: workers finish their page, hand their file back and exit (exit code
0 after SIGTERM, 130 after SIGINT). ``--once`` reads what is in the inbox now and exits: 0, or
3 if a file was quarantined. A new store is created and an older one upgraded first, as
``formocr ui`` does.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import ExitCode
from ..settings import Settings, load_settings
from ..watch import FileOutcome, Outcome, RunSummary, Watcher, WatchOptions
from .common import SETTING_FLAGS, add_settings_args, print_json
from .store_setup import upgrade_store


def register(sub: Any) -> None:
    p = sub.add_parser(
        "watch",
        help="read the scans dropped into the inbox folder (INBOX/<tenant>/) into the store",
    )
    add_watch_args(p)
    p.add_argument("--once", action="store_true", help="read what is in the inbox now, then exit")
    p.add_argument("--json", action="store_true", help="one JSON object per file on stdout")
    add_settings_args(p)
    p.set_defaults(func=run)


def add_watch_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--inbox", type=Path, help="inbox folder (setting inbox_dir)")
    p.add_argument("--workers", type=int, help="worker processes (setting workers, default 2)")
    p.add_argument(
        "--settle", type=float, help="seconds a file must stay unchanged (setting settle_seconds)"
    )
    p.add_argument(
        "--rescan", type=float, help="seconds between full rescans (setting rescan_seconds)"
    )


def watch_settings(args: argparse.Namespace) -> Settings:
    """Settings with the common flags and the watcher's own applied."""
    given = {k: getattr(args, k, None) for k in SETTING_FLAGS}
    given.update(
        inbox_dir=getattr(args, "inbox", None),
        workers=getattr(args, "workers", None),
        settle_seconds=getattr(args, "settle", None),
        rescan_seconds=getattr(args, "rescan", None),
    )
    return load_settings(**given)


def outcome_sink(*, json_lines: bool, quiet: bool) -> Callable[[FileOutcome], None]:
    """The CLI's report: the line on stderr (unless ``quiet``), JSON on stdout if asked."""

    def sink(outcome: FileOutcome) -> None:
        if not quiet:
            sys.stderr.write(outcome.line() + "\n")
            sys.stderr.flush()
        if json_lines:
            print_json(outcome.to_dict())

    return sink


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[list[int]]:
    """SIGTERM and SIGINT set ``stop`` (the signals received are listed) while the block
    runs; the previous handlers come back afterwards."""
    received: list[int] = []

    def handler(signum: int, _frame: object) -> None:
        received.append(signum)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def announce_ready(watcher: Watcher, text: str, stop: threading.Event) -> None:
    """Print ``text`` on stderr once the watcher's workers are ready (in a daemon thread)."""

    def wait() -> None:
        while not stop.is_set():
            if watcher.ready.wait(0.5):
                sys.stderr.write(text + "\n")
                sys.stderr.flush()
                return

    threading.Thread(target=wait, name="announce-ready", daemon=True).start()


def summary_line(summary: RunSummary) -> str:
    counts = summary.by_outcome
    parts = [f"{n} {o}" for o, n in sorted(counts.items())] or ["nothing"]
    return f"{len(summary.files)} file(s): {', '.join(parts)}; {summary.documents} document(s)"


def run(args: argparse.Namespace) -> int:
    settings = watch_settings(args)
    upgrade_store(settings)  # a new data folder works as with `formocr ui`
    if settings.task_backend == "celery":
        return run_intake(args, settings)
    quiet = bool(getattr(args, "quiet", False))
    options = WatchOptions.from_settings(settings, once=args.once)
    watcher = Watcher(settings, options, report=outcome_sink(json_lines=args.json, quiet=quiet))
    stop = threading.Event()
    if not quiet:
        sys.stderr.write(
            f"formocr watch: inbox {watcher.paths.inbox}, {options.workers} worker(s), "
            f"settle {options.settle:g} s, rescan {options.rescan:g} s\n"
        )
        announce_ready(watcher, "formocr watch: ready", stop)
    with stop_on_signals(stop) as received:
        try:
            summary = watcher.run(stop)
        finally:
            stop.set()
    if not quiet:
        sys.stderr.write(f"formocr watch: stopped; {summary_line(summary)}\n")
    return exit_code(args, summary, received)


def exit_code(args: argparse.Namespace, summary: RunSummary, received: list[int]) -> int:
    if signal.SIGINT in received:
        return int(ExitCode.INTERRUPTED)
    if args.once and summary.by_outcome.get(Outcome.QUARANTINED.value):
        return int(ExitCode.INPUT_UNREADABLE)
    return int(ExitCode.OK)


def run_intake(args: argparse.Namespace, settings: Settings) -> int:
    """The intake of ``task_backend = celery``: no workers here; ``formocr worker`` reads."""
    from ..distributed import IntakeRunner
    from ..distributed.app import queue_name
    from ..store import safe_url

    quiet = bool(getattr(args, "quiet", False))
    options = WatchOptions.from_settings(settings, once=args.once)

    def say(text: str) -> None:
        if not quiet:
            sys.stderr.write(f"formocr watch: {text}\n")
            sys.stderr.flush()

    def on_state(state: str) -> None:
        if state == "standby":
            say("standby: another intake leads this store; waiting to take over")
        elif state == "leading":
            say("leading: this intake takes the files")
        elif state == "sharing":
            say("sharing: this intake takes the files of its share of the municipalities")
        else:
            say("stepped down: the intake lock was lost; waiting to lead again")

    runner = IntakeRunner(
        settings,
        options,
        report=outcome_sink(json_lines=args.json, quiet=quiet),
        on_state=on_state,
    )
    stop = threading.Event()
    say(
        f"intake (task_backend celery, broker {safe_url(settings.broker_url)}, queues "
        f"{queue_name('<tenant>')}): inbox {settings.inbox_path.absolute()}, "
        f"settle {options.settle:g} s, rescan {options.rescan:g} s"
    )

    def announce() -> None:
        while not stop.is_set():
            if runner.ready.wait(0.5):
                say("ready")
                while runner.ready.is_set() and not stop.wait(0.5):
                    pass

    threading.Thread(target=announce, name="announce-ready", daemon=True).start()
    with stop_on_signals(stop) as received:
        try:
            summary = runner.run(stop)
        finally:
            stop.set()
    say(f"stopped; {summary_line(summary)}")
    return exit_code(args, summary, received)
