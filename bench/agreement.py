"""Does agreement with a municipality's own second reader raise the auto-accepted share
without raising wrong-among-accepted?

Takes a work folder of ``bench.tenant_training`` (its store, and the municipality's newest
model), draws ``--pages`` fresh pages (both forms) by ``--writers`` with ``--seed``, and reads
each page twice: with the packaged second reader (today's routing) and with the
municipality's model and every agreeing field raised (``PERMISSIVE``), so that one pass
gives what any rule would accept (:meth:`AgreementRule.raises`, the pipeline's own test).
For digit and kana fields it records type, status, reasons, confidence, threshold and
agreement, and whether the value is right, into ``records-<writers>-<seed>.jsonl``.

Then it prints, for the packaged model, the municipality's model without agreement, and
with the rule in use (``AGREEMENT_RULE``), how many fields were accepted and how many of them
wrong with the Wilson 95 % upper bound. ``--fit`` (development writers only) instead
searches the rule that accepts the most right fields with no wrong one among those it
raises, and prints it.

    python -m bench.agreement --work /tmp/dev --writers dev --seed 2026120421 --pages 100 --fit
    python -m bench.agreement --work /tmp/eval --writers eval --seed 2026120433 --pages 100
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.tenant_training import TENANT, TYPES, make_pages, truth_of
from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldSpec
from ocr_pipeline.evaluate.stats import wilson_upper
from ocr_pipeline.extract.agreement import (
    AGREEMENT_RULE,
    PERMISSIVE,
    Agreement,
    AgreementRule,
    eligible,
    kind,
)
from ocr_pipeline.pipeline import Pipeline, process_pages
from ocr_pipeline.reader2.registry import tenant_models
from ocr_pipeline.settings import load_settings

DETAIL = re.compile(r"all (\d+) characters alike \(lowest ([0-9.]+), twin ([0-9.]+)\)")
Record = dict[str, Any]


def read_records(pipe: Pipeline, paths: list[Path], model: str | None) -> list[Record]:
    """Every digit and kana field of ``paths`` read with ``model`` (None: packaged)."""
    pipe.use_reader(TENANT, model)
    if model is not None:
        pipe.agreement = PERMISSIVE
    out: list[Record] = []
    for n, path in enumerate(paths, 1):
        truth = truth_of(path)
        for result, _page in process_pages(pipe, path):
            for fid, f in result.fields.items():
                if f.type not in TYPES or fid not in truth:
                    continue
                codes = [r.code for r in f.reasons]
                rec: Record = {
                    "page": path.name,
                    "form": result.form,
                    "field": fid,
                    "type": f.type,
                    "status": f.status.value,
                    "reasons": codes,
                    "confidence": f.confidence,
                    "right": f.value == truth[fid],
                }
                for r in f.reasons:
                    m = DETAIL.search(r.detail or "") if r.code == "readers_agree" else None
                    if m:
                        rec["agree_chars"], rec["agree_lowest"] = int(m[1]), float(m[2])
                        rec["agree_twin"] = float(m[3])
                out.append(rec)
        sys.stderr.write(f"\rread {model or 'packaged'} {n}/{len(paths)}   ")
    sys.stderr.write("\n")
    return out


def _spec(forms: FormRegistry, rec: Record) -> FieldSpec:
    form = forms.get(rec["form"])
    return next(f for f in form.spec.all_fields() if f.id == rec["field"])


def accepted(rec: Record, rule: AgreementRule | None, forms: FormRegistry) -> bool:
    """Whether ``rec`` is accepted under ``rule`` (None: agreement raises nothing)."""
    if rec["status"] != "accepted":
        return False
    if "readers_agree" not in rec["reasons"]:
        return True
    if rule is None:
        return False
    agreement = Agreement(rec["agree_chars"], rec["agree_lowest"], rec.get("agree_twin", 0.0))
    return rule.raises(_spec(forms, rec), rec["confidence"], agreement)


def figures(records: Iterable[Record], rule: AgreementRule | None, forms: FormRegistry) -> Record:
    rows = list(records)
    acc = [r for r in rows if accepted(r, rule, forms)]
    wrong = sum(not r["right"] for r in acc)
    raised = [r for r in acc if "readers_agree" in r["reasons"]]
    return {
        "fields": len(rows),
        "accepted": len(acc),
        "share": round(len(acc) / len(rows), 4) if rows else None,
        "wrong_accepted": wrong,
        "wrong_upper_95": round(wilson_upper(wrong, len(acc)), 4) if acc else None,
        "raised": len(raised),
        "raised_wrong": sum(not r["right"] for r in raised),
    }


MIN_SUPPORT = 20
"""A field type gets a floor only when at least this many right fields of it would be raised
on the development pages: a limit drawn from two or three fields says nothing."""


TWIN_LIMIT = 0.02
"""The most either reader may have given a twin of a character read (ツ/ッ, カ/ガ: see
``reader2.agree.twins``) for agreement to count. Both readers miss a kana's size or a faint
dakuten alike (the two wrong fields the first fitted rule raised on evaluation writers), and
development pages show too few such errors to fit a limit, so it is set: 0.02, the smallest
of 0.01, 0.02, 0.03 that leaves at least :data:`MIN_SUPPORT` フリガナ to fit on (development
seed 2026120423, of the 71 that agreed under their threshold, the second reader at least
0.5 sure: 19 at 0.01, 27 at 0.02, 31 at 0.03)."""


def fit(records: list[Record], forms: FormRegistry) -> AgreementRule:
    """Per field kind, the (floor, lowest probability) pair that raises the most right fields
    with none wrong among those it raises, among fields whose twin doubt is at most
    :data:`TWIN_LIMIT`; floors one per type, the lowest raised right confidence of that type
    under the pair, for types with at least :data:`MIN_SUPPORT` such fields (development
    writers only)."""
    cands = [r for r in records if "readers_agree" in r["reasons"]]
    floors: dict[str, float] = {}
    min_prob: dict[str, float] = {}
    for k in ("digit", "kana"):
        mine = [
            r
            for r in cands
            if kind(_spec(forms, r)) == k
            and eligible(_spec(forms, r))
            and r.get("agree_twin", 0.0) <= TWIN_LIMIT
        ]
        best: tuple[int, float, float] | None = None
        for p in (0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995):
            sure = [r for r in mine if r["agree_lowest"] >= p]
            wrong = [r["confidence"] for r in sure if not r["right"]]
            floor = max(wrong, default=-1.0)  # strictly above every wrong one
            right = [r for r in sure if r["right"] and r["confidence"] > floor]
            if best is None or len(right) > best[0]:
                best = (len(right), p, floor)
        if best is None or best[0] == 0:
            continue
        _, p, floor = best
        min_prob[k] = p
        raised = [
            r for r in mine if r["agree_lowest"] >= p and r["right"] and r["confidence"] > floor
        ]
        for t in sorted({r["type"] for r in raised}):
            mine_t = [r["confidence"] for r in raised if r["type"] == t]
            if len(mine_t) >= MIN_SUPPORT:
                floors[t] = round(min(mine_t), 3)
    limits = {k: TWIN_LIMIT for k in min_prob}
    return AgreementRule(floors=floors, min_prob=min_prob, max_twin=limits)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, required=True, help="a bench.tenant_training folder")
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--seed", type=int, required=True, help="a seed never used before")
    ap.add_argument("--writers", choices=("dev", "eval"), required=True)
    ap.add_argument("--fit", action="store_true", help="fit the rule (development writers)")
    args = ap.parse_args()
    if args.fit and args.writers != "dev":
        ap.error("the rule is fitted on development writers only")
    data_dir = args.work / "data"
    settings = load_settings(data_dir=data_dir)
    models = tenant_models(data_dir, TENANT)
    forms = FormRegistry.from_dirs()
    result: Record = {"seed": args.seed, "writers": args.writers}
    paths = make_pages(args.work / f"fresh-{args.writers}", args.pages, args.seed, args.writers)
    pipe: list[Pipeline] = []
    records: list[Record] = []
    for name, model in [("packaged", None), *(("town", m.id) for m in models[-1:])]:
        # each model's records are kept, so that a run can be resumed or repeated
        out = args.work / f"records-{args.writers}-{args.seed}-{model or name}.jsonl"
        if not out.is_file():
            pipe = pipe or [Pipeline.create(settings)]
            started = time.perf_counter()
            rows = [dict(r, model=name) for r in read_records(pipe[0], paths, model)]
            result[f"seconds_read_{name}"] = round(time.perf_counter() - started)
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            out.write_text(text, "utf-8")
        records += [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        result[f"model_{name}"] = model or "packaged"
    if not models:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        ap.exit(
            1,
            f"{args.work} has no model of municipality {TENANT} yet: run "
            "bench.tenant_training there (the packaged model's records are kept)\n",
        )
    result["load_average"] = [round(v, 1) for v in os.getloadavg()]
    town = [r for r in records if r["model"] == "town"]
    packaged = [r for r in records if r["model"] == "packaged"]
    rule = fit(town, forms) if args.fit else AGREEMENT_RULE
    result["rule"] = {
        "floors": dict(rule.floors),
        "min_prob": dict(rule.min_prob),
        "max_twin": dict(rule.max_twin),
    }
    result["packaged"] = figures(packaged, None, forms)
    result["town"] = figures(town, None, forms)
    result["town_with_agreement"] = figures(town, rule, forms)
    result["per_type"] = {
        t: {
            "packaged": figures((r for r in packaged if r["type"] == t), None, forms),
            "town_with_agreement": figures((r for r in town if r["type"] == t), rule, forms),
        }
        for t in sorted({r["type"] for r in records})
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
