"""``formocr audit rate|report``: the sampling audit of auto-accepted fields. ``rate`` shows or
sets the share of a municipality's auto-accepted fields that goes to a reviewer as if unsure
(audit-logged); ``report`` prints, per week, corrections per 100 fields and what the audit
found, and the measured error rate of accepted fields with its 95 % Wilson interval."""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from ..evaluate.stats import ErrorRate
from ..store import AuditTotals, AuditWeek, Store
from .common import add_settings_args, print_json, settings_from, write_text


def register(sub: Any) -> None:
    p = sub.add_parser("audit", help="the sampling audit of auto-accepted fields")
    ss = p.add_subparsers(dest="audit_command", required=True)
    rate = ss.add_parser(
        "rate", help="show, or set, the share of auto-accepted fields sent to review"
    )
    rate.add_argument("--tenant", required=True, help="the municipality (tenant id)")
    rate.add_argument(
        "rate", nargs="?", type=float, help="a share from 0 (off) to 1, e.g. 0.02 for 2 %%"
    )
    rate.add_argument("--actor", help="who changes it (default: cli:<login name>)")
    rate.add_argument("--json", action="store_true")
    add_settings_args(rate, engine=False)
    rate.set_defaults(func=run_rate)
    rep = ss.add_parser("report", help="weekly corrections and the measured error rate")
    rep.add_argument("--tenant", required=True, help="the municipality (tenant id)")
    rep.add_argument("--weeks", type=int, default=12, help="how many weeks back (default 12)")
    rep.add_argument("--json", action="store_true")
    add_settings_args(rep, engine=False)
    rep.set_defaults(func=run_report)


def _store(args: argparse.Namespace) -> Store:
    settings, _ = settings_from(args)
    return Store.from_settings(settings, migrate=True)


def run_rate(args: argparse.Namespace) -> int:
    with _store(args) as store:
        town = store.for_tenant(args.tenant)
        if args.rate is not None:
            town.set_audit_rate(args.rate, actor=args.actor or f"cli:{getpass.getuser()}")
        rate = town.audit_rate()
    if args.json:
        print_json({"tenant": args.tenant, "audit_rate": rate})
    else:
        write_text(f"{args.tenant}: audit rate {rate:g} ({100 * rate:g} % of accepted fields)\n")
    return 0


def error_rate(wrong: int, checked: int) -> dict[str, Any]:
    """The measured error rate of accepted fields and its 95 % Wilson interval."""
    e = ErrorRate.of(wrong, checked)
    return {"checked": checked, "wrong": wrong, "rate": e.rate, "low_95": e.low, "high_95": e.high}


def _week(w: AuditWeek) -> dict[str, Any]:
    return {
        "week": w.week,
        "fields": w.fields,
        "corrected": w.corrected,
        "corrections_per_100": w.corrections_per_100,
        "samples": w.samples,
        **error_rate(w.wrong, w.checked),
    }


def _line(w: dict[str, Any]) -> str:
    per100 = w["corrections_per_100"]
    rate = w["rate"]
    return (
        f"{w['week']}  fields {w['fields']:>6}  corrections/100 "
        + (f"{per100:6.2f}" if per100 is not None else "     -")
        + f"  samples {w['samples']:>4}  checked {w['checked']:>4}  wrong {w['wrong']:>3}"
        + (
            f"  {100 * rate:.2f} % ({100 * w['low_95']:.2f}-{100 * w['high_95']:.2f} %)"
            if rate is not None
            else ""
        )
    )


def run_report(args: argparse.Namespace) -> int:
    with _store(args) as store:
        town = store.for_tenant(args.tenant)
        rate = town.audit_rate()
        weeks = [_week(w) for w in town.audit_weeks(max(0, args.weeks))]
        totals: AuditTotals = town.audit_totals()
    overall = {"samples": totals.samples, **error_rate(totals.wrong, totals.checked)}
    if args.json:
        print_json({"tenant": args.tenant, "audit_rate": rate, "weeks": weeks, "total": overall})
        return 0
    lines = [f"{args.tenant}: audit rate {rate:g}", *(_line(w) for w in weeks)]
    if overall["rate"] is None:
        lines.append(f"total: {totals.samples} sample(s), none checked yet")
    else:
        lines.append(
            f"total: {totals.wrong} wrong of {totals.checked} checked "
            f"({100 * overall['rate']:.2f} %, 95 % interval {100 * overall['low_95']:.2f}"
            f"-{100 * overall['high_95']:.2f} %); {totals.samples} sample(s) drawn"
        )
    write_text("\n".join(lines) + "\n")
    return 0
