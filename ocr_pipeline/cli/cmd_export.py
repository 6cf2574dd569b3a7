"""``formocr export run|repeat|log|profiles``: CSV files of approved records for the core
systems, kept in the store's export ledger."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from form_schemas.registry import FormRegistry

from ..errors import SchemaInvalidError
from ..export import ProfileRegistry
from ..export.ledger import ExportOutcome, repeat_export, run_export
from ..settings import Settings
from ..store import ExportStore, Store
from .common import add_settings_args, print_json, settings_from
from .tables import table


def _common(p: argparse.ArgumentParser, tenant: bool = True) -> None:
    if tenant:
        p.add_argument("--tenant", required=True, help="the municipality (tenant id)")
    p.add_argument("--json", action="store_true")
    add_settings_args(p, engine=False)


def register(sub: Any) -> None:
    p = sub.add_parser("export", help="export approved records as CSV for a core system")
    es = p.add_subparsers(dest="export_command", required=True)
    run = es.add_parser("run", help="write a new file of every approved, unexported record")
    run.add_argument("--profile", required=True, help="export profile id")
    run.add_argument("--actor", help="who exports (default: cli:<login name>)")
    run.add_argument("--out", type=Path, help="folder (default: the export_dir setting)")
    _common(run)
    run.set_defaults(func=run_run)
    rep = es.add_parser("repeat", help="write a past export again, byte for byte")
    rep.add_argument("export_id", type=int)
    rep.add_argument("--actor", help="who repeats it (default: cli:<login name>)")
    rep.add_argument("--out", type=Path, required=True, help="folder for the copy")
    _common(rep)
    rep.set_defaults(func=run_repeat)
    log = es.add_parser("log", help="the exports of a municipality, newest first")
    log.add_argument("--limit", type=int, default=50)
    _common(log)
    log.set_defaults(func=run_log)
    prof = es.add_parser("profiles", help="the export profiles and their problems")
    _common(prof, tenant=False)
    prof.set_defaults(func=run_profiles)


def _actor(args: argparse.Namespace) -> str:
    return str(args.actor or f"cli:{getpass.getuser()}")


def _forms(settings: Settings) -> FormRegistry:
    return FormRegistry.from_dirs(settings.form_dirs)


def _tenant(settings: Settings, tenant: str) -> tuple[Store, ExportStore]:
    store = Store.from_settings(settings, migrate=True)
    return store, store.for_tenant(tenant)


def _print_outcome(out: ExportOutcome, as_json: bool) -> None:
    info = {
        "export_id": out.export_id,
        "profile": out.profile,
        "file": str(out.path) if out.path else None,
        "sha256": out.sha256,
        "bytes": out.size,
        "documents": list(out.documents),
        "neutralised": [c.to_dict() for c in out.neutralised],
    }
    if as_json:
        print_json(info)
    elif out.path is None:
        sys.stdout.write(f"{out.profile}: no approved records waiting; nothing written\n")
    else:
        sys.stdout.write(
            f"export {out.export_id}: {len(out.documents)} record(s) -> {out.path}\n"
            f"  sha256 {out.sha256}\n"
        )
        if out.neutralised:
            where = ", ".join(f"line {c.line} {c.column}" for c in out.neutralised[:10])
            more = f" and {len(out.neutralised) - 10} more" if len(out.neutralised) > 10 else ""
            sys.stdout.write(
                f"  {len(out.neutralised)} cell(s) began with = + - @, tab or CR and were written"
                f" with a leading ' (CSV injection): {where}{more}\n"
            )


def run_run(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    profile = ProfileRegistry.from_dirs(settings.profiles_dir).get(args.profile)
    store, tenant = _tenant(settings, args.tenant)
    with store:
        out = run_export(
            tenant,
            profile,
            _forms(settings),
            actor=_actor(args),
            out_dir=args.out or settings.exports_path,
            now=datetime.now(UTC),
        )
    _print_outcome(out, args.json)
    return 0


def run_repeat(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    store, tenant = _tenant(settings, args.tenant)
    with store:
        out = repeat_export(
            tenant, args.export_id, _forms(settings), actor=_actor(args), out_dir=args.out
        )
    _print_outcome(out, args.json)
    return 0


def run_log(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    store, tenant = _tenant(settings, args.tenant)
    with store:
        entries = tenant.export_log(limit=args.limit)
    if args.json:
        for e in entries:
            print_json(
                {
                    "export_id": e.id,
                    "profile": e.profile,
                    "form": e.form_id,
                    "actor": e.actor,
                    "at": e.at.isoformat(),
                    "file": e.file_name,
                    "sha256": e.sha256,
                    "bytes": e.size,
                    "documents": e.document_count,
                    "neutralised": _neutralised(e.params),
                }
            )
        return 0
    rows = [
        [
            str(e.id),
            e.at.strftime("%Y-%m-%d %H:%M"),
            e.profile,
            str(e.document_count),
            str(len(_neutralised(e.params))),
            e.actor,
            e.file_name,
        ]
        for e in entries
    ]
    headers = ["id", "at (UTC)", "profile", "records", "neutralised", "by", "file"]
    sys.stdout.write(table(headers, rows) + "\n")
    return 0


def _neutralised(params: dict[str, Any]) -> list[Any]:
    """The cells an export neutralised (line, record, column), as its ledger entry keeps them;
    none for exports recorded before neutralising existed."""
    cells = params.get("neutralised")
    return cells if isinstance(cells, list) else []


def run_profiles(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    profiles = ProfileRegistry.from_dirs(settings.profiles_dir)
    problems = profiles.problems(_forms(settings))
    if args.json:
        for p in profiles:
            print_json(
                {
                    "id": p.id,
                    "title": p.title,
                    "form": p.form,
                    "encoding": p.encoding.value,
                    "problems": problems.get(p.id, []),
                }
            )
    else:
        rows = [
            [p.id, p.form, p.encoding.value, p.title, "; ".join(problems.get(p.id, [])) or "ok"]
            for p in profiles
        ]
        sys.stdout.write(table(["id", "form", "encoding", "title", "check"], rows) + "\n")
    if problems:
        raise SchemaInvalidError(
            f"{len(problems)} export profile(s) do not fit their form: {', '.join(problems)}",
            "fix the profile files named above (see ocr_pipeline/export/README.md)",
        )
    return 0
