"""Learning from reviewers, end to end: does a municipality's own second reader read its
writers better?

Pages of the built-in forms drawn by evaluation-range stroke writers (never used to train
anything else) are read by the real pipeline into a store of their own, as the watcher
would; every digit and kana field (個人番号 excepted) is then reviewed through the store's
own review API with its truth (confirmed when read right, corrected otherwise); the
municipality opts in and ``train_tenant`` trains its model, holding out a fifth of the
documents. Prints the held-out accuracy per field type before (packaged model) and after,
and the time taken. ``--measure N`` also reads N fresh pages of further evaluation writers
with the packaged and the new model and compares, for digit and kana fields, the share
accepted and how many accepted were wrong.

    python -m bench.tenant_training --pages 80 --per-class 100 --work /tmp/tt
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldValue
from ocr_pipeline.engines import create_engine
from ocr_pipeline.pipeline import Pipeline, process_pages
from ocr_pipeline.preprocess.classify import template_scale
from ocr_pipeline.preprocess.ink import to_gray
from ocr_pipeline.preprocess.register import Registration, register, scaled_features
from ocr_pipeline.preprocess.templates import template_model
from ocr_pipeline.results import FieldStatus, PageStatus
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import InvalidValueError, Store, TenantStore, upgrade
from ocr_pipeline.synth import SynthOptions, synthesize
from ocr_pipeline.synth.options import Degrade, OutFormat, Style
from ocr_pipeline.training.retrain import TenantTrainOptions, train_tenant
from ocr_pipeline.training.samples import SampleMaker
from ocr_pipeline.watch.processor import encode_png
from tests.training_kit import Scanned, page_result

FORMS = ("water_service", "furusato_onestop")
TYPES = ("digits", "phone", "postal_code", "wareki_date", "date", "kana")
TENANT = "bench"


def make_pages(out: Path, pages: int, seed: int, writers: str = "eval") -> list[Path]:
    """``pages`` pages (both forms) drawn by ``writers`` with ``seed``; pages drawn into
    ``out`` before with the same seed are reused, not drawn again."""
    registry = FormRegistry.from_dirs()
    out.mkdir(parents=True, exist_ok=True)
    done = sorted(out.glob(f"*-{seed}-*.png"))
    if len(done) >= pages // len(FORMS) * len(FORMS):
        return done
    paths: list[Path] = []
    for form in FORMS:
        options = SynthOptions(
            style=Style.STROKE,
            degrade=Degrade.MILD,
            fmt=OutFormat.PNG,
            seed=seed,
            blank_back_rate=0.0,
            writers=writers,
        )
        paths += synthesize(registry.get(form), pages // len(FORMS), out, options)
    return paths


def truth_of(path: Path) -> dict[str, FieldValue]:
    data = json.loads(path.with_suffix("").with_suffix(".truth.json").read_text("utf-8"))
    fields: dict[str, FieldValue] = data["pages"][0]["fields"]
    return fields


def read_into_store(pipe: Pipeline, town: TenantStore, paths: list[Path]) -> dict[int, Path]:
    docs: dict[int, Path] = {}
    for n, path in enumerate(paths, 1):
        src, _ = town.register_source(f"{n:064x}", path.name, path.stat().st_size)
        results, images = [], {}
        for result, page in process_pages(pipe, path):
            results.append(result)
            if page is not None and result.status is PageStatus.OK:
                images[result.page] = encode_png(page.image)
        for doc_id in town.save_result(src.id, results, images):
            docs[doc_id] = path
        sys.stderr.write(f"\rread {n}/{len(paths)}")
    sys.stderr.write("\n")
    return docs


def documents_read(town: TenantStore, scans: Path) -> dict[int, Path]:
    """The documents already in the store, with the scan each was read from."""
    out: dict[int, Path] = {}
    while batch := town.list_documents(limit=500, offset=len(out)):
        for d in batch:
            out[d.id] = scans / town.get_source(d.source_file_id).name
    return out


def review(town: TenantStore, docs: dict[int, Path], limit: int) -> dict[str, list[int]]:
    """Confirm or correct every digit and kana field with its truth, up to ``limit`` per
    type; returns per type [confirmed, corrected]."""
    done: dict[str, list[int]] = {}
    for doc_id, path in docs.items():
        truth = truth_of(path)
        doc = town.get_document(doc_id)
        for fid, f in doc.fields.items():
            if f.type not in TYPES or truth.get(fid) is None:
                continue
            counts = done.setdefault(f.type, [0, 0])
            if sum(counts) >= limit:
                continue
            version = town.get_document(doc_id).version
            try:
                if f.value == truth[fid]:
                    town.confirm_field(doc_id, fid, actor="bench", expected_version=version)
                    counts[0] += 1
                    continue
            except InvalidValueError:
                pass
            version = town.get_document(doc_id).version
            try:
                town.correct_field(
                    doc_id, fid, str(truth[fid]), actor="bench", expected_version=version
                )
                counts[1] += 1
            except InvalidValueError:
                continue
    return done


def _registered(path: Path) -> tuple[Path, Registration | None]:
    """``path`` registered onto its form's template (big images dropped, for pickling)."""
    form = FormRegistry.from_dirs().get(path.name.split("-")[0])
    page = np.asarray(cv2.imread(str(path), cv2.IMREAD_COLOR), np.uint8)
    first = json.loads(path.with_suffix("").with_suffix(".truth.json").read_text("utf-8"))
    dpi = int(first["pages"][0].get("degrade", {}).get("dpi", form.spec.template.dpi))
    model = template_model(form)
    gray = to_gray(page)
    reg = register(gray, scaled_features(gray, template_scale(model, dpi)), model)
    if reg is None or not reg.ok:
        return path, None
    empty = np.zeros((1, 1), np.uint8)
    return path, dataclasses.replace(
        reg, warped=empty, ink=empty.astype(bool), streaks=empty.astype(bool)
    )


