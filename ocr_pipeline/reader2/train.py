"""Training the second reader: render characters, fit a small network, export to ONNX.

Offline and reproducible (one seed decides every drawing and the network's start), on two
CPU cores in minutes: characters are drawn by the synthesizer's print faces and SetoFont and,
when the stroke-drawn writer model is present, by its development writers; a held-out
sub-range of those writers (or, without them, freshly drawn font characters) measures it.
The network is scikit-learn's MLP behind a standard scaler, exported with skl2onnx.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .charset import ALL_CLASSES, DIGITS, is_kana
from .glyph import N_FEATURES, features
from .render import sample
from .sources import Source, font_sources, writer_seeds, writer_sources

log = logging.getLogger(__name__)

HIDDEN = 256
LICENCE = (
    "This model is trained on renderings of KanjiVG stroke data (KanjiVG, copyright Ulrich "
    "Apel, CC BY-SA 3.0, https://kanjivg.tagaini.net) and is distributed under CC BY-SA 3.0, "
    "separately from formocr's Apache-2.0 code."
)
BLAS_THREADS = 1
"""Threads of the fit's matrix products. One: on two cores shared with the pipeline's
workers, OpenBLAS's second thread waits for a busy core and a batch's products took four to
five times as long as on one thread (measured at load average 7, December 2026)."""
WRITER_SHARE = 0.6  # share of samples drawn by stroke-drawn writers when they exist

_SOURCES: list[Source] = []  # set before the worker processes fork


@dataclass(frozen=True)
class TrainOptions:
    """What to train: classes, samples per class, seed, worker processes, epochs."""

    classes: tuple[str, ...] = ALL_CLASSES
    per_class: int = 300
    digit_factor: int = 5  # digits fill most checked fields: they get this many times more
    held_out_per_class: int = 40
    seed: int = 20240819
    workers: int = 2
    max_epochs: int = 40


@dataclass
class TrainReport:
    """Figures of one training run."""

    samples: int = 0
    seconds_render: float = 0.0
    seconds_fit: float = 0.0
    sources: list[str] = field(default_factory=list)
    held_out: str = ""
    accuracy: float = 0.0
    digit_accuracy: float | None = None
    kana_accuracy: float | None = None
    per_class: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


Row = tuple[Any, float | None, str]


def _render_chunk(job: tuple[int, list[tuple[str, int, str]]]) -> list[Row]:
    seed, items = job
    rng = np.random.default_rng(seed)
    out: list[Row] = []
    for char, src, neighbour in items:
        drawn = sample(char, _SOURCES[src], rng, neighbour)
        if drawn is not None:
            out.append((features(drawn[0], drawn[1]), drawn[1], char))
    return out


def _plan(
    classes: Sequence[str],
    fonts: list[int],
    writers: list[int],
    per_class: int,
    seed: int,
    *,
    digit_factor: int,
) -> list[tuple[str, int, str]]:
    rng = np.random.default_rng(seed)
    plan: list[tuple[str, int, str]] = []
    for char in classes:
        for _ in range(per_class * (digit_factor if char in DIGITS else 1)):
            pool = writers if writers and rng.random() < WRITER_SHARE else fonts
            plan.append((char, int(rng.choice(pool)), str(rng.choice(list(classes)))))
    return plan


def render_set(
    sources: list[Source],
    classes: Sequence[str],
    per_class: int,
    seed: int,
    *,
    workers: int = 1,
    digit_factor: int = 1,
    progress: Callable[[int, int], None] = lambda _done, _total: None,
) -> tuple[NDArray[np.float32], NDArray[np.str_]]:
    """Features and labels of ``per_class`` drawings of each class by ``sources``."""
    _SOURCES[:] = sources
    fonts = [i for i, s in enumerate(sources) if s.name.startswith("font:")]
    writers = [i for i, s in enumerate(sources) if not s.name.startswith("font:")]
    plan = _plan(classes, fonts or writers, writers, per_class, seed, digit_factor=digit_factor)
    size = 500
    jobs = [(seed * 1000 + k, plan[i : i + size]) for k, i in enumerate(range(0, len(plan), size))]
    rows: list[Row] = []
    if workers > 1 and len(jobs) > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for chunk in pool.imap(_render_chunk, jobs):
                rows.extend(chunk)
                progress(len(rows), len(plan))
    else:
        for job in jobs:
            rows.extend(_render_chunk(job))
            progress(len(rows), len(plan))
    if not rows:
        return np.zeros((0, N_FEATURES), np.float32), np.array([], dtype=str)
    x = np.stack([r[0] for r in rows]).astype(np.float32)
    y = np.array([r[2] for r in rows])
    return x, y


def fit(
    x: NDArray[np.float32],
    y: NDArray[np.str_],
    seed: int,
    max_epochs: int,
    *,
    blas_threads: int = BLAS_THREADS,
) -> Any:
    """A scaler + one-hidden-layer MLP fitted on the features, its matrix products on
    ``blas_threads`` threads (see :data:`BLAS_THREADS`)."""
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    clf = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,),
        alpha=3e-4,
        batch_size=min(256, len(y)),
        learning_rate_init=1e-3,
        max_iter=max_epochs,
        early_stopping=len(y) >= 200,
        n_iter_no_change=5,
        random_state=seed,
    )
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        return Pipeline([("scale", StandardScaler()), ("mlp", clf)]).fit(x, y)


def score(model: Any, x: NDArray[np.float32], y: NDArray[np.str_], report: TrainReport) -> None:
    """Held-out accuracy: overall, digits, kana and per class."""
    if len(y) == 0:
        return
    pred = model.predict(x)
    ok = pred == y
    report.accuracy = float(ok.mean())
    digits = np.isin(y, list(DIGITS))
    kana = np.array([is_kana(c) for c in y])
    report.digit_accuracy = float(ok[digits].mean()) if digits.any() else None
    report.kana_accuracy = float(ok[kana].mean()) if kana.any() else None
    report.per_class = {str(c): float(ok[y == c].mean()) for c in np.unique(y)}


def export(model: Any, classes: Sequence[str], out: Path, meta: dict[str, Any]) -> None:
    """Write the ONNX file and its sidecar JSON (the class of each output column)."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    mlp = model.named_steps["mlp"]
    onx = convert_sklearn(
        model,
        initial_types=[("features", FloatTensorType([None, N_FEATURES]))],
        options={id(mlp): {"zipmap": False}},
        target_opset=17,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(onx.SerializeToString())
    sidecar = {"classes": [str(c) for c in mlp.classes_], "n_features": N_FEATURES, **meta}
    classes_path(out).write_text(sidecar_text(sidecar), encoding="utf-8")


def sidecar_text(sidecar: dict[str, Any]) -> str:
    """The sidecar JSON with one key per line (the class list on one line)."""
    rows = (f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in sidecar.items())
    return "{\n" + ",\n".join(rows) + "\n}\n"


def describe_sources(names: list[str]) -> list[str]:
    """The fonts by name, the writers as a count with their seed range."""
    fonts = [n for n in names if n.startswith("font:")]
    seeds = [int(n.split(":")[1]) for n in names if n.startswith("writer:")]
    if seeds:
        fonts.append(f"{len(seeds)} development writers, seeds {min(seeds)}-{max(seeds)}")
    return fonts


def classes_path(model_path: Path) -> Path:
    """The sidecar JSON beside a model file: ``x.onnx`` → ``x.classes.json``."""
    return model_path.with_suffix(".classes.json")


def train(
    out: Path,
    options: TrainOptions,
    progress: Callable[[str, int, int], None] = lambda _stage, _done, _total: None,
) -> TrainReport:
    """Render, fit, measure on held-out drawings, export to ``out``."""
    train_seeds, held_seeds = writer_seeds()
    sources = font_sources() + writer_sources(train_seeds)
    report = TrainReport(sources=[s.name for s in sources])
    started = time.perf_counter()
    x, y = render_set(
        sources,
        options.classes,
        options.per_class,
        options.seed,
        workers=options.workers,
        digit_factor=options.digit_factor,
        progress=lambda d, t: progress("render", d, t),
    )
    held = writer_sources(held_seeds)
    report.held_out = f"{len(held)} held-out development writers" if held else "fresh font drawings"
    hx, hy = render_set(
        held or font_sources(),
        options.classes,
        options.held_out_per_class,
        options.seed + 1,
        workers=options.workers,
        progress=lambda d, t: progress("held-out", d, t),
    )
    report.samples = len(y)
    report.seconds_render = time.perf_counter() - started
    started = time.perf_counter()
    progress("fit", 0, 1)
    model = fit(x, y, options.seed, options.max_epochs)
    report.seconds_fit = time.perf_counter() - started
    progress("fit", 1, 1)
    score(model, hx, hy, report)
    meta = {
        "licence": LICENCE if any(s.startswith("writer:") for s in report.sources) else "",
        "seed": options.seed,
        "per_class": options.per_class,
        "digit_factor": options.digit_factor,
        "sources": describe_sources(report.sources),
        "held_out": report.held_out,
        "digit_accuracy": report.digit_accuracy,
        "kana_accuracy": report.kana_accuracy,
    }
    export(model, options.classes, out, meta)
    return report
