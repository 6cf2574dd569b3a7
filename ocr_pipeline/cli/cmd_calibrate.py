"""``formocr calibrate``: set confidence thresholds from evaluation outcomes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..errors import BadArgumentsError, InputUnreadableError, OutputUnwritableError, RefusalCode
from ..evaluate.calibrate import calibrate
from ..evaluate.run import evaluate
from ..evaluate.score import FieldOutcome
from ..extract.routing import DEFAULT_CALIBRATION
from ..pipeline import Pipeline
from .common import add_settings_args, settings_from


def register(sub: Any) -> None:
    p = sub.add_parser(
        "calibrate",
        help="set per-type confidence thresholds for a target error among auto-accepted fields",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--dir", type=Path, help="evaluation folder (scans + truth) to process now")
    src.add_argument(
        "--outcomes", type=Path, nargs="+", help="outcome files from `formocr eval --outcomes`"
    )
    p.add_argument(
        "--target", type=float, default=0.001, help="allowed error among auto-accepted fields"
    )
    p.add_argument(
        "--out", type=Path, default=DEFAULT_CALIBRATION, help="where to write the thresholds"
    )
    add_settings_args(p)
    p.set_defaults(func=run)


def _read_outcomes(paths: list[Path]) -> list[FieldOutcome]:
    out = []
    for path in paths:
        try:
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    d = json.loads(line)
                    d["reasons"] = tuple(d["reasons"])
                    out.append(FieldOutcome(**d))
        except (OSError, ValueError, TypeError) as exc:
            raise InputUnreadableError(
                path,
                f"not an outcomes file: {exc}",
                "write one with `formocr eval DIR --outcomes FILE`",
                code=RefusalCode.MALFORMED,
            ) from exc
    return out


def run(args: argparse.Namespace) -> int:
    if not 0 < args.target < 1:
        raise BadArgumentsError(
            f"--target {args.target} is not a rate", "give e.g. 0.001 for 0.1 %"
        )
    if args.outcomes:
        outcomes = _read_outcomes(args.outcomes)
    else:
        settings, _ = settings_from(args)
        outcomes = evaluate(Pipeline.create(settings), args.dir).fields
    doc = calibrate(outcomes, args.target)
    doc["sources"] = [p.name for p in args.outcomes] if args.outcomes else [str(args.dir)]
    try:
        args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise OutputUnwritableError(
            f"cannot write {args.out}: {exc}", "choose a writable path with --out"
        ) from exc
    for t, v in doc["thresholds"].items():
        ev = doc["evidence"][t]
        sys.stderr.write(
            f"{t:12s} threshold {v:.4f}  accepted {ev['accepted']}/{ev['samples']}  "
            f"errors {ev['errors_accepted']}  (95% upper {ev['error_upper_95']:.4f})\n"
        )
    total = doc["total"]
    sys.stderr.write(
        f"all types: accepted {total['accepted']}  errors {total['errors_accepted']}  "
        f"(95% upper {total['error_upper_95']:.4f})\n"
    )
    held = doc["held_out"]
    sys.stderr.write(
        f"held out (fitted on half the pages, applied to the other): accepted "
        f"{held['accepted']}  errors {held['errors_accepted']}  "
        f"(95% upper {held['error_upper_95']:.4f})\n"
    )
    sys.stderr.write(f"wrote {args.out}\n")
    return 0
