"""``formocr process PATH...``: read scans, print what was read.

個人番号 and fields a form marks sensitive are printed masked unless ``--show-sensitive``
(:mod:`.masking`). A file that cannot be read at all is said so, with why and what to do; in
JSON it is the documented ``error`` record with ``page`` 0.
"""

from __future__ import annotations

import argparse
import logging
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
from .masking import masked_page
from .tables import page_table

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser("process", help="read scans and print the fields of every page")
    p.add_argument(
        "paths", nargs="+", type=Path, help="scan files or folders (PDF, TIFF, JPEG, PNG)"
    )
    p.add_argument("--form", help="form id, when all pages are known to be this form")
    p.add_argument("--json", action="store_true", help="one JSON object per page (JSON Lines)")
    p.add_argument("--brief", action="store_true", help="JSON without raw readings and boxes")
    p.add_argument(
        "--show-sensitive",
        action="store_true",
        help="print 個人番号 and fields marked sensitive as read (masked by default)",
    )
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


def refusal(path: Path, exc: InputUnreadableError) -> str:
    """What a clerk reads when a whole file cannot be read: which file, why, what to do."""
    text = f"{path}: the file could not be read: {exc.reason}\n"
    return text + (f"  What to do: {exc.remedy}\n" if exc.remedy else "")


def summary(statuses: Counter[str], review: int, refused: list[Path]) -> str:
    """The closing lines: pages read by status, then the files that could not be read."""
    lines = []
    if statuses or not refused:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        lines.append(
            f"{sum(statuses.values())} page(s): {counts or 'none'}; {review} field(s) need review"
        )
    if refused:
        names = ", ".join(str(p) for p in refused)
        lines.append(f"{len(refused)} file(s) could not be read (see above): {names}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    files = expand(args.paths)
    if args.form is not None:  # before the models load: a typo should fail fast
        known = FormRegistry.from_dirs(settings.form_dirs)
        if args.form not in known:
            raise BadArgumentsError(
                f"unknown form {args.form!r}", f"use one of: {', '.join(known.ids)}"
            )
    if args.show_sensitive:
        log.warning("--show-sensitive: 個人番号 and sensitive fields are printed as read")
    pipe = Pipeline.create(settings)
    statuses: Counter[str] = Counter()
    review = 0
    refused: list[Path] = []
    show_progress = not args.json and sys.stderr.isatty()
    for path in tqdm(files, desc="files", unit="file", disable=not show_progress, file=sys.stderr):
        try:
            pages = list(process_document(pipe, path, args.form))
        except InputUnreadableError as exc:
            refused.append(path)
            if args.json:
                print_json(_error_page(path, exc).to_dict(detail=not args.brief))
            else:
                write_text(refusal(path, exc))
            continue
        for page in pages:
            statuses[page.status.value] += 1
            review += len(page.needs_review)
            shown = page if args.show_sensitive else masked_page(page, pipe.registry)
            if args.json:
                print_json(shown.to_dict(detail=not args.brief))
            else:
                write_text(page_table(shown, pipe.registry) + "\n")
    if not args.json:
        write_text(summary(statuses, review, refused))
    return int(ExitCode.INPUT_UNREADABLE if refused else ExitCode.OK)
