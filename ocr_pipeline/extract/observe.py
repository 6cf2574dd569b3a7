"""From a registered page to observations: what was written in each field's zones.

Text zones of the whole page are recognised in one batched call. Comb boxes are read box by
box (one character each, the box tells where a character starts and ends); free lines as one
crop; dates part by part; marks from pixels. Nothing is interpreted here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from form_schemas.fieldtypes import allowed_chars
from form_schemas.spec import FieldSpec, FieldType, Segment

from ..engines import OcrEngine, Recognition
from ..preprocess.marks import MarkScore, box_score, option_score
from ..preprocess.register import Registration
from ..preprocess.templates import TemplateModel
from ..preprocess.zones import ZoneCrop, crop_zone, split_lines

DIGITS = frozenset("0123456789")
WAREKI_YEAR = DIGITS | {"元"}


@dataclass
class Observation:
    """Everything seen for one field. ``texts``/``crops`` are keyed by part: ``"0"``, ``"1"``
    for free segments, ``"0.3"`` for box 3 of comb segment 0, ``"year"``/``"month"``/``"day"``
    for date parts. ``marks`` is keyed by option code, or ``"box"`` for checkbox/presence."""

    spec: FieldSpec
    crops: dict[str, ZoneCrop] = field(default_factory=dict)
    texts: dict[str, Recognition] = field(default_factory=dict)
    marks: dict[str, MarkScore] = field(default_factory=dict)
    lines: dict[str, list[str]] = field(default_factory=dict)  # part -> its line parts
    known: frozenset[str] = frozenset()  # what the recognizer can read at all

    @property
    def has_writing(self) -> bool:
        return any(c.image is not None for c in self.crops.values()) or any(
            m.score >= 0.35 for m in self.marks.values()
        )


@dataclass
class _Request:
    obs: Observation
    part: str
    allowed: frozenset[str] | None


def _segment_parts(spec: FieldSpec, index: int, seg: Segment) -> list[tuple[str, Segment]]:
    if seg.boxes:
        return [(f"{index}.{b}", Segment(bbox=box)) for b, box in enumerate(seg.box_bboxes())]
    return [(str(index), seg)]


def _plan(spec: FieldSpec) -> list[tuple[str, Segment, frozenset[str] | None]]:
    """Zones to crop for a text or date field, with the characters each may hold."""
    if spec.parts is not None:
        year_chars = WAREKI_YEAR if spec.type is FieldType.WAREKI_DATE else DIGITS
        return [
            ("year", spec.parts.year, year_chars),
            ("month", spec.parts.month, DIGITS),
            ("day", spec.parts.day, DIGITS),
        ]
    allowed = allowed_chars(spec)
    return [
        (part, seg, allowed)
        for i, s in enumerate(spec.segments)
        for part, seg in _segment_parts(spec, i, s)
    ]


def observe(
    reg: Registration,
    model: TemplateModel,
    fields: Sequence[FieldSpec],
    engine: OcrEngine,
    lap: Callable[[str], None] = lambda _stage: None,
) -> dict[str, Observation]:
    """Observe every field of ``fields`` on the registered page; ``lap`` marks the end of the
    zone work ("zones") and of recognition ("ocr")."""
    out: dict[str, Observation] = {}
    requests: list[_Request] = []
    for spec in fields:
        obs = Observation(spec, known=engine.charset())
        out[spec.id] = obs
        if spec.type is FieldType.CHOICE or spec.options:
            for opt in spec.options:
                others = [o for o in spec.options if o is not opt]
                obs.marks[opt.code] = option_score(reg, model, opt, others)
        if spec.type in (FieldType.CHECKBOX, FieldType.PRESENCE):
            assert spec.bbox is not None
            obs.marks["box"] = box_score(reg, model, spec.bbox)
            continue
        if spec.type is FieldType.CHOICE:
            continue
        for part, seg, allowed in _plan(spec):
            crop = crop_zone(reg, model, seg.bbox)
            obs.crops[part] = crop
            if crop.image is None:
                continue
            if spec.lines > 1 and not seg.boxes:
                height = (seg.bbox[3] - seg.bbox[1]) / spec.lines
                for n, line in enumerate(split_lines(crop.image, spec.lines, height)):
                    obs.lines.setdefault(part, []).append(f"{part}/{n}")
                    obs.crops[f"{part}/{n}"] = replace(crop, image=line)
                    requests.append(_Request(obs, f"{part}/{n}", allowed))
            else:
                requests.append(_Request(obs, part, allowed))
    lap("zones")
    if requests:
        images = [r.obs.crops[r.part].image for r in requests]
        readings = engine.recognize(
            [i for i in images if i is not None], [r.allowed for r in requests]
        )
        for req, rec in zip(requests, readings, strict=True):
            req.obs.texts[req.part] = rec
    lap("ocr")
    return out
