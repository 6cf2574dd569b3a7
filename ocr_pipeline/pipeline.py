"""process_document(): a scan file in, one result per page out. Reads top-down, one call per
stage, with the seconds each stage took recorded on every page.

Stages: load → blank check → classify (which form?) → register (warp onto the template) →
extract (zones, OCR, marks, normalise, check, route). A page that is blank, of no known form or
cannot be registered comes out with that status and a reason; it is never guessed at. A page
that cannot be read (one damaged page of a batch) comes out as ``error``, and the pages after
it are still read; so does a PDF page that comes out blank while poppler reported errors
drawing it (damaged image data draws as white paper, which is no empty back side to drop).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from form_schemas.registry import FormRegistry

from .engines import OcrEngine, create_engine
from .errors import BadArgumentsError
from .extract import Thresholds, extract_fields
from .extract.agreement import AGREEMENT_RULE, AgreementRule
from .ingest import PageFailure, PageImage, iter_pages_tolerant
from .ingest.limits import page_label
from .preprocess.blank import check_blank
from .preprocess.classify import classify, template_scale
from .preprocess.ink import to_gray
from .preprocess.register import Registration, register
from .preprocess.templates import TemplateModel, template_model
from .reader2.model import SecondReader
from .reader2.registry import PACKAGED, ReaderCache
from .results import PageResult, PageStatus, RegistrationInfo
from .settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Pipeline:
    """Everything a run needs, built once: forms, template models, engine, thresholds."""

    settings: Settings
    registry: FormRegistry
    engine: OcrEngine
    thresholds: Thresholds
    models: dict[str, TemplateModel] = field(default_factory=dict)
    second: SecondReader | None = None
    reader_name: str = PACKAGED  # what fields record as the second reader model
    readers: ReaderCache | None = None
    agreement: AgreementRule | None = None  # with a municipality's own model (use_reader)

    @classmethod
    def create(cls, settings: Settings, engine: OcrEngine | None = None) -> Pipeline:
        registry = FormRegistry.from_dirs(settings.form_dirs)
        models = {form.id: template_model(form) for form in registry}
        second = SecondReader.load() if settings.second_reader else None
        return cls(
            settings=settings,
            registry=registry,
            engine=engine or create_engine(settings),
            thresholds=Thresholds.load(settings.calibration),
            models=models,
            second=second,
            readers=ReaderCache(settings.data_dir, second) if second is not None else None,
        )

    def use_reader(self, tenant: str, model_id: str | None) -> None:
        """Read the next pages with ``tenant``'s second reader model ``model_id`` (None: the
        packaged one), loaded once and kept (:class:`ReaderCache`); nothing changes when the
        second reader is off. A model that is missing or fails its checksums raises
        :class:`~ocr_pipeline.errors.ModelMissingError`."""
        if self.readers is None:
            return
        self.second, self.reader_name = self.readers.get(tenant, model_id)
        own = model_id is not None and self.reader_name != PACKAGED
        self.agreement = AGREEMENT_RULE if own and self.settings.reader_agreement else None

    def candidates(self, form_id: str | None) -> list[TemplateModel]:
        if form_id is None:
            return list(self.models.values())
        if form_id not in self.models:
            raise BadArgumentsError(
                f"unknown form {form_id!r}", f"use one of: {', '.join(sorted(self.models))}"
            )
        return [self.models[form_id]]


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self._last
        self._last = now


def _registration_info(reg: Registration) -> RegistrationInfo:
    return RegistrationInfo(
        coverage=reg.coverage,
        residual=reg.residual,
        rotation=reg.rotation,
        scale=reg.scale,
        inliers=reg.inliers,
        matrix=reg.matrix.tolist(),
    )


def process_page(
    pipe: Pipeline, page: PageImage, form_id: str | None = None, load_seconds: float = 0.0
) -> PageResult:
    """Run every stage on one page image."""
    clock = _Clock()
    clock.timings["load"] = load_seconds
    result = PageResult(source=str(page.source), page=page.index + 1, status=PageStatus.OK)
    result.reader_model = pipe.reader_name if pipe.second is not None else None
    gray = to_gray(page.image)
    blank = check_blank(gray)
    clock.lap("blank")
    if blank.blank and page.render_errors:
        result.status, result.reason = PageStatus.ERROR, _not_drawn(page)
        log.warning("%s: %s", page.source, result.reason)
        result.timings = clock.timings
        return result
    if blank.blank and form_id is None:
        result.status, result.reason = PageStatus.BLANK, f"blank page ({blank.ink:.2%} ink)"
        result.timings = clock.timings
        return result
    found = classify(gray, page.dpi, pipe.candidates(form_id))
    clock.lap("classify")
    if found.best is None:
        result.status, result.reason = PageStatus.UNCLASSIFIED, found.explain()
        result.timings = clock.timings
        return result
    model = pipe.models[found.best.form_id]
    result.form, result.form_version = model.form.id, model.form.spec.version
    reg = register(gray, found.features[template_scale(model, page.dpi)], model, found.best.matrix)
    clock.lap("register")
    if reg is None:
        result.status = PageStatus.UNREGISTERED
        result.reason = f"looks like {model.form.id} but no transform onto it could be found"
        result.timings = clock.timings
        return result
    result.registration = _registration_info(reg)
    if not reg.ok:
        result.status = PageStatus.UNREGISTERED
        result.reason = f"looks like {model.form.id} but cannot be aligned: " + "; ".join(reg.notes)
        result.timings = clock.timings
        return result
    result.fields = extract_fields(
        reg,
        model,
        pipe.engine,
        pipe.thresholds,
        lap=clock.lap,
        second=pipe.second,
        agreement=pipe.agreement,
    )
    result.timings = clock.timings
    return result


def _not_drawn(page: PageImage) -> str:
    """Why a blank page that poppler complained about is an error rather than an empty side."""
    label = page_label(page.index, page.page_count or 1)
    more = len(page.render_errors) - 1
    also = f" and {more} more" if more else ""
    return (
        f"{label}the PDF page could not be drawn (poppler: {page.render_errors[0]}{also}); "
        "it came out blank"
    )


def process_document(
    pipe: Pipeline, path: Path, form_id: str | None = None
) -> Iterator[PageResult]:
    """Every page of the scan file ``path``. A file that cannot be read raises
    :class:`~ocr_pipeline.errors.InputUnreadableError` (naming the file and what to do); a page
    that cannot be read or fails unexpectedly comes out with status ``error`` and the others
    still come out."""
    for result, _image in process_pages(pipe, path, form_id):
        yield result


def process_pages(
    pipe: Pipeline, path: Path, form_id: str | None = None
) -> Iterator[tuple[PageResult, PageImage | None]]:
    """Every page of ``path`` as :func:`process_document` gives it, with the page image it was
    read from (``None`` for a page ingest could not read), one page in memory at a time.

    A page of a multi-page file that ingest cannot read (damaged, over the size limits)
    comes out with status ``error`` and the reason naming it ("page 2 of 3: ..."); a file none
    of whose pages can be read raises its first page's ``InputUnreadableError`` (see
    :func:`~ocr_pipeline.ingest.iter_pages_tolerant`)."""
    pipe.candidates(form_id)  # an unknown form id is a bad argument, not a bad page
    pages = iter_pages_tolerant(path, dpi=pipe.settings.dpi, max_pages=pipe.settings.max_pages)
    while True:
        started = time.perf_counter()
        page = next(pages, None)
        if page is None:
            return
        if isinstance(page, PageFailure):
            log.warning("%s: %s", path, page.reason)
            yield _unreadable_page(page), None
            continue
        yield _process_guarded(pipe, page, form_id, time.perf_counter() - started), page


def _unreadable_page(failure: PageFailure) -> PageResult:
    """The result of a page that ingest could not read: status ``error``, ingest's reason."""
    return PageResult(
        source=str(failure.source),
        page=failure.index + 1,
        status=PageStatus.ERROR,
        reason=failure.reason,
    )


def _process_guarded(
    pipe: Pipeline, page: PageImage, form_id: str | None, loaded: float
) -> PageResult:
    try:
        return process_page(pipe, page, form_id, loaded)
    except Exception as exc:  # one bad page must not lose the others
        log.exception("page %d of %s failed", page.index + 1, page.source)
        return PageResult(
            source=str(page.source),
            page=page.index + 1,
            status=PageStatus.ERROR,
            reason=f"unexpected error on this page: {type(exc).__name__}: {exc}",
        )
