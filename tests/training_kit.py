"""Helpers of the learning-from-reviewers tests and benchmark: real synthesized pages
registered onto their template (no OCR), saved in a store as the watcher saves them, and
reviewed through the store's own review API with their truth."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldValue
from ocr_pipeline.preprocess.classify import template_scale
from ocr_pipeline.preprocess.ink import to_gray
from ocr_pipeline.preprocess.register import Registration, register, scaled_features
from ocr_pipeline.preprocess.templates import template_model
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus, RegistrationInfo
from ocr_pipeline.store import TenantStore
from ocr_pipeline.synth import SynthOptions, synth_page
from ocr_pipeline.synth.options import Degrade, Style
from ocr_pipeline.training.samples import TEXT_TYPES
from ocr_pipeline.watch.processor import encode_png

FORMS = FormRegistry.from_dirs()


@dataclass
class Scanned:
    """A synthesized scan, its registration and truth."""

    form_id: str
    scan: Any
    reg: Registration
    truth: dict[str, FieldValue]


def scanned(form_id: str, seed: int, style: Style = Style.PRINT) -> Scanned:
    form = FORMS.get(form_id)
    rng = np.random.default_rng(seed)
    scan, truth = synth_page(form, rng, SynthOptions(style=style, degrade=Degrade.MILD, seed=seed))
    model = template_model(form)
    gray = to_gray(scan)
    dpi = int(truth["degrade"].get("dpi", form.spec.template.dpi))
    reg = register(gray, scaled_features(gray, template_scale(model, dpi)), model)
    assert reg is not None and reg.ok, reg
    return Scanned(form_id, scan, reg, dict(truth["fields"]))


def page_result(s: Scanned, reader_model: str | None = "packaged") -> PageResult:
    """The page as if read: text fields in review with their true value, the rest accepted."""
    spec = FORMS.get(s.form_id).spec
    fields = {}
    for f in spec.all_fields():
        value = s.truth.get(f.id)
        review = f.type in TEXT_TYPES and value is not None
        fields[f.id] = FieldResult(
            id=f.id,
            type=f.type.value,
            value=value,
            confidence=0.5 if review else 0.99,
            status=FieldStatus.REVIEW if review else FieldStatus.ACCEPTED,
            raw="" if value is None else str(value),
            bbox=f.outline(),
        )
    reg = s.reg
    return PageResult(
        source="scan.png",
        page=1,
        status=PageStatus.OK,
        form=s.form_id,
        form_version=spec.version,
        fields=fields,
        registration=RegistrationInfo(
            coverage=reg.coverage,
            residual=reg.residual,
            rotation=reg.rotation,
            scale=reg.scale,
            inliers=reg.inliers,
            matrix=reg.matrix.tolist(),
        ),
        reader_model=reader_model,
    )


def save_and_review(town: TenantStore, s: Scanned, name: str, actor: str = "rev") -> int:
    """Save the page like the watcher, then confirm every field in review through the
    store's review API (its value is the truth). Returns the document id."""
    png = encode_png(s.scan)
    src, _ = town.register_source(hashlib.sha256(name.encode()).hexdigest(), name, len(png))
    page = page_result(s)
    (doc_id,) = town.save_result(src.id, [page], {1: png})
    specs = {f.id: f for f in FORMS.get(s.form_id).spec.all_fields()}
    for fid, f in page.fields.items():
        if f.status is not FieldStatus.REVIEW:
            continue
        if specs[fid].double_entry:  # keyed twice, blind
            for who in (actor, f"{actor}-2"):
                version = town.get_document(doc_id).version
                town.enter_value(doc_id, fid, str(f.value), actor=who, expected_version=version)
            continue
        version = town.get_document(doc_id).version
        town.confirm_field(doc_id, fid, actor=actor, expected_version=version)
    return doc_id
