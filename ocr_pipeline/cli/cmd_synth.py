"""``formocr synth``: render filled forms like real scans, with truth files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from form_schemas.registry import FormRegistry

from ..errors import BadArgumentsError, OutputUnwritableError
from ..synth import Degrade, OutFormat, Style, SynthOptions, synthesize
from .common import add_settings_args, settings_from


def register(sub: Any) -> None:
    p = sub.add_parser("synth", help="render synthetic filled scans with ground truth")
    p.add_argument("--form", required=True, action="append", help="form id (repeatable, or 'all')")
    p.add_argument("--count", type=int, required=True, help="documents per form")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same files)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--style", choices=[s.value for s in Style], default=Style.MIXED.value)
    p.add_argument(
        "--writers",
        choices=["dev", "eval"],
        default="dev",
        help="writer set of --style stroke: dev (tuning) or eval (measuring only)",
    )
    p.add_argument("--degrade", choices=[d.value for d in Degrade], default=Degrade.MILD.value)
    p.add_argument(
        "--format", dest="fmt", choices=[f.value for f in OutFormat], default=OutFormat.PNG.value
    )
    p.add_argument(
        "--font",
        type=Path,
        action="append",
        default=[],
        help="font file to write with (repeatable)",
    )
    add_settings_args(p, engine=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    registry = FormRegistry.from_dirs(settings.form_dirs)
    ids = registry.ids if "all" in args.form else args.form
    for form_id in ids:
        if form_id not in registry:
            raise BadArgumentsError(
                f"unknown form {form_id!r}", f"use one of: {', '.join(registry.ids)}"
            )
    if args.count < 1:
        raise BadArgumentsError(
            "--count must be at least 1", "give the number of documents per form"
        )
    missing = [f for f in args.font if not f.is_file()]
    if missing:
        raise BadArgumentsError(
            f"font file not found: {missing[0]}", "give the path of a .ttf/.otf/.ttc file"
        )
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputUnwritableError(
            f"cannot create {args.out}: {exc}", "choose a writable folder"
        ) from exc
    written = 0
    for n, form_id in enumerate(ids):
        options = SynthOptions(
            style=Style(args.style),
            degrade=Degrade(args.degrade),
            fmt=OutFormat(args.fmt),
            fonts=tuple(args.font),
            seed=args.seed * 1000 + n,
            writers=args.writers,
        )
        written += len(synthesize(registry.get(form_id), args.count, args.out, options))
    sys.stderr.write(f"wrote {written} scan(s) with truth files to {args.out}\n")
    return 0
