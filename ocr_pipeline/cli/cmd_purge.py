"""``formocr purge --tenant T (--before DATE | --older-than DAYS) [--dry-run] [--yes]``: remove a
municipality's finished documents (exported, or returned to the applicant) that finished
before the cutoff, with their page images, evidence and archived scans; their audit events
keep who did what and when, without the values. Without a cutoff, the municipality's own
retention period (``formocr retention``) applies. ``--dry-run`` only says what would go;
otherwise the command asks on a terminal, and refuses without ``--yes`` elsewhere."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from ..errors import BadArgumentsError
from ..store import PurgePreview, PurgeReport, RetentionStore, Store, cutoff_for
from ..watch.paths import WatchPaths
from ..watch.retention import archive_remover
from .common import add_settings_args, print_json, settings_from, write_text

JST = timezone(timedelta(hours=9))


def register(sub: Any) -> None:
    p = sub.add_parser(
        "purge", help="remove finished documents past their retention (with images and scans)"
    )
    p.add_argument("--tenant", required=True, help="the municipality (tenant id)")
    when = p.add_mutually_exclusive_group()
    when.add_argument(
        "--before",
        type=_day,
        metavar="YYYY-MM-DD",
        help="remove documents finished before this day (YYYY-MM-DD, Japan time)",
    )
    when.add_argument(
        "--older-than",
        type=int,
        metavar="DAYS",
        help="remove documents finished more than DAYS days ago",
    )
    p.add_argument("--dry-run", action="store_true", help="say what would go; remove nothing")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--actor", help="who purges (default: cli:<login name>)")
    p.add_argument("--json", action="store_true")
    add_settings_args(p, engine=False)
    p.set_defaults(func=run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def cutoff(args: argparse.Namespace, town: RetentionStore, now: datetime) -> datetime:
    """The cutoff the arguments give, else the municipality's retention period."""
    if args.before is not None:
        return datetime.combine(args.before, time(), JST).astimezone(UTC)
    if args.older_than is not None:
        if args.older_than < 0:
            raise BadArgumentsError(
                f"--older-than {args.older_than}", "give a number of days, 0 or more"
            )
        return cutoff_for(args.older_than, now)
    days = town.retention_days()
    if days == 0:
        raise BadArgumentsError(
            f"municipality {town.tenant_id} keeps its documents forever (no retention period "
            "is set) and no cutoff was given",
            "give --before YYYY-MM-DD or --older-than DAYS, or set a period with "
            f"`formocr retention --tenant {town.tenant_id} DAYS`",
        )
    return cutoff_for(days, now)


def _jst(t: datetime | None) -> str | None:
    return t.astimezone(JST).isoformat(timespec="seconds") if t is not None else None


def preview_dict(p: PurgePreview) -> dict[str, Any]:
    return {
        "cutoff": _jst(p.cutoff),
        "documents": p.documents,
        "by_status": p.by_status,
        "first_finished": _jst(p.first_finished),
        "last_finished": _jst(p.last_finished),
        "source_files": p.source_files,
        "files_pending": p.pending_files,
    }


def preview_text(tenant: str, p: PurgePreview) -> str:
    statuses = ", ".join(f"{s} {n}" for s, n in sorted(p.by_status.items())) or "none"
    span = (
        f", finished {_jst(p.first_finished)} to {_jst(p.last_finished)}"
        if p.first_finished is not None
        else ""
    )
    return (
        f"{tenant}: {p.documents} finished document(s) before {_jst(p.cutoff)} ({statuses})"
        f"{span}; {p.source_files} scan file(s) with no document left"
        + (
            f"; {p.pending_files} file(s) of an earlier purge still to remove"
            if p.pending_files
            else ""
        )
        + "\n"
    )


def report_dict(r: PurgeReport) -> dict[str, Any]:
    return {
        "cutoff": _jst(r.cutoff),
        "documents": len(r.documents),
        "document_ids": list(r.documents),
        "source_files": len(r.source_files),
        "page_images": r.images,
        "archived_scans": r.archived,
        "events_erased": r.events_erased,
        "batches": r.batches,
        "files_left": r.files_left,
    }


def _confirm(tenant: str, p: PurgePreview) -> bool:
    if not sys.stdin.isatty():
        raise BadArgumentsError(
            "formocr purge removes documents for good and asks first, but standard input is "
            "not a terminal",
            "look with --dry-run, then run it again with --yes",
        )
    sys.stderr.write(preview_text(tenant, p))
    sys.stderr.write("Remove them for good? Type yes to go on: ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() == "yes"


def run(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    with Store.from_settings(settings, migrate=True) as store:
        town = store.for_tenant(args.tenant)
        town.retention_days()  # an unknown municipality is refused here
        cut = cutoff(args, town, datetime.now(UTC))
        preview = town.purge_preview(cut)
        if args.dry_run:
            if args.json:
                print_json({"tenant": args.tenant, "dry_run": True, **preview_dict(preview)})
            else:
                write_text("would remove: " + preview_text(args.tenant, preview))
            return 0
        if not args.yes and not _confirm(args.tenant, preview):
            write_text("nothing was removed\n")
            return 0
        report = town.purge_finished(
            cut,
            actor=args.actor or f"cli:{getpass.getuser()}",
            remove_archived=archive_remover(WatchPaths.from_settings(settings), args.tenant),
        )
    out = report_dict(report)
    if args.json:
        print_json({"tenant": args.tenant, **out})
    else:
        write_text(
            f"{args.tenant}: removed {out['documents']} document(s), {out['source_files']} "
            f"scan file(s), {out['page_images']} page image(s), {out['archived_scans']} "
            f"archived scan(s); values erased from {out['events_erased']} audit event(s)"
            + (
                f"; {out['files_left']} file(s) could not be removed yet (run again)"
                if out["files_left"]
                else ""
            )
            + "\n"
        )
    return 0
