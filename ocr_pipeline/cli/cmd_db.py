"""``formocr db upgrade|status``: create or upgrade the store's schema, and show its state."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..settings import Settings
from ..store import database_url, upgrade
from ..store.api import default_keys
from ..store.db import current_revision, head_revision, make_engine, safe_url
from ..store.errors import StoreUnavailableError
from .common import add_settings_args, print_json, settings_from


def register(sub: Any) -> None:
    p = sub.add_parser("db", help="create or upgrade the store database; show its state")
    ds = p.add_subparsers(dest="db_command", required=True)
    up = ds.add_parser("upgrade", help="create the schema or upgrade it to this version")
    add_settings_args(up, engine=False)
    up.set_defaults(func=run_upgrade)
    st = ds.add_parser("status", help="the database URL and its schema revision")
    st.add_argument("--json", action="store_true")
    add_settings_args(st, engine=False)
    st.set_defaults(func=run_status)


def _url(settings: Settings) -> str:
    url = database_url(settings)
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return url


def run_upgrade(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    url = _url(settings)
    upgrade(url, keys=default_keys(settings.data_dir))
    sys.stderr.write(f"database {safe_url(url)} is at revision {head_revision()}\n")
    return 0


def run_status(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    url = _url(settings)
    engine = make_engine(url)
    try:
        current = current_revision(engine)
    except Exception as exc:  # the driver's own errors: connection refused, bad password...
        first = str(getattr(exc, "orig", exc)).strip().splitlines() or [type(exc).__name__]
        raise StoreUnavailableError(safe_url(url), f"cannot connect: {first[0]}") from exc
    finally:
        engine.dispose()
    head = head_revision()
    info = {"url": safe_url(url), "revision": current, "head": head, "up_to_date": current == head}
    if args.json:
        print_json(info)
    else:
        state = "up to date" if current == head else "needs `formocr db upgrade`"
        sys.stdout.write(f"{info['url']}: revision {current or 'none'} (head {head}), {state}\n")
    return 0
