"""Summarise an evaluation folder written by scripts/evaluate.sh or scripts/calibrate.sh.

    .venv/bin/python scripts/eval_summary.py OUT [SUFFIX]

One line per set (from ``OUT/<set>SUFFIX.outcomes.jsonl``), then the pooled figures of each
group of sets (stroke writers on the built-in forms, the town form, fonts): field accuracy,
circles and ticks, share auto-accepted, wrong among auto-accepted with the count it rests on
and its 95 % upper bound (Wilson).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ocr_pipeline.evaluate.stats import wilson_upper

MARKS = {"choice", "checkbox"}
GROUPS = {
    "stroke writers, built-in forms": ("stroke-",),
    "stroke writers, town form (150 dpi)": ("town-",),
    "print": ("print-",),
    "handwriting fonts": ("hand-", "heldout-"),
}


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def figures(rows: list[dict[str, Any]]) -> str:
    n = len(rows)
    right = sum(r["correct"] for r in rows)
    marks = [r for r in rows if r["type"] in MARKS]
    accepted = [r for r in rows if r["status"] == "accepted"]
    wrong = sum(not r["correct"] for r in accepted)
    pages = len({(r["source"], r["page"]) for r in rows})
    mark_acc = sum(r["correct"] for r in marks) / len(marks) if marks else float("nan")
    return (
        f"pages {pages:4d}  fields {n:6d}  accuracy {right / max(n, 1):7.2%}  "
        f"marks {mark_acc:7.2%} ({len(marks)})  auto-accepted {len(accepted) / max(n, 1):6.1%}  "
        f"wrong {wrong}/{len(accepted)} = {wrong / max(len(accepted), 1):.3%} "
        f"(95% upper {wilson_upper(wrong, len(accepted)):.3%})"
    )


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    suffix = argv[1] if len(argv) > 1 else ""
    sets = {
        p.name.removesuffix(f"{suffix}.outcomes.jsonl"): _load(p)
        for p in sorted(out.glob(f"*{suffix}.outcomes.jsonl"))
        if suffix or p.name.count(".") == 2
    }
    for name, rows in sets.items():
        print(f"{name:18} {figures(rows)}")
    print()
    for title, prefixes in GROUPS.items():
        rows = [r for name, rs in sets.items() if name.startswith(prefixes) for r in rs]
        if rows:
            print(f"{title}:\n  {figures(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
