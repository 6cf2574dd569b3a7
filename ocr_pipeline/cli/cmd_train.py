"""``formocr train reader``: train the second reader (a per-character classifier) offline;
with ``--tenant``, a municipality's own model (:mod:`.cmd_training`, which also holds
``train export|use|list|opt-in``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import BadArgumentsError, OutputUnwritableError
from . import cmd_training
from .common import add_settings_args, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("train", help="train the models formocr trains itself (offline)")
    what = p.add_subparsers(dest="what", required=True)
    r = what.add_parser("reader", help="the second reader: digits, kana, ー and 元, per character")
    r.add_argument(
        "--out",
        type=Path,
        help="model file to write (default: the shipped ocr_pipeline/reader2/second_reader.onnx)",
    )
    r.add_argument("--per-class", type=int, default=300, help="drawings per class (default 300)")
    r.add_argument("--seed", type=int, default=20240819, help="seed of every drawing")
    r.add_argument("--classes", help="train only these characters (e.g. 0123456789 for a test)")
    r.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes drawing characters and, with --tenant, cutting reviewed fields (default 2)",
    )
    r.add_argument("--json", action="store_true", help="print the report as one JSON object")
    r.add_argument(
        "--tenant",
        help="train a municipality's own model: synthetic characters plus its reviewed ones "
        "(needs its opt-in); written under <data_dir>/models/<tenant>/",
    )
    r.add_argument("--data-dir", type=Path, help="runtime data folder (setting data_dir)")
    add_settings_args(r)
    r.set_defaults(func=run)
    cmd_training.register(what)


def _progress(stage: str, done: int, total: int) -> None:
    sys.stderr.write(f"\r{stage}: {done}/{total}" + ("\n" if done >= total else ""))
    sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    from ..reader2.charset import ALL_CLASSES
    from ..reader2.model import DEFAULT_MODEL
    from ..reader2.train import TrainOptions, train

    if args.per_class < 2:
        raise BadArgumentsError("--per-class must be at least 2", "pass e.g. --per-class 300")
    if args.tenant:
        if args.out or args.classes:
            raise BadArgumentsError(
                "--out and --classes do not go with --tenant",
                "a municipality's model is written under <data_dir>/models/<tenant>/",
            )
        return cmd_training.run_reader(args)
    classes = ALL_CLASSES
    if args.classes:
        unknown = sorted(set(args.classes) - set(ALL_CLASSES))
        if unknown:
            raise BadArgumentsError(
                f"the second reader has no class for {''.join(unknown)!r}",
                "choose from digits, kana, ー and 元",
            )
        classes = tuple(dict.fromkeys(args.classes))
    out: Path = args.out or DEFAULT_MODEL
    options = TrainOptions(
        classes=classes,
        per_class=args.per_class,
        held_out_per_class=max(2, min(40, args.per_class // 5)),
        seed=args.seed,
        workers=max(1, args.workers),
    )
    try:
        report = train(out, options, _progress)
    except OSError as exc:
        raise OutputUnwritableError(f"cannot write {out}: {exc}", "choose a writable path") from exc
    from ..engines.models import sha256_of

    rep = {**report.to_dict(), "out": str(out), "sha256": sha256_of(out)}
    if args.json:
        print_json(rep)
        return 0
    worst = sorted(report.per_class.items(), key=lambda kv: kv[1])[:15]
    lines = [
        f"model     {out} ({out.stat().st_size / 1024:.0f} KiB)",
        f"sha256    {rep['sha256']}",
        f"samples   {report.samples} from {len(report.sources)} sources",
        f"time      render {report.seconds_render:.0f} s, fit {report.seconds_fit:.0f} s",
        f"held out  {report.held_out}",
        f"accuracy  {_pct(report.accuracy)} (digits {_pct(report.digit_accuracy)}, "
        f"kana {_pct(report.kana_accuracy)})",
        "weakest   " + "  ".join(f"{c} {_pct(a)}" for c, a in worst),
        "per class " + "  ".join(f"{c} {100 * a:.0f}" for c, a in report.per_class.items()),
    ]
    if args.out is None:
        lines.append("record the new sha256 in ocr_pipeline/reader2/model.py (MODEL_SHA256)")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f} %"