def store_as_read(town: TenantStore, paths: list[Path], workers: int) -> dict[str, list[int]]:
    """For timing training only: each page registered onto its template (no OCR; in
    ``workers`` processes), saved as the watcher saves it (the file's own PNG bytes) with
    every digit and kana field in review holding its true value, and those fields confirmed
    through the store's review API; returns per type [confirmed, 0]. The evidence is what a
    read page leaves (page, matrix, zone, value)."""
    done: dict[str, list[int]] = {}
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for n, (path, reg) in enumerate(pool.imap(_registered, paths, chunksize=2), 1):
            if reg is None:
                continue
            form_id = path.name.split("-")[0]
            result = page_result(Scanned(form_id, None, reg, truth_of(path)))
            for f in result.fields.values():  # only digit and kana fields go to review
                if f.status is FieldStatus.REVIEW and f.type not in TYPES:
                    f.status = FieldStatus.ACCEPTED
            png = path.read_bytes()
            src, _ = town.register_source(f"{n:064x}", path.name, len(png))
            (doc_id,) = town.save_result(src.id, [result], {1: png})
            for fid, f in result.fields.items():
                if f.status is FieldStatus.REVIEW:
                    version = town.get_document(doc_id).version
                    town.confirm_field(doc_id, fid, actor="bench", expected_version=version)
                    done.setdefault(f.type, [0, 0])[0] += 1
            sys.stderr.write(f"\rstored {n}/{len(paths)}")
    sys.stderr.write("\n")
    return done


def accepted_figures(pipe: Pipeline, paths: list[Path]) -> dict[str, Any]:
    accepted = wrong = total = 0
    for path in paths:
        truth = truth_of(path)
        for result, _page in process_pages(pipe, path):
            for fid, f in result.fields.items():
                if f.type not in TYPES or fid not in truth:
                    continue
                total += 1
                if f.status.value == "accepted":
                    accepted += 1
                    wrong += f.value != truth[fid]
    return {"fields": total, "accepted": accepted, "wrong_accepted": wrong}


def _progress(stage: str, done: int, total: int) -> None:
    sys.stderr.write(f"\r{stage} {done}/{total}   ")


def fill(town: TenantStore, pipe: Pipeline, args: argparse.Namespace, figures: Any) -> None:
    """Draw, read and review the pages, unless the store holds them already: documents
    read but not reviewed (an interrupted run) are reviewed, reviewed ones used as they are."""
    read_before = documents_read(town, args.work / "scans")
    if read_before and not town.evidence_counts():  # read, not reviewed: an interrupted run
        figures["documents_read_before"] = len(read_before)
        figures["reviewed"] = review(town, read_before, args.limit)
    elif not town.evidence_counts():
        started = time.perf_counter()
        paths = make_pages(args.work / "scans", args.pages, args.seed, args.writers)
        figures["seconds_synth"] = round(time.perf_counter() - started)
        started = time.perf_counter()
        if args.as_read:
            figures["reviewed"] = store_as_read(town, paths, args.workers)
        else:
            docs = read_into_store(pipe, town, paths)
            figures["reviewed"] = review(town, docs, args.limit)
        figures["seconds_read"] = round(time.perf_counter() - started)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=160, help="pages to review (both forms)")
    ap.add_argument("--seed", type=int, default=2026120301)
    ap.add_argument("--limit", type=int, default=300, help="reviewed fields per type")
    ap.add_argument("--per-class", type=int, default=100, help="synthetic drawings per class")
    ap.add_argument("--measure", type=int, default=0, help="fresh pages to compare routing")
    ap.add_argument(
        "--as-read",
        action="store_true",
        help="for timing training only: store pages with their true values instead of reading"
        " them (no OCR; every digit and kana field confirmed)",
    )
    ap.add_argument("--workers", type=int, default=2, help="processes cutting pages")
    ap.add_argument("--writers", choices=("dev", "eval"), default="eval", help="writer range")
    ap.add_argument(
        "--work",
        type=Path,
        required=True,
        help="a folder for everything; pages drawn and read there before are reused",
    )
    args = ap.parse_args()
    data_dir = args.work / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = load_settings(data_dir=data_dir)
    url = f"sqlite:///{data_dir / 'formocr.db'}"
    upgrade(url)
    figures: dict[str, Any] = {}
    with Store.open(url, data_dir / "images") as store:
        town = store.for_tenant(TENANT)
        town.ensure_tenant()
        pipe = Pipeline.create(settings)
        fill(town, pipe, args, figures)
        figures["evidence"] = town.evidence_counts()
        town.set_training_opt_in(True, actor="bench")
        # the recognizer made anew (in each cutting process), as `formocr train reader` does
        maker = SampleMaker(town, FormRegistry.from_dirs(), lambda: create_engine(settings))
        started = time.perf_counter()
        report = train_tenant(
            town,
            maker,
            data_dir,
            TenantTrainOptions(per_class=args.per_class, workers=args.workers),
            progress=_progress,
        )
        figures["seconds_train"] = round(time.perf_counter() - started)
        figures["load_average"] = [round(v, 1) for v in os.getloadavg()]
        figures["train"] = report.to_dict()
        refusal = report.refusal()
        figures["refused"] = None if refusal is None else refusal.message
        if args.measure and report.model_id:
            fresh = make_pages(args.work / "fresh", args.measure, args.seed + 1, args.writers)
            pipe.use_reader(TENANT, None)
            figures["routing_packaged"] = accepted_figures(pipe, fresh)
            pipe.use_reader(TENANT, report.model_id)
            figures["routing_tenant"] = accepted_figures(pipe, fresh)
    print(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
