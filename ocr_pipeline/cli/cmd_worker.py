"""``formocr worker``: read files for every tenant (``task_backend = celery``), on any machine
that reaches the store's PostgreSQL, the broker and the archive folder.

A Celery worker runs in this process with ``--concurrency`` reading processes, each with its
own OCR engine. SIGTERM stops it warmly (files being read finish; the rest stay queued), a
second SIGTERM or SIGINT at once (the files being read are read again by another worker).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import ConfigInvalidError, ExitCode
from ..settings import Settings
from .cmd_watch import watch_settings
from .common import add_settings_args
from .store_setup import upgrade_store


def register(sub: Any) -> None:
    p = sub.add_parser(
        "worker",
        help="read the files the intake (formocr watch, task_backend = celery) sends, "
        "for every tenant",
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="reading processes, each with its own OCR engine (default: setting workers)",
    )
    p.add_argument(
        "--processor",
        help="MODULE:FUNCTION making the file processor from the settings, instead of the OCR "
        "pipeline (a fast fake for tests and coordination benchmarks)",
    )
    add_settings_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..distributed import load_factory, run_worker

    settings = watch_settings(args)
    check_celery(settings, "formocr worker")
    concurrency = args.concurrency or settings.workers
    if not 1 <= concurrency <= 64:
        raise ConfigInvalidError(
            f"--concurrency {concurrency} is out of range", "use 1 to 64 reading processes"
        )
    upgrade_store(settings)
    verbose = int(getattr(args, "verbose", 0) or 0)
    quiet = bool(getattr(args, "quiet", False))
    level = "DEBUG" if verbose > 1 else "WARNING" if quiet else "INFO"
    run_worker(settings, concurrency, load_factory(args.processor), loglevel=level)
    return int(ExitCode.OK)


def check_celery(settings: Settings, command: str) -> None:
    if settings.task_backend != "celery":
        raise ConfigInvalidError(
            f"{command} needs task_backend = celery (it is {settings.task_backend})",
            'set task_backend = "celery" and broker_url in formocr.toml, or '
            "FORMOCR_TASK_BACKEND=celery and FORMOCR_BROKER_URL in the environment",
        )
