"""``formocr train export|use|list|opt-in`` and ``train reader --tenant``: learning from a
municipality's reviewers (:mod:`ocr_pipeline.training`)."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from form_schemas.registry import FormRegistry

from ..errors import BadArgumentsError
from ..reader2.registry import PACKAGED, tenant_models
from ..settings import Settings
from ..store import Store, TenantStore, check_model_id
from .common import add_settings_args, print_json, settings_from
from .tables import table


def tenant_args(p: argparse.ArgumentParser, engine: bool = False) -> None:
    p.add_argument("--tenant", required=True, help="the municipality (tenant id)")
    p.add_argument("--data-dir", type=Path, help="runtime data folder (setting data_dir)")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    add_settings_args(p, engine=engine)


def register(what: Any) -> None:
    """The subcommands of ``formocr train`` besides ``reader``."""
    ex = what.add_parser("export", help="a municipality's reviewed fields as training data")
    ex.add_argument("--out", type=Path, required=True, help="new or empty folder to write")
    ex.add_argument("--since", help="only fields decided on or after this day (YYYY-MM-DD)")
    ex.add_argument("--types", help="only these field types, comma-separated (kana,digits)")
    ex.add_argument("--actor", help="who exports (default: cli:<login name>)")
    tenant_args(ex, engine=True)
    ex.set_defaults(func=run_export)
    use = what.add_parser("use", help="switch a municipality's second reader model")
    use.add_argument("model", help="a model id of `formocr train list`, or 'packaged'")
    use.add_argument("--actor", help="who switches (default: cli:<login name>)")
    tenant_args(use)
    use.set_defaults(func=run_use)
    ls = what.add_parser("list", help="a municipality's own second reader models")
    tenant_args(ls)
    ls.set_defaults(func=run_list)
    opt = what.add_parser("opt-in", help="allow or stop training use of reviewed fields")
    opt.add_argument("state", choices=["on", "off"])
    opt.add_argument("--actor", help="who decides (default: cli:<login name>)")
    tenant_args(opt)
    opt.set_defaults(func=run_opt_in)


def actor_of(args: argparse.Namespace) -> str:
    return str(args.actor or f"cli:{getpass.getuser()}")


def open_tenant(args: argparse.Namespace) -> tuple[Settings, Store, TenantStore]:
    """The settings, the store and the municipality (which must exist)."""
    settings, _ = settings_from(args)
    store = Store.from_settings(settings, migrate=True)
    if args.tenant not in store.tenants():
        store.close()
        raise BadArgumentsError(
            f"there is no municipality {args.tenant!r} in the store",
            "check the tenant id (`formocr users list` shows the municipalities in use)",
        )
    return settings, store, store.for_tenant(args.tenant)


def _since(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise BadArgumentsError(f"--since {text!r} is not a day", "write it as 2026-12-01") from exc
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _types(text: str | None) -> list[str] | None:
    if not text:
        return None
    from form_schemas.spec import FieldType

    types = [t.strip() for t in text.split(",") if t.strip()]
    unknown = sorted(set(types) - {t.value for t in FieldType})
    if unknown:
        raise BadArgumentsError(
            f"unknown field type {', '.join(unknown)}",
            "choose from: " + ", ".join(t.value for t in FieldType),
        )
    return types


def run_export(args: argparse.Namespace) -> int:
    from ..engines import create_engine
    from ..training.export import check_opted_in, export_training
    from ..training.samples import SampleMaker

    settings, store, town = open_tenant(args)
    with store:
        check_opted_in(town)  # before loading the recognizer
        since, types = _since(args.since), _types(args.types)
        forms = FormRegistry.from_dirs(settings.form_dirs)
        maker = SampleMaker(town, forms, lambda: create_engine(settings))
        report = export_training(
            town,
            maker,
            args.out,
            actor=actor_of(args),
            since=since,
            types=types,
            progress=lambda d, t: progress("fields", d, t),
        )
    if args.json:
        print_json(report.to_dict())
        return 0
    rows = [
        [t, str(c.fields), str(c.crops), str(c.chars), str(c.unreadable), str(c.left_out)]
        for t, c in sorted(report.counts.items())
    ]
    sys.stdout.write(
        table(["type", "fields", "crops", "chars", "unreadable", "left out"], rows)
        + f"\nwritten to {report.out} (manifest SHA-256 {report.manifest_sha256})\n"
    )
    return 0


def run_use(args: argparse.Namespace) -> int:
    model: str | None = None if args.model == PACKAGED else check_model_id(args.model)
    settings, store, town = open_tenant(args)
    with store:
        if model is not None and model not in {m.id for m in _models(settings, args.tenant)}:
            raise BadArgumentsError(
                f"municipality {args.tenant} has no model {model!r}",
                f"list its models with `formocr train list --tenant {args.tenant}`",
            )
        town.set_reader_model(model, actor=actor_of(args))
    out = {"tenant": args.tenant, "model": model or PACKAGED}
    if args.json:
        print_json(out)
    else:
        sys.stdout.write(f"{args.tenant} now reads with the {model or PACKAGED} model\n")
    return 0


def _models(settings: Settings, tenant: str) -> list[Any]:
    return tenant_models(settings.data_dir, tenant)


def run_list(args: argparse.Namespace) -> int:
    settings, store, town = open_tenant(args)
    with store:
        active = town.reader_model()
    models = _models(settings, args.tenant)
    if args.json:
        print_json(
            {
                "tenant": args.tenant,
                "active": active or PACKAGED,
                "models": [{**m.to_dict(), "path": str(m.path)} for m in models],
            }
        )
        return 0
    rows = [
        [
            ("* " if m.id == active else "  ") + m.id,
            m.created.strftime("%Y-%m-%d %H:%M"),
            _pct(m.accuracy_before.get("all")),
            _pct(m.accuracy_after.get("all")),
            str(sum(m.examples.values())),
            str(sum(m.held_out.values())),
        ]
        for m in models
    ]
    rows.append([("* " if active is None else "  ") + PACKAGED, "", "", "", "", ""])
    sys.stdout.write(
        table(["model", "created", "before", "after", "train chars", "held out"], rows) + "\n"
    )
    return 0


def run_opt_in(args: argparse.Namespace) -> int:
    _settings, store, town = open_tenant(args)
    with store:
        town.set_training_opt_in(args.state == "on", actor=actor_of(args))
    if args.json:
        print_json({"tenant": args.tenant, "training_opt_in": args.state == "on"})
    else:
        sys.stdout.write(f"training use of {args.tenant}'s reviewed fields: {args.state}\n")
    return 0


def run_reader(args: argparse.Namespace) -> int:
    """``formocr train reader --tenant T``."""
    from ..engines import create_engine
    from ..training.export import check_opted_in
    from ..training.retrain import TenantTrainOptions, train_tenant
    from ..training.samples import SampleMaker

    settings, store, town = open_tenant(args)
    with store:
        check_opted_in(town)
        forms = FormRegistry.from_dirs(settings.form_dirs)
        maker = SampleMaker(town, forms, lambda: create_engine(settings))
        options = TenantTrainOptions(
            per_class=args.per_class, seed=args.seed, workers=max(1, args.workers)
        )
        report = train_tenant(town, maker, settings.data_dir, options, progress=progress)
    refusal = report.refusal()
    if args.json:
        print_json(report.to_dict())
        if refusal is not None:
            raise refusal
        return 0
    types = [*sorted(set(report.accuracy_before) - {"all"}), "all"]
    rows = [
        [
            t,
            str(report.held_out_chars.get(t, sum(report.held_out_chars.values()))),
            _pct(report.accuracy_before.get(t)),
            _pct(report.accuracy_after.get(t)),
        ]
        for t in types
    ]
    sys.stdout.write(table(["type", "held-out chars", f"before ({report.base})", "after"], rows))
    sys.stdout.write("\n")
    if refusal is not None:
        raise refusal
    sys.stdout.write(
        f"model {report.model_id} written to {report.path}\n"
        f"switch to it with: formocr train use --tenant {args.tenant} {report.model_id}\n"
    )
    return 0


def progress(stage: str, done: int, total: int) -> None:
    if total and (done == total or done % max(1, total // 20) == 0):
        sys.stderr.write(f"\r{stage}: {done}/{total}" + ("\n" if done >= total else ""))
        sys.stderr.flush()


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f} %"
