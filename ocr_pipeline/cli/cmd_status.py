"""``formocr status``: queue depth per tenant, the intake leader and the live workers."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import ExitCode
from .common import add_settings_args, print_json, settings_from


def register(sub: Any) -> None:
    p = sub.add_parser(
        "status",
        help="queue depth per tenant (store and broker), the intake leader, the live workers",
    )
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    add_settings_args(p, engine=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..distributed import collect

    settings, _flags = settings_from(args)
    status = collect(settings)
    if args.json:
        print_json(status)
    else:
        sys.stdout.write(render(status))
    return int(ExitCode.STORE_UNAVAILABLE if "store" in status["errors"] else ExitCode.OK)


def render(status: dict[str, Any]) -> str:
    lines = [f"task_backend: {status['task_backend']}"]
    leader = status.get("leader")
    lines.append(f"intake leader: {leader['label'] if leader else 'none'}")
    celery = status["task_backend"] == "celery"
    lines.append("tenant\tqueued\trunning\tdone\tfailed" + ("\tbroker" if celery else ""))
    for tenant, c in status["tenants"].items():
        row = [tenant, *(str(c.get(k, 0)) for k in ("queued", "running", "done", "failed"))]
        if "broker" in c:
            row.append(str(c["broker"]))
        lines.append("\t".join(row))
    if "workers" in status:
        lines.append(f"workers: {len(status['workers'])}")
        lines.extend(f"  {name}" for name in sorted(status["workers"]))
    lines.extend(f"error ({part}): {text}" for part, text in status["errors"].items())
    return "\n".join(lines) + "\n"
