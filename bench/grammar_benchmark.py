"""Milliseconds per page of CTC decoding: greedy alone against decoding held to field grammars.

Run from the repository root::

    .venv/bin/python -m bench.grammar_benchmark [--pages 9] [--style stroke] [--json]

Pages are synthesized (the built-in forms in turn) or read from ``--dir`` and go through the
whole pipeline once, with an engine wrapper that records every page's crops, allowed sets and
grammars. The recognizer then runs once more on each page's crops to get their softmax output,
and only the decoding is timed (CPU time, ``--repeat`` times, the fastest run counts):
``decode`` for every crop, ``decode_constrained`` with the grammar ``observe.grammar_for``
chose, and the worst case, as if every crop with a grammar had been read ungrammatically
(``all forced``). Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ocr_pipeline.engines import Image, Recognition, create_engine
from ocr_pipeline.engines.ctc import (
    best_grammatical_path,
    decode,
    decode_constrained,
    read_alignment,
    weighted,
)
from ocr_pipeline.engines.grammar import Grammar
from ocr_pipeline.engines.lines import CtcLineRecognizer, make_batch, width_sorted_batches
from ocr_pipeline.pipeline import Pipeline, process_document
from ocr_pipeline.settings import Settings, load_settings
from ocr_pipeline.synth import Degrade, OutFormat, Style, SynthOptions, synthesize

# Only the recognizer's decoding is measured: the pipeline needs no second reader.
_NO_SECOND_READER = {"second_reader": False} if "second_reader" in Settings.model_fields else {}

# CPU time of this process: decoding is single-threaded, and on a shared machine wall-clock
# time measures the neighbours as much as the code.
CLOCK = time.process_time

Call = tuple[list[Image], list[frozenset[str] | None], list[Grammar | None]]


@dataclass
class Recorder:
    """Passes every call to ``inner`` and keeps what it was asked."""

    inner: CtcLineRecognizer
    calls: list[Call] = field(default_factory=list)
    accepts_grammars = True
    name: str = field(init=False)  # an OcrEngine's name is a plain attribute

    def __post_init__(self) -> None:
        self.name = self.inner.name

    def recognize(
        self,
        crops: Sequence[Image],
        allowed: Sequence[frozenset[str] | None] | None = None,
        grammars: Sequence[Grammar | None] | None = None,
    ) -> list[Recognition]:
        n = len(crops)
        self.calls.append((list(crops), list(allowed or [None] * n), list(grammars or [None] * n)))
        return self.inner.recognize(crops, allowed, grammars)

    def charset(self) -> frozenset[str]:
        return self.inner.charset()

    def describe(self) -> dict[str, str]:
        return {"engine": self.name, "recording": "yes"}


def softmax_of(
    engine: CtcLineRecognizer, crops: list[Image]
) -> list[tuple[NDArray[np.float32], float]]:
    """Each crop's recognizer output and width fraction, batched as ``recognize`` batches."""
    out: dict[int, tuple[NDArray[np.float32], float]] = {}
    for idx in width_sorted_batches(crops, engine.batch_size):
        batch, fractions = make_batch([crops[i] for i in idx])
        probs = engine.infer(batch)
        for row, i in enumerate(idx):
            out[i] = (probs[row], fractions[row])
    return [out[i] for i in range(len(crops))]


