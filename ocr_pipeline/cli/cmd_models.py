"""``formocr models``: where the OCR model files are, verified by SHA-256."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..engines.models import sha256_of, verify_all
from .common import print_json, settings_from
from .tables import table


def register(sub: Any) -> None:
    p = sub.add_parser("models", help="locate and verify the OCR model files (no download, ever)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    found = verify_all(settings.model_dir)
    if settings.second_reader:
        from ..reader2.model import verify

        found += verify()
    rows = [[name, sha256_of(path)[:16] + "…", str(path)] for name, path in found]
    if args.json:
        print_json([{"model": n, "sha256": sha256_of(p), "path": str(p)} for n, p in found])
    else:
        sys.stdout.write(
            table(["model file", "sha256", "path"], rows, max_col=100)
            + "\nall model files present and verified\n"
        )
    return 0
