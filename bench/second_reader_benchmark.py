"""The second reader in figures: model size and load time, held-out accuracy (digits, kana),
milliseconds per page, and how its disagreements sort good readings from bad ones.

Run from the repository root::

    .venv/bin/python -m bench.second_reader_benchmark [--pages 6] [--writers dev|eval] [--json]

Pages are synthesised in stroke-drawn handwriting (``--writers dev``, the default, is the
development range: the only one the agreement threshold may be tuned on; ``eval`` measures).
Every field the second reader can check is scored against the truth: of the fields the
recognizer got wrong, how many the second reader flags (caught), and of those it got right,
how many it flags for nothing (false alarms), for several values of ``agree.MIN_PROB``.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

THRESHOLDS = (0.0, 0.3, 0.5, 0.7, 0.9, 0.97)
CHECKED = {"digits", "mynumber", "postal_code", "phone", "date", "wareki_date", "kana"}


def held_out_accuracy(per_class: int) -> dict[str, Any]:
    from ocr_pipeline.reader2.charset import ALL_CLASSES, DIGITS, is_kana
    from ocr_pipeline.reader2.model import SecondReader
    from ocr_pipeline.reader2.sources import writer_seeds, writer_sources
    from ocr_pipeline.reader2.train import render_set

    _, held = writer_seeds()
    sources = writer_sources(held)
    if not sources:
        return {"held_out": "no stroke-drawn writers available"}
    reader = SecondReader.load()
    x, y = render_set(sources, ALL_CLASSES, per_class, 777, workers=2)
    outputs = reader._session.run(None, {reader._session.get_inputs()[0].name: x})
    probs = next(o for o in outputs if getattr(o, "ndim", 0) == 2 and o.dtype != np.int64)
    pred = np.array(reader.classes)[np.argmax(probs, axis=1)]
    ok = pred == y
    digits = np.isin(y, list(DIGITS))
    kana = np.array([is_kana(c) for c in y])
    from ocr_pipeline.reader2.charset import fold

    folded = np.array([fold(a) == fold(b) for a, b in zip(pred, y, strict=True)])
    return {
        "held_out": f"{len(sources)} held-out development writers, {len(y)} characters",
        "digit_accuracy": round(float(ok[digits].mean()), 4),
        "kana_accuracy": round(float(ok[kana].mean()), 4),
        "kana_accuracy_folded": round(float(folded[kana].mean()), 4),
    }


def _pages(folder: Path, pages: int, writers: str) -> None:
    from form_schemas.registry import FormRegistry
    from ocr_pipeline.synth import Degrade, OutFormat, Style, SynthOptions, synthesize

    options = SynthOptions(
        style=Style.STROKE,
        degrade=Degrade.MILD,
        fmt=OutFormat.PNG,
        seed=4242,
        blank_back_rate=0.0,
        writers=writers,
    )
    for form in FormRegistry.from_dirs():
        synthesize(form, pages, folder, options)


def agreement(pages: int, writers: str) -> dict[str, Any]:
    """Run the pipeline on synthesised pages, recording per field the second reader's
    strongest disagreement, and score it against the truth."""
    from ocr_pipeline import extract
    from ocr_pipeline.evaluate.score import score_page
    from ocr_pipeline.evaluate.truth import load_truth
    from ocr_pipeline.extract import second
    from ocr_pipeline.pipeline import Pipeline, process_document
    from ocr_pipeline.settings import load_settings

    strongest: dict[str, float] = {}
    details: dict[str, str] = {}
    seconds: list[float] = []
    current = {"page": ""}

    def recording(
        observations: Mapping[str, Any], readings: Mapping[str, Any], reader: Any
    ) -> None:
        started = time.perf_counter()
        found = second.disagreements(observations, readings, reader, min_prob=0.0)
        seconds.append(time.perf_counter() - started)
        for fid, findings in found.items():
            top = max(f.strength for f in findings)
            strongest[f"{current['page']}|{fid}"] = top
            kind = observations[fid].spec.type
            details[f"{current['page']}|{fid}"] = str(second.reason(kind, findings))

    # extract/__init__ imports second_opinion without re-exporting it; the name it calls is patched.
    extract.second_opinion = recording  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _pages(folder, pages, writers)
        pipe = Pipeline.create(load_settings(data_dir=folder / "data"))
        rows = []
        for scan in sorted(folder.glob("*.png")):
            truth = load_truth(scan.with_suffix(".truth.json"))[0]
            current["page"] = scan.name
            for result in process_document(pipe, scan):
                _, fields = score_page(result, truth)
                for f in fields:
                    if f.type in CHECKED and f.truth not in (None, ""):
                        rows.append((f, strongest.get(f"{scan.name}|{f.field}", -1.0)))
    out: dict[str, Any] = {
        "fields": len(rows),
        "primary_wrong": sum(not f.correct for f, _ in rows),
        "ms_per_page": round(1000 * float(np.mean(seconds)), 1) if seconds else None,
    }
    out["wrong readings"] = [
        f"{f.type} {f.field}: truth {_shown(f.type, f.truth)} read {_shown(f.type, f.value)} "
        f"({f.status}; second reader {'agrees or abstains' if p < 0 else f'differs at {p:.2f}'})"
        for f, p in rows
        if not f.correct
    ]
    out["right readings the second reader doubts"] = [
        f"{f.type} {f.field} ({f.status}): {details.get(key, '')}"
        for f, p in rows
        if f.correct and p >= 0 and (key := f"{Path(f.source).name}|{f.field}")
    ]
    for kind in ("digit", "kana"):
        mine = [(f, p) for f, p in rows if (f.type == "kana") == (kind == "kana")]
        out[f"{kind} fields"] = _sweep(mine, strongest)
    return out


def _shown(kind: str, value: Any) -> str:
    return "(個人番号)" if kind == "mynumber" else repr(value)


def _sweep(rows: list[tuple[Any, float]], strongest: dict[str, float]) -> dict[str, Any]:
    """Per threshold: wrong readings flagged, right ones flagged, and of the wrong readings
    nothing else sent to review, how many would still be accepted."""
    out: dict[str, Any] = {}
    wrong = [(f, p) for f, p in rows if not f.correct]
    right = [(f, p) for f, p in rows if f.correct]
    slipped = [(f, p) for f, p in wrong if f.status == "accepted"]
    for t in THRESHOLDS:
        out[str(t)] = {
            "wrong_flagged": f"{sum(p >= t for _, p in wrong)}/{len(wrong)}",
            "right_flagged": f"{sum(p >= t for _, p in right)}/{len(right)}",
            "right_accepted_lost": sum(p >= t for f, p in right if f.status == "accepted"),
            "wrong_accepted": f"{sum(p < t for _, p in slipped)} (without: {len(slipped)})",
        }
    return out


def model_figures() -> dict[str, Any]:
    from ocr_pipeline.reader2.model import DEFAULT_MODEL, SecondReader

    started = time.perf_counter()
    SecondReader.load()
    load = time.perf_counter() - started
    return {"onnx_kib": round(DEFAULT_MODEL.stat().st_size / 1024), "load_ms": round(1000 * load)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=6, help="pages per built-in form")
    ap.add_argument("--writers", choices=("dev", "eval"), default="dev")
    ap.add_argument("--per-class", type=int, default=30, help="held-out drawings per class")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    report = {
        **model_figures(),
        **held_out_accuracy(args.per_class),
        **agreement(args.pages, args.writers),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for key, value in report.items():
            if isinstance(value, list):
                print(f"{key}:")
                for line in value:
                    print(f"  {line}")
            elif isinstance(value, dict):
                print(f"{key}:")
                for k, v in value.items():
                    print(f"  min_prob {k:>5}  {v}")
            else:
                print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
