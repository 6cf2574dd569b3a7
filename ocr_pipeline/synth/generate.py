"""Making whole synthetic documents: values → filled page → scan → files with truth."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from form_schemas.registry import FormDefinition
from form_schemas.spec import FieldValue

from ..errors import BadArgumentsError
from .canvas import Image
from .fill import render_filled
from .options import SynthOptions
from .scan import blank_page, degrade_page
from .values import make_values
from .writers import EXTENSIONS, TruthPage, blank_truth, write_document
from .writing import Writing

log = logging.getLogger(__name__)


def document_rng(form_id: str, seed: int, index: int) -> np.random.Generator:
    """The random source of document ``index``: independent of every other document."""
    return np.random.default_rng([seed, index, zlib.crc32(form_id.encode())])


def render_page(
    form: FormDefinition,
    values: Mapping[str, FieldValue | Writing],
    rng: np.random.Generator,
    options: SynthOptions,
) -> Image:
    """The clean filled page (BGR, template size and resolution) for export ``values``;
    fields missing from ``values`` stay empty."""
    return render_filled(form, values, rng, options)[0]


def synth_page(
    form: FormDefinition, rng: np.random.Generator, options: SynthOptions
) -> tuple[Image, TruthPage]:
    """One filled and scanned page of ``form`` and its truth page."""
    filled = make_values(form, rng)
    clean, info = render_filled(form, filled.writing, rng, options)
    scan, applied = degrade_page(clean, rng, options.degrade, source_dpi=form.spec.template.dpi)
    truth: TruthPage = {
        "form": form.id,
        "form_version": form.spec.version,
        "fields": filled.truth,
        "expect_review": filled.review,
        **info,
        "degrade": applied,
    }
    return scan, truth


def synthesize(
    form: FormDefinition, count: int, out_dir: Path, options: SynthOptions
) -> list[Path]:
    """Write ``count`` scanned documents of ``form`` into ``out_dir`` as
    ``<form>-<seed>-<i>.<ext>`` with ``<stem>.truth.json`` beside each; returns the scan
    paths. The same form, count and options give the same bytes. PDF and TIFF documents
    get an empty back side at ``options.blank_back_rate``."""
    if count < 0:
        raise BadArgumentsError(f"count must not be negative, got {count}", "Pass 0 or more.")
    paths = []
    for i in range(count):
        rng = document_rng(form.id, options.seed, i)
        scan, truth = synth_page(form, rng, options)
        dpi = int(truth["degrade"]["dpi"])
        pages = [(scan, truth)]
        if options.fmt.multipage and rng.random() < options.blank_back_rate:
            back = blank_page(rng, options.degrade, dpi=dpi, grey=scan.ndim == 2)
            pages.append((back, blank_truth({"level": options.degrade.value, "dpi": dpi})))
        path = Path(out_dir) / f"{form.id}-{options.seed}-{i:04d}.{EXTENSIONS[options.fmt]}"
        write_document(
            pages, path, options.fmt, dpi, jpeg_quality=int(truth["degrade"]["jpeg_quality"])
        )
        log.debug("wrote %s (%d page(s))", path, len(pages))
        paths.append(path)
    return paths
