"""``formocr retention --tenant T [DAYS]``: show, or set, how many days a municipality keeps
its finished documents (exported or returned) before ``formocr purge --tenant T`` without a
cutoff removes them; 0 keeps them forever (the default). Each change is an audit event."""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from ..store import Store
from .common import add_settings_args, print_json, settings_from, write_text


def register(sub: Any) -> None:
    p = sub.add_parser("retention", help="show or set a municipality's retention period")
    p.add_argument("--tenant", required=True, help="the municipality (tenant id)")
    p.add_argument(
        "days", nargs="?", type=int, help="days to keep a finished document (0: forever)"
    )
    p.add_argument("--actor", help="who changes it (default: cli:<login name>)")
    p.add_argument("--json", action="store_true")
    add_settings_args(p, engine=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    with Store.from_settings(settings, migrate=True) as store:
        town = store.for_tenant(args.tenant)
        if args.days is not None:
            town.set_retention_days(args.days, actor=args.actor or f"cli:{getpass.getuser()}")
        days = town.retention_days()
    if args.json:
        print_json({"tenant": args.tenant, "retention_days": days})
    else:
        kept = "forever" if days == 0 else f"{days} day(s) after they finish"
        write_text(f"{args.tenant}: finished documents are kept {kept}\n")
    return 0