def time_page(engine: CtcLineRecognizer, call: Call, repeat: int) -> dict[str, float]:
    crops, allowed, grammars = call
    outputs = softmax_of(engine, crops)
    table = engine.table

    def greedy() -> list[Recognition]:
        return [decode(p, table, a, f) for (p, f), a in zip(outputs, allowed, strict=True)]

    def held() -> list[Recognition]:
        return [
            decode_constrained(p, table, g, a, f)
            for (p, f), a, g in zip(outputs, allowed, grammars, strict=True)
        ]

    def all_forced() -> list[object]:
        """The worst case: decoding as if no crop with a grammar read grammatically (the
        greedy reading, then the search and the reading of its path)."""
        out: list[object] = []
        for (p, f), a, g in zip(outputs, allowed, grammars, strict=True):
            w = weighted(p, table, a)
            out.append(read_alignment(w, w.argmax(axis=1), table, f))
            path = None if g is None else best_grammatical_path(w, table, g)
            if path is not None:
                out.append(read_alignment(w, path, table, f))
        return out

    runs = {"greedy": greedy, "grammar": held, "all_forced": all_forced}
    timings = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):  # interleaved, so load on the machine hits all three alike
        for name, fn in runs.items():
            start = CLOCK()
            fn()
            timings[name] = min(timings[name], (CLOCK() - start) * 1000)
    forced = [r for r in held() if r.grammar_forced]
    slowest_forced = 0.0
    for (p, f), a, g in zip(outputs, allowed, grammars, strict=True):
        start = CLOCK()
        if decode_constrained(p, table, g, a, f).grammar_forced:
            slowest_forced = max(slowest_forced, (CLOCK() - start) * 1000)
    return {
        "crops": len(crops),
        "with_grammar": sum(g is not None for g in grammars),
        "forced": len(forced),
        "zeroed": sum(r.confidence == 0.0 for r in forced),
        "greedy_ms": timings["greedy"],
        "grammar_ms": timings["grammar"],
        "extra_ms": timings["grammar"] - timings["greedy"],
        "all_forced_extra_ms": timings["all_forced"] - timings["greedy"],
        "slowest_forced_crop_ms": slowest_forced,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=9)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--style", default="stroke", choices=[s.value for s in Style])
    ap.add_argument("--degrade", default="mild", choices=[d.value for d in Degrade])
    ap.add_argument("--engine", default="paddleocr")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dir", type=Path, default=None, help="scans to use instead of synthesizing")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            data_dir=Path(tmp), engine=args.engine, threads=args.threads, **_NO_SECOND_READER
        )
        inner = create_engine(settings)
        assert isinstance(inner, CtcLineRecognizer)
        recorder = Recorder(inner)
        pipe = Pipeline.create(settings, engine=recorder)
        if args.dir is not None:
            scans = sorted(p for p in args.dir.iterdir() if not p.name.endswith(".json"))
        else:
            scans = []
            forms = list(pipe.registry)
            for i in range(args.pages):
                options = SynthOptions(
                    Style(args.style), Degrade(args.degrade), OutFormat.PNG, seed=args.seed + i
                )
                out = Path(tmp) / f"pages{i}"
                out.mkdir()
                scans += synthesize(forms[i % len(forms)], 1, out, options)
        for scan in scans[: args.pages]:
            print(f"reading {scan.name}", file=sys.stderr)
            list(process_document(pipe, scan))
        pages = [time_page(inner, call, args.repeat) for call in recorder.calls]
    report(pages, args.json)
    return 0


def report(pages: list[dict[str, float]], as_json: bool) -> None:
    keys = ("greedy_ms", "grammar_ms", "extra_ms", "slowest_forced_crop_ms", "all_forced_extra_ms")
    summary = {
        "pages": len(pages),
        "crops_per_page": statistics.mean(p["crops"] for p in pages) if pages else 0,
        "forced_crops": sum(p["forced"] for p in pages),
        "zeroed_crops": sum(p["zeroed"] for p in pages),
        **{f"mean_{k}": statistics.mean(p[k] for p in pages) if pages else 0 for k in keys},
        **{f"max_{k}": max((p[k] for p in pages), default=0) for k in keys},
    }
    if as_json:
        print(json.dumps({"summary": summary, "pages": pages}, indent=1))
        return
    print(
        f"{'page':>4} {'crops':>5} {'gram':>5} {'forced':>6} {'greedy ms':>9} {'grammar ms':>10}"
        f" {'extra ms':>8} {'slowest forced':>14} {'all forced':>10}"
    )
    for i, p in enumerate(pages):
        print(
            f"{i:>4} {p['crops']:>5} {p['with_grammar']:>5} {p['forced']:>6} "
            f"{p['greedy_ms']:>9.2f} {p['grammar_ms']:>10.2f} {p['extra_ms']:>8.2f} "
            f"{p['slowest_forced_crop_ms']:>14.2f} {p['all_forced_extra_ms']:>10.2f}"
        )
    for k, v in summary.items():
        print(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}")


if __name__ == "__main__":
    sys.exit(main())
