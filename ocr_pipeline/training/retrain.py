"""``formocr train reader --tenant T``: a municipality's own second reader.

Trained on the characters drawn in code (as the packaged model: fonts and development-range
writers, :mod:`ocr_pipeline.reader2.train`) plus the municipality's reviewed characters, cut
by :mod:`.samples`. A fifth of its documents (never single fields: a resident's hand stays on
one side) is held out; the model the municipality reads with now (its own, or the packaged
one) and the new model read those characters, each restricted as the pipeline restricts it
(digits, or kana), and the accuracy per field type is compared. A model that is not better
overall is refused and nothing is written; a better one goes to
``<data_dir>/models/<tenant>/<model_id>/`` with its manifest (:mod:`ocr_pipeline.reader2.registry`)
and is not used until an administrator switches to it (``formocr train use``).

The synthetic part's feature matrix is kept in ``<data_dir>/models/.cache/`` (keyed by
seed, drawings per class and sources), so that a second run only fits.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import FormocrError, NotImprovedError
from ..filemodes import make_private
from ..reader2.charset import ALL_CLASSES
from ..reader2.glyph import N_FEATURES, feature_matrix
from ..reader2.model import SecondReader
from ..reader2.registry import (
    CLASSES_FILE,
    MANIFEST,
    MODEL_FILE,
    MODELS_DIR,
    PACKAGED,
    TenantModel,
    file_checksums,
    open_model,
    tenant_dir,
)
from ..reader2.sources import font_sources, writer_seeds, writer_sources
from ..reader2.train import LICENCE, export, fit, render_set
from ..store import TrainingStore
from .chars import Chars, collect, merge
from .samples import SampleMaker

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
CACHE = ".cache"


@dataclass(frozen=True)
class TenantTrainOptions:
    """Synthetic drawings per class (digits ``digit_factor`` times more), the seed of every
    drawing and of the split, the share of documents held out, how many times each of the
    municipality's characters counts, worker processes, epochs."""

    per_class: int = 300
    digit_factor: int = 5
    seed: int = 20240819
    held_out_share: float = 0.2
    tenant_weight: int = 3
    workers: int = 2
    max_epochs: int = 40


@dataclass
class TenantTrainReport:
    tenant: str
    model_id: str | None = None
    path: Path | None = None
    base: str = PACKAGED
    documents: int = 0
    held_out_documents: int = 0
    train_chars: dict[str, int] = field(default_factory=dict)
    held_out_chars: dict[str, int] = field(default_factory=dict)
    accuracy_before: dict[str, float] = field(default_factory=dict)
    accuracy_after: dict[str, float] = field(default_factory=dict)
    synthetic: int = 0
    seconds_synthetic: float = 0.0
    seconds_fit: float = 0.0
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["path"] = str(self.path) if self.path else None
        return out

    def refusal(self) -> NotImprovedError | None:
        """Why the model was not kept (None when it was)."""
        if self.model_id is not None:
            return None
        after, before = self.accuracy_after.get("all", 0.0), self.accuracy_before.get("all", 0.0)
        return NotImprovedError(
            f"the new model of {self.tenant} is not better on its held-out documents "
            f"({100 * after:.1f} % against {100 * before:.1f} % for {self.base}); "
            "nothing was written",
            "keep the current model; try again when reviewers have decided more fields",
        )


def split_documents(doc_ids: Sequence[int], share: float, seed: int) -> set[int]:
    """The documents held out: ``share`` of them (at least one when there are two or more),
    drawn with ``seed``."""
    docs = sorted(set(doc_ids))
    if len(docs) < 2:
        return set()
    n = min(len(docs) - 1, max(1, round(share * len(docs))))
    rng = np.random.default_rng(seed)
    return {docs[int(i)] for i in rng.permutation(len(docs))[:n]}


def accuracy(reader: SecondReader, chars: Chars) -> dict[str, float]:
    """Share of ``chars`` read exactly, per field type and ``all``."""
    if not chars.pieces:
        return {}
    guesses = reader.read(chars.pieces, chars.heights, chars.allowed)
    ok = np.array([g.char == c for g, c in zip(guesses, chars.labels, strict=True)])
    types = np.array(chars.types)
    out = {t: float(ok[types == t].mean()) for t in sorted(set(chars.types))}
    out["all"] = float(ok.mean())
    return out


