"""Zones → field values with confidence and routing. One entry point: :func:`extract_fields`."""

from __future__ import annotations

from collections.abc import Callable

from form_schemas.crosscheck import cross_check
from form_schemas.spec import FieldSpec, FieldValue

from ..engines import OcrEngine
from ..preprocess.register import Registration
from ..preprocess.templates import TemplateModel
from ..reader2.model import SecondReader
from ..results import FieldResult
from .agreement import AgreementRule
from .interpret import Reading, read_field
from .observe import observe
from .routing import Thresholds, confidence, route
from .second import second_opinion

__all__ = ["Thresholds", "extract_fields"]


def _row_of(field_id: str) -> str | None:
    """``members.2`` for the cell ``members.2.name``; None for top-level fields."""
    parts = field_id.split(".")
    return ".".join(parts[:2]) if len(parts) == 3 else None


def _blank_rows(readings: dict[str, Reading]) -> set[str]:
    """Table rows with nothing written in any cell."""
    rows: dict[str, bool] = {}
    for fid, r in readings.items():
        row = _row_of(fid)
        if row is not None:
            rows[row] = rows.get(row, False) or r.written
    return {row for row, written in rows.items() if not written}


def extract_fields(
    reg: Registration,
    model: TemplateModel,
    engine: OcrEngine,
    thresholds: Thresholds,
    *,
    fields: list[FieldSpec] | None = None,
    lap: Callable[[str], None] = lambda _stage: None,
    second: SecondReader | None = None,
    agreement: AgreementRule | None = None,
) -> dict[str, FieldResult]:
    """Read, interpret, check and route every field of the registered page. ``lap(stage)`` is
    called as each stage ends (zones, ocr, interpret), for timings. With ``second``, the
    characters that can be cut apart are read again by the second reader and a field whose
    readings differ gets ``readers_disagree``; with ``agreement`` too (a municipality's own
    model), a field both read alike may pass a little under its threshold
    (``readers_agree``, see :mod:`.agreement`)."""
    specs = fields if fields is not None else model.form.fields
    observations = observe(reg, model, specs, engine, lap)
    readings = {fid: read_field(obs) for fid, obs in observations.items()}
    if second is not None:
        second_opinion(observations, readings, second)
    blank = _blank_rows(readings)
    for fid, r in readings.items():
        if _row_of(fid) in blank:  # an unused table row: empty, and rightly so
            r.value, r.reasons = None, []
    values: dict[str, FieldValue] = {fid: r.value for fid, r in readings.items()}
    for fid, extra in cross_check(specs, values).items():
        if _row_of(fid) not in blank:
            readings[fid].reasons.extend(extra)
    out: dict[str, FieldResult] = {}
    for spec in specs:
        r = readings[spec.id]
        conf = confidence(r, reg.quality)
        status, reasons = route(spec, r, conf, thresholds, agreement if second else None)
        out[spec.id] = FieldResult(
            id=spec.id,
            type=spec.type.value,
            value=r.value,
            confidence=conf,
            status=status,
            reasons=reasons,
            raw=r.raw,
            char_confidences=r.char_confidences,
            bbox=spec.outline(),
        )
    lap("interpret")
    return out
