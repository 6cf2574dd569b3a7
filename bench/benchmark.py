"""Seconds per page: the whole formocr pipeline against plain full-page PaddleOCR on the same
pages with the same PP-OCRv6 small models, with peak memory and model-loading time of each.

Run from the repository root::

    .venv/bin/python -m bench.benchmark --pages 30 [--json]

Each measurement runs in its own child process of this script (``--phase``), so one phase's
memory cannot inflate the other's peak. The parent imports nothing heavy: Linux carries a
process's peak RSS across ``exec`` into the child's ``ru_maxrss``, so a fat parent would set a
floor under every figure. See bench/README.md for how to read the output.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

WARMUP_PAGES = 2
DET_MODEL, REC_MODEL = "PP-OCRv6_small_det", "PP-OCRv6_small_rec"
CHECKPOINTS = ("start", "imports", "pages", "model", "run")
LABELS = {"pipeline": "formocr pipeline", "fullpage": "full-page PaddleOCR"}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def load_pages(folder: Path, limit: int, dpi: int) -> tuple[list[Any], list[float]]:
    """The first ``limit`` pages of the scans in ``folder`` (by file name), decoded into memory,
    and the seconds each took to read."""
    from ocr_pipeline.ingest import SUPPORTED_SUFFIXES, iter_pages

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)
    pages: list[Any] = []
    seconds: list[float] = []
    for path in files:
        if len(pages) >= limit:
            break
        reader = iter_pages(path, dpi=dpi)
        while len(pages) < limit:
            started = time.perf_counter()
            page = next(reader, None)
            if page is None:
                break
            seconds.append(time.perf_counter() - started)
            pages.append(page)
    if not pages:
        raise SystemExit(f"no readable scans in {folder}")
    return pages, seconds


def time_pages(pages: Sequence[Any], step: Callable[[int], None]) -> list[float]:
    """Warm up on the first pages (not counted), then the wall seconds of ``step`` per page."""
    for i in range(min(WARMUP_PAGES, len(pages))):
        step(i)
    seconds = []
    for i in range(len(pages)):
        started = time.perf_counter()
        step(i)
        seconds.append(time.perf_counter() - started)
    return seconds


def run_phase(args: argparse.Namespace) -> dict[str, Any]:
    """One measurement in this (child) process; the figures go to ``<work>/<phase>.json``."""
    rss = {"start": peak_rss_mib()}
    started = time.perf_counter()
    # Imported up front, so that model loading is timed without them; each engine wraps the
    # runtime package of its own name.
    modules = {
        "pipeline": ["ocr_pipeline.pipeline", args.engine],
        "fullpage": ["ocr_pipeline.engines.models", "paddleocr"],
    }
    for module in ["ocr_pipeline.ingest", *modules[args.phase]]:
        importlib.import_module(module)
    from ocr_pipeline.settings import Settings

    out: dict[str, Any] = {"import_s": time.perf_counter() - started}
    rss["imports"] = peak_rss_mib()
    settings = Settings(engine=args.engine, threads=args.threads, data_dir=args.work)
    pages, out["load_s"] = load_pages(args.dir, args.pages, settings.dpi)
    out["sizes"] = [f"{p.width}x{p.height}@{round(p.dpi)}dpi" for p in pages]
    rss["pages"] = peak_rss_mib()
    measure = measure_pipeline if args.phase == "pipeline" else measure_fullpage
    out.update(measure(settings, pages, out["load_s"], rss))
    rss["run"] = peak_rss_mib()
    out["rss_mib"] = rss
    return out


def measure_pipeline(
    settings: Any, pages: list[Any], load_s: list[float], rss: dict[str, float]
) -> dict[str, Any]:
    from ocr_pipeline.pipeline import Pipeline, process_page

    started = time.perf_counter()
    pipe = Pipeline.create(settings)
    model_s = time.perf_counter() - started
    rss["model"] = peak_rss_mib()
    results: dict[int, Any] = {}

    def step(i: int) -> None:
        results[i] = process_page(pipe, pages[i], load_seconds=load_s[i])

    seconds = time_pages(pages, step)
    return {
        "model_load_s": model_s,
        "page_s": seconds,
        "timings": [results[i].timings for i in range(len(pages))],
        "outcome": dict(
            Counter(f"{r.status.value} {r.form or ''}".strip() for r in results.values())
        ),
        "engine": pipe.engine.describe(),
    }


def measure_fullpage(
    settings: Any, pages: list[Any], load_s: list[float], rss: dict[str, float]
) -> dict[str, Any]:
    from paddleocr import PaddleOCR

    from ocr_pipeline.engines.models import paddle_model_dir

    started = time.perf_counter()
    det, rec = (
        str(paddle_model_dir(name, settings.model_cache_dir, settings.model_dir))
        for name in (DET_MODEL, REC_MODEL)
    )
    ocr = PaddleOCR(
        text_detection_model_name=DET_MODEL,
        text_detection_model_dir=det,
        text_recognition_model_name=REC_MODEL,
        text_recognition_model_dir=rec,
        use_doc_orientation_classify=False,
        use_doc_unwarping=False,
        use_textline_orientation=False,
        engine="onnxruntime",
        device="cpu",
        # A flat dict is the onnxruntime runner's own config, applied to both models.
        engine_config={"intra_op_num_threads": settings.threads, "inter_op_num_threads": 1},
    )
    model_s = time.perf_counter() - started
    rss["model"] = peak_rss_mib()
    lines: dict[int, int] = {}

    def step(i: int) -> None:
        # PaddleX reads an ndarray as BGR, which is what PageImage.image holds.
        (result,) = ocr.predict(pages[i].image)
        lines[i] = len(result["rec_texts"])

    seconds = time_pages(pages, step)
    return {"model_load_s": model_s, "page_s": seconds, "lines": list(lines.values())}


def synthesize_pages(out_dir: Path, count: int, seed: int) -> None:
    """``count`` scans, the built-in forms in turn, mixed style, mild degradation, PNG."""
    from form_schemas.registry import FormRegistry
    from ocr_pipeline.synth import Degrade, OutFormat, Style, SynthOptions, synthesize

    forms = list(FormRegistry.from_dirs())
    options = SynthOptions(Style.MIXED, Degrade.MILD, OutFormat.PNG, seed=seed)
    for k, form in enumerate(forms):
        synthesize(form, len(range(k, count, len(forms))), out_dir, options)


def child(args: argparse.Namespace, phase: str, pages: Path, work: Path) -> None:
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase]
    command += ["--dir", str(pages), "--work", str(work), "--pages", str(args.pages)]
    command += ["--seed", str(args.seed), "--engine", args.engine, "--threads", str(args.threads)]
    print(f"[bench] running phase {phase} ...", file=sys.stderr, flush=True)
    # The child's stdout goes to our stderr: stdout carries only the figures.
    done = subprocess.run(command, stdout=sys.stderr, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed (exit code {done.returncode}); see above")


def stats(seconds: list[float]) -> dict[str, float]:
    mean = statistics.fmean(seconds)
    p90 = statistics.quantiles(seconds, n=10, method="inclusive")[-1] if len(seconds) > 1 else mean
    return {"mean": mean, "median": statistics.median(seconds), "p90": p90, "pages_per_s": 1 / mean}


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    rss = raw["rss_mib"]
    steps = [c for c in CHECKPOINTS if c in rss]
    out = {
        "seconds_per_page": stats(raw["page_s"]),
        "load_s_per_page": statistics.fmean(raw["load_s"]),
        "import_s": raw["import_s"],
        "model_load_s": raw["model_load_s"],
        "peak_rss_mib": {c: rss[c] for c in steps},
        "rss_increase_mib": {b: rss[b] - rss[a] for a, b in itertools.pairwise(steps)},
    }
    if "timings" in raw:  # a stage a page never reached (e.g. ocr on a blank page) counts as 0
        names = list(dict.fromkeys(k for t in raw["timings"] for k in t))
        out["stage_means_s"] = {
            k: statistics.fmean(t.get(k, 0.0) for t in raw["timings"]) for k in names
        }
        out["outcome"], out["engine"] = raw["outcome"], raw["engine"]
    else:
        out["text_lines_per_page"] = statistics.fmean(raw["lines"])
    return out


def machine(threads: int) -> dict[str, Any]:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    versions = {d: metadata.version(d) for d in ("onnxruntime", "paddleocr", "paddlex", "rapidocr")}
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu": names[0] if names else platform.processor(),
        "python": platform.python_version(),
        **versions,
        "ort_intra_op_threads": threads,
        "ort_inter_op_threads": 1,
    }


def dig(tree: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def print_table(report: dict[str, Any]) -> None:
    m, ph = report["machine"], report["phases"]
    pipe, full = ph["pipeline"], ph["fullpage"]
    print(f"formocr benchmark: {report['pages']} pages from {report['source']}")
    print(
        f"machine: {m['cpu_count']} CPUs ({m['cpu']}), Python {m['python']}, onnxruntime "
        f"{m['onnxruntime']}, paddleocr {m['paddleocr']}, paddlex {m['paddlex']}; onnxruntime "
        f"threads {m['ort_intra_op_threads']} intra-op, 1 inter-op"
    )
    print(
        f"load average (1 min): {report['loadavg_before']:.2f} before, "
        f"{report['loadavg_after']:.2f} after; pages: "
        + ", ".join(f"{n} x {s}" for s, n in report["page_sizes"].items())
    )
    print(f"warm-up: {WARMUP_PAGES} pages, not counted\n")
    width = 22
    head = f"{LABELS['pipeline'] + ' (' + pipe['engine']['engine'] + ')':>{width + 8}}"
    print(f"{'':26}{head}{LABELS['fullpage']:>{width}}")
    rows: list[tuple[str, str, tuple[str, ...]]] = [
        (f"s/page {k}", "{:.3f}", ("seconds_per_page", k)) for k in ("mean", "median", "p90")
    ]
    rows += [
        ("pages/s", "{:.3f}", ("seconds_per_page", "pages_per_s")),
        ("load (decode) s/page", "{:.3f}", ("load_s_per_page",)),
        ("runtime import s", "{:.2f}", ("import_s",)),
        ("model load s", "{:.2f}", ("model_load_s",)),
    ]
    rows += [(f"peak RSS MiB: {c}", "{:.0f}", ("peak_rss_mib", c)) for c in CHECKPOINTS]
    rows += [(f"  increase at {c}", "{:+.0f}", ("rss_increase_mib", c)) for c in CHECKPOINTS[1:]]
    for label, fmt, path in rows:
        cells = [fmt.format(dig(p, path)) for p in (pipe, full)]
        print(f"{label:26}{cells[0]:>{width + 8}}{cells[1]:>{width}}")
    r = report["ratio_pipeline_to_fullpage"]
    print(
        f"\nratio pipeline / full-page: mean {r['mean']:.2f}, median {r['median']:.2f}, "
        f"peak RSS {r['peak_rss']:.2f}"
    )
    print("\npipeline stages, mean s/page (share of the pipeline mean; load is outside it):")
    for stage, s in pipe["stage_means_s"].items():
        share = "" if stage == "load" else f" ({s / pipe['seconds_per_page']['mean']:.0%})"
        print(f"  {stage:12}{s:8.3f}{share}")
    print("pipeline outcome: " + ", ".join(f"{n} {k}" for k, n in pipe["outcome"].items()))
    print(f"full-page PaddleOCR: {full['text_lines_per_page']:.1f} text lines/page")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Seconds per page: formocr pipeline vs full-page PaddleOCR, same pages."
    )
    parser.add_argument("--pages", type=int, default=30, help="pages measured (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="synthesis seed (default 0)")
    parser.add_argument(
        "--engine",
        choices=("paddleocr", "rapidocr"),
        default="paddleocr",
        help="formocr's recognition engine (the full-page baseline is PaddleOCR)",
    )
    parser.add_argument("--threads", type=int, default=2, help="onnxruntime intra-op threads")
    parser.add_argument("--dir", type=Path, help="scans to use instead of synthesized pages")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--phase", choices=("synth", *LABELS), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    os.environ["PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK"] = "True"  # local model folders only
    if args.phase == "synth":
        synthesize_pages(args.dir, args.pages, args.seed)
    elif args.phase:
        (args.work / f"{args.phase}.json").write_text(json.dumps(run_phase(args)))
    else:
        with tempfile.TemporaryDirectory(prefix="formocr-bench-") as tmp:
            run_all(args, Path(tmp))


def run_all(args: argparse.Namespace, work: Path) -> None:
    source = str(args.dir) if args.dir else f"synthesized (seed {args.seed}), not timed"
    pages = args.dir.resolve() if args.dir else work / "pages"
    if args.dir is None:
        pages.mkdir()
        child(args, "synth", pages, work)
    loadavg_before = os.getloadavg()[0]
    raw: dict[str, Any] = {}
    for phase in LABELS:
        child(args, phase, pages, work)
        raw[phase] = json.loads((work / f"{phase}.json").read_text())
    phases = {phase: summarise(r) for phase, r in raw.items()}
    pipe, full = phases["pipeline"], phases["fullpage"]
    report = {
        "pages": len(raw["pipeline"]["page_s"]),
        "source": source,
        "page_sizes": dict(Counter(raw["pipeline"]["sizes"])),
        "machine": machine(args.threads),
        "loadavg_before": loadavg_before,
        "loadavg_after": os.getloadavg()[0],
        "phases": phases,
        "ratio_pipeline_to_fullpage": {
            k: pipe["seconds_per_page"][k] / full["seconds_per_page"][k] for k in ("mean", "median")
        }
        | {"peak_rss": pipe["peak_rss_mib"]["run"] / full["peak_rss_mib"]["run"]},
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