def _synthetic(
    data_dir: Path, options: TenantTrainOptions, progress: Progress
) -> tuple[NDArray[np.float32], NDArray[np.str_], bool]:
    """The synthetic drawings' features, from the cache when the same ones were drawn
    before."""
    train_seeds, _ = writer_seeds()
    sources = font_sources() + writer_sources(train_seeds)
    key = json.dumps(
        [options.per_class, options.digit_factor, options.seed, N_FEATURES, ALL_CLASSES]
        + [s.name for s in sources]
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    cache = data_dir / MODELS_DIR / CACHE / f"synthetic-{digest}.npz"
    if cache.is_file():
        with np.load(cache) as z:
            return np.asarray(z["x"], np.float32), np.asarray(z["y"]), True
    x, y = render_set(
        sources,
        ALL_CLASSES,
        options.per_class,
        options.seed,
        workers=options.workers,
        digit_factor=options.digit_factor,
        progress=lambda d, t: progress("synthetic", d, t),
    )
    cache.parent.mkdir(parents=True, exist_ok=True)
    make_private(cache.parent)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, x=x, y=y)
    tmp.replace(cache)
    make_private(cache)
    return x, y, False


def _current(town: TrainingStore, data_dir: Path) -> tuple[SecondReader, str]:
    model_id = town.reader_model()
    if model_id is None:
        return SecondReader.load(), PACKAGED
    return open_model(data_dir, town.tenant_id, model_id), model_id


def train_tenant(
    town: TrainingStore,
    maker: SampleMaker,
    data_dir: Path,
    options: TenantTrainOptions,
    *,
    progress: Progress = lambda _s, _d, _t: None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> TenantTrainReport:
    """Train, measure before and after on the held-out documents, and keep the model only
    when it reads them better; otherwise nothing is written and the report's ``model_id``
    is None (:meth:`TenantTrainReport.refusal` says why). Too few examples to train and
    measure raise :class:`NotImprovedError`."""
    report = TenantTrainReport(town.tenant_id)
    by_doc, _fields = collect(town, maker, progress, options.workers)
    held_docs = split_documents(list(by_doc), options.held_out_share, options.seed)
    train = merge([c for d, c in sorted(by_doc.items()) if d not in held_docs])
    held = merge([c for d, c in sorted(by_doc.items()) if d in held_docs])
    report.documents, report.held_out_documents = len(by_doc), len(held_docs)
    report.train_chars, report.held_out_chars = train.counts(), held.counts()
    if not held.pieces or not train.pieces:
        raise NotImprovedError(
            f"municipality {town.tenant_id} has too few reviewed characters to train and "
            f"measure a model ({len(by_doc)} documents with characters)",
            "let reviewers correct and confirm more digit and kana fields, then run this again",
        )
    base, report.base = _current(town, data_dir)
    report.accuracy_before = accuracy(base, held)
    started = time.perf_counter()
    sx, sy, report.cached = _synthetic(data_dir, options, progress)
    report.synthetic = len(sy)
    report.seconds_synthetic = time.perf_counter() - started
    tx = feature_matrix(train.pieces, train.heights)
    x = np.concatenate([sx, *([tx] * options.tenant_weight)])
    y = np.concatenate([sy, *([np.array(train.labels)] * options.tenant_weight)])
    started = time.perf_counter()
    progress("fit", 0, 1)
    model = fit(x, y, options.seed, options.max_epochs)
    report.seconds_fit = time.perf_counter() - started
    progress("fit", 1, 1)
    staging = Path(tempfile.mkdtemp(prefix="formocr-train-"))
    try:
        meta = {"licence": LICENCE, "tenant": town.tenant_id, "seed": options.seed}
        export(model, ALL_CLASSES, staging / MODEL_FILE, meta)
        new = SecondReader.load(staging / MODEL_FILE, None, None)
        report.accuracy_after = accuracy(new, held)
        if report.accuracy_after["all"] <= report.accuracy_before["all"]:
            return report  # refused: nothing written (see TenantTrainReport.refusal)
        _keep(staging, town.tenant_id, data_dir, report, options=options, created=now())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def _keep(
    staging: Path,
    tenant: str,
    data_dir: Path,
    report: TenantTrainReport,
    *,
    options: TenantTrainOptions,
    created: datetime,
) -> None:
    model_id = created.strftime("%Y%m%d-%H%M%S")
    root = tenant_dir(data_dir, tenant)
    for folder in (data_dir / MODELS_DIR, root):
        folder.mkdir(parents=True, exist_ok=True)
        make_private(folder)
    target = root / model_id
    if target.exists():
        raise FormocrError(f"{target} exists already", "run the training again in a moment")
    manifest = TenantModel(
        id=model_id,
        tenant=tenant,
        created=created,
        path=target,
        files=file_checksums(staging),
        accuracy_before=report.accuracy_before,
        accuracy_after=report.accuracy_after,
        examples=report.train_chars,
        held_out=report.held_out_chars,
        base=report.base,
        extra={
            "synthetic": report.synthetic,
            "per_class": options.per_class,
            "seed": options.seed,
            "documents": report.documents,
            "held_out_documents": report.held_out_documents,
        },
    )
    (staging / MANIFEST).write_text(
        json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    target.mkdir()
    for name in (MODEL_FILE, CLASSES_FILE, MANIFEST):
        shutil.copyfile(staging / name, target / name)
        make_private(target / name)
    make_private(target)
    report.model_id, report.path = model_id, target
