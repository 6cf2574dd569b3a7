"""``formocr config``: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..settings import config_file, describe
from .common import add_settings_args, print_json, settings_from
from .tables import table


def register(sub: Any) -> None:
    p = sub.add_parser("config", help="print the effective settings and their sources")
    p.add_argument("--json", action="store_true")
    add_settings_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings, flags = settings_from(args)
    info = describe(settings, flags)
    if args.json:
        print_json({"config_file": str(config_file()) if config_file() else None, "settings": info})
        return 0
    src = config_file()
    sys.stdout.write(f"config file: {src if src else 'none (formocr.toml or $FORMOCR_CONFIG)'}\n")
    rows = [[k, v["value"], v["source"], v["description"]] for k, v in info.items()]
    sys.stdout.write(table(["setting", "value", "source", "meaning"], rows, max_col=70) + "\n")
    return 0
