"""``formocr eval DIR``: measure accuracy, routing and speed against truth files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ..errors import OutputUnwritableError
from ..evaluate.run import count_pages, evaluate
from ..pipeline import Pipeline
from .common import add_settings_args, print_json, settings_from
from .tables import table


def register(sub: Any) -> None:
    p = sub.add_parser("eval", help="score the pipeline on scans with .truth.json files")
    p.add_argument("directory", type=Path, help="folder of scans and truth files (formocr synth)")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument(
        "--outcomes",
        type=Path,
        help="also write every field's outcome as JSON Lines (for calibrate)",
    )
    add_settings_args(p)
    p.set_defaults(func=run)


def _pct(v: Any) -> str:
    return "-" if v is None else f"{100 * v:.2f} %"


def render(rep: dict[str, Any]) -> str:
    """The report as readable tables."""
    lines = [
        f"pages {rep['pages']}  ({rep['pages_per_second']} pages/s, {rep['seconds']} s)",
        f"page status/form correct  {_pct(rep['page_accuracy'])}",
        f"field accuracy            {_pct(rep['field_accuracy'])}",
        f"  of fields with writing  {_pct(rep['written_field_accuracy'])}",
        f"character accuracy        {_pct(rep['char_accuracy'])}",
        f"auto-accepted (STP)       {_pct(rep['straight_through_rate'])}",
        f"error among auto-accepted {_pct(rep['auto_accept_error_rate'])}"
        f"  ({rep['wrong_accepted']} of {rep['accepted']}; 95 % upper bound "
        f"{_pct(rep['auto_accept_error_upper_95'])})",
        f"pages needing no review   {_pct(rep['pages_straight_through'])}",
        f"planted errors caught     {_pct(rep['expected_review_caught'])}",
        "",
    ]
    for key in ("by_type", "by_form"):
        rows = [
            [
                name,
                str(g["fields"]),
                _pct(g["field_accuracy"]),
                _pct(g["auto_accepted"]),
                _pct(g["auto_accept_error_rate"]),
                f"{g['wrong_accepted']}/{g['accepted']}",
                _pct(g["auto_accept_error_upper_95"]),
            ]
            for name, g in rep[key].items()
        ]
        lines.append(
            table(
                [
                    key[3:],
                    "fields",
                    "accuracy",
                    "auto-accepted",
                    "error when accepted",
                    "wrong/accepted",
                    "95 % upper",
                ],
                rows,
            )
        )
        lines.append("")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    settings, _ = settings_from(args)
    pipe = Pipeline.create(settings)
    total = count_pages(args.directory)
    bar = tqdm(
        total=total,
        desc="eval",
        unit="page",
        file=sys.stderr,
        disable=args.json and not sys.stderr.isatty(),
    )

    def tick(_page: object) -> None:
        bar.update(1)

    ev = evaluate(pipe, args.directory, on_page=tick)
    bar.close()
    rep = ev.report()
    rep["engine"] = pipe.engine.name
    if args.outcomes:
        try:
            with args.outcomes.open("w", encoding="utf-8") as fh:
                for f in ev.fields:
                    fh.write(json.dumps(f.to_dict(), ensure_ascii=False) + "\n")
        except OSError as exc:
            raise OutputUnwritableError(
                f"cannot write {args.outcomes}: {exc}", "choose a writable path"
            ) from exc
    if args.json:
        print_json(rep)
    else:
        sys.stdout.write(render(rep))
    return 0
