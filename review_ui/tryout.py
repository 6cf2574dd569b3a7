"""Test-reading a filled sample with a form that is not installed yet (the 帳票作成 page): the
draft is written to a scratch folder, loaded and checked like any form, and the sample's pages
go through the real pipeline with that form alone. Runs as a background job (it takes seconds:
the engine is loaded once per UI process and shared). The pipeline that reads with the draft
alone is made by :func:`review_ui.services.form_reader`."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from form_schemas.draft import FormDraft, stage
from form_schemas.registry import FormDefinition
from ocr_pipeline.results import FieldResult, PageResult

_ONE_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class TriedField:
    id: str
    label: str
    value: str
    confidence: float
    status: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class TriedPage:
    page: int
    status: str
    reason: str
    fields: tuple[TriedField, ...]


def try_read(
    draft: FormDraft,
    template_png: bytes,
    *,
    sample: bytes,
    sample_name: str,
    reader: Callable[[FormDefinition], Callable[[Path], list[PageResult]]],
    author: str,
) -> list[TriedPage]:
    """Every page of the sample read as the draft form, by ``reader(form)`` (the pipeline
    with that form alone)."""
    with tempfile.TemporaryDirectory(prefix="formocr-tryout-") as tmp:
        folder = Path(tmp) / "form"
        folder.mkdir()
        form = stage(draft, template_png, folder, author)
        read = reader(form)
        path = Path(tmp) / ("sample" + Path(sample_name).suffix.lower()[:8])
        path.write_bytes(sample)
        labels = {f.id: f.label for f in form.fields}
        with _ONE_AT_A_TIME:
            return [_page(r, labels) for r in read(path)]


def _page(result: PageResult, labels: dict[str, str]) -> TriedPage:
    return TriedPage(
        page=result.page,
        status=result.status.value,
        reason=result.reason or "",
        fields=tuple(_field(f, labels.get(f.id, f.id)) for f in result.fields.values()),
    )


def _field(f: FieldResult, label: str) -> TriedField:
    return TriedField(
        id=f.id,
        label=label,
        value="" if f.value is None else str(f.value),
        confidence=round(f.confidence, 3),
        status=f.status.value,
        reasons=tuple(r.code for r in f.reasons),
    )
