"""``formocr process PATH...``: read scans, print what was read."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from tqdm import tqdm

from form_schemas.registry import FormRegistry

from ..errors import BadArgumentsError, ExitCode, InputUnreadableError
from ..ingest import SUPPORTED_SUFFIXES
from ..pipeline import Pipeline, process_document
from ..results import PageResult, PageStatus
from .common import add_settings_args, print_json, settings_from, write_text
from .tables import page_table


def register(sub: Any) -> None:
    p = sub.add_parser("process", help="read scans and print the fields of every page")
    p.add_argument(
        "paths", nargs="+", type=Path, help="scan files or folders (PDF, TIFF, JPEG, PNG)"
    )
    p.add_argument("--form", help="form id, when all pages are known to be this form")
    p.add_argument("--json", action="store_true", help="one JSON object per page (JSON Lines)")
    p.add_argument("--brief", action="store_true", help="JSON without raw readings and boxes")
    add_settings_args(p)
    p.set_defaults(func=run)


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders replaced by the scans inside them (recursively, sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not found:
                raise BadArgumentsError(f"{path} holds no scans", "supported: PDF, TIFF, JPEG, PNG")
            files.extend(found)
        else:
            files.append(path)
    return files


def _error_page(path: Path, exc: InputUnreadableError) -> PageResult:
    return PageResult(source=str(path), page=0, status=PageStatus.ERROR, reason=str(exc))


def run(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    files = expand(args.paths)
    if args.form is not None:  # before the models load: a typo should fail fast
        known = FormRegistry.from_dirs(settings.form_dirs)
        if args.form not in known:
            raise BadArgumentsError(
                f"unknown form {args.form!r}", f"use one of: {', '.join(known.ids)}"
            )
    pipe = Pipeline.create(settings)
    statuses: Counter[str] = Counter()
    review = 0
    failed = False
    show_progress = not args.json and sys.stderr.isatty()
    for path in tqdm(files, desc="files", unit="file", disable=not show_progress, file=sys.stderr):
        try:
            pages = list(process_document(pipe, path, args.form))
        except InputUnreadableError as exc:
            failed = True
            pages = [_error_page(path, exc)]
        for page in pages:
            statuses[page.status.value] += 1
            review += len(page.needs_review)
            if args.json:
                print_json(page.to_dict(detail=not args.brief))
            else:
                write_text(page_table(page, pipe.registry) + "\n")
    if not args.json:
        summary = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        write_text(f"{sum(statuses.values())} page(s): {summary}; {review} field(s) need review\n")
    return int(ExitCode.INPUT_UNREADABLE if failed else ExitCode.OK)
