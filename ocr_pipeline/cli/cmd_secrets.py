"""``formocr secrets status|rotate|new-key``: the keys that seal the 個人番号 at rest."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..store import Store
from ..store.keys import new_key
from .common import add_settings_args, print_json, settings_from, write_text


def register(sub: Any) -> None:
    p = sub.add_parser("secrets", help="the keys that seal the 個人番号 in the store")
    ss = p.add_subparsers(dest="secrets_command", required=True)
    st = ss.add_parser("status", help="where the key comes from; values sealed by each key")
    st.add_argument("--json", action="store_true")
    add_settings_args(st, engine=False)
    st.set_defaults(func=run_status)
    ro = ss.add_parser(
        "rotate", help="seal every sealed value again with a new key, then retire the old one"
    )
    ro.add_argument("--json", action="store_true")
    add_settings_args(ro, engine=False)
    ro.set_defaults(func=run_rotate)
    nk = ss.add_parser("new-key", help="print a new key (for FORMOCR_SECRET_KEY)")
    nk.set_defaults(func=run_new_key)


def _store(args: argparse.Namespace) -> Store:
    settings, _ = settings_from(args)
    return Store.from_settings(settings, migrate=True)


def run_status(args: argparse.Namespace) -> int:
    with _store(args) as store:
        by_key = store.sealed_by_key()
        store.keys.check(set(by_key))
        info = {
            "source": store.keys.source,
            "key_id": store.keys.current_id,
            "keys": len(store.keys.keys()),
            "sealed_by_key": by_key,
        }
    if args.json:
        print_json(info)
    else:
        counts = ", ".join(f"{k}: {n}" for k, n in sorted(by_key.items()))
        write_text(
            f"keys from {info['source']} ({info['keys']}); sealing with key {info['key_id']}\n"
            f"sealed values by key: {counts or 'none'}\n"
        )
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    with _store(args) as store:
        report = store.rotate_keys()
        source = store.keys.source
    info = {
        "resealed": report.resealed,
        "key_id": report.key_id,
        "retired": list(report.retired),
        "key_file": report.key_file,
    }
    if args.json:
        print_json(info)
    retired = ", ".join(report.retired) or "none"
    sys.stderr.write(
        f"formocr: {report.resealed} row(s) sealed again with key {report.key_id} "
        f"(keys from {source}); retired: {retired}\n"
    )
    if report.key_file is None and report.retired:
        sys.stderr.write(
            "formocr: now remove the retired key(s) from FORMOCR_SECRET_KEY and restart the "
            "services\n"
        )
    return 0


def run_new_key(args: argparse.Namespace) -> int:
    write_text(new_key() + "\n")
    return 0
