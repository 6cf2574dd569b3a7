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
from ..engines import grammar as g
from ..engines.base import accepts_grammars
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
    grammar: g.Grammar | None = None


_BOX_DIGITS = frozenset(
    {FieldType.POSTAL_CODE, FieldType.PHONE, FieldType.MYNUMBER, FieldType.DIGITS, FieldType.AMOUNT}
)
# Digits per segment of a field split into free segments by printed separators.
_SEGMENT_DIGITS: dict[tuple[FieldType, int], tuple[tuple[int, int], ...]] = {
    (FieldType.POSTAL_CODE, 2): ((3, 3), (4, 4)),
    (FieldType.PHONE, 3): ((2, 5), (1, 4), (3, 4)),  # 0120-123-456 ends in three
}


def grammar_for(spec: FieldSpec, part: str) -> g.Grammar | None:
    """What the crop of ``part`` (as named in :class:`Observation`) may read as, beyond its
    allowed characters: date parts their ranges (和暦 year 1-99 or 元, western year four
    digits), a comb box of a number field one digit (or none), each free segment of a split
    postal code or phone number its count of digits, an address line the address grammar, a
    name no digit or mark, a field with a vocabulary one of its words, free text no closing
    bracket before an opening one.
    ``None`` where nothing more is known."""
    if spec.parts is not None:
        return _date_part_grammar(spec, part)
    if spec.type is FieldType.ADDRESS:
        return g.address_grammar(continued=spec.lines > 1 or len(spec.segments) > 1)
    if spec.type is FieldType.NAME:
        return g.name_grammar()
    if spec.type is FieldType.TEXT:
        return _text_grammar(spec)
    if spec.type in _BOX_DIGITS:
        return _digits_grammar(spec, part)
    return None


def _text_grammar(spec: FieldSpec) -> g.Grammar | None:
    if spec.vocabulary:
        return g.vocabulary(spec.vocabulary)
    return g.text_grammar() if spec.lines == 1 else None  # a bracket may close further down


def _date_part_grammar(spec: FieldSpec, part: str) -> g.Grammar | None:
    if part == "year":
        return g.wareki_year() if spec.type is FieldType.WAREKI_DATE else g.western_year()
    return {"month": g.number_range(1, 12, 2), "day": g.number_range(1, 31, 2)}.get(part)


def _digits_grammar(spec: FieldSpec, part: str) -> g.Grammar | None:
    index, _, box = part.partition("/")[0].partition(".")
    if box:
        return g.digits(0, 1)
    allowed = allowed_chars(spec)
    if allowed is None or not allowed <= DIGITS:
        return None  # a free line with separators (〒123-4567)
    lengths = _SEGMENT_DIGITS.get((spec.type, len(spec.segments)))
    return None if lengths is None else g.digits(*lengths[int(index)])


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


def _recognize(engine: OcrEngine, requests: list[_Request]) -> list[Recognition]:
    """One batched call for every crop; grammars go only to engines that take them."""
    images = [r.obs.crops[r.part].image for r in requests]
    crops = [i for i in images if i is not None]
    allowed = [r.allowed for r in requests]
    if accepts_grammars(engine):
        return engine.recognize(crops, allowed, [r.grammar for r in requests])
    return engine.recognize(crops, allowed)


def zone_crops(
    reg: Registration, model: TemplateModel, spec: FieldSpec
) -> tuple[dict[str, ZoneCrop], dict[str, list[str]]]:
    """The crops of a text or date field by part (as :class:`Observation` names them; a
    multi-line free segment also as its lines ``"part/n"``), and the line parts of each
    split part. What the recognizer and the second reader read, and what training data is
    cut from again."""
    crops: dict[str, ZoneCrop] = {}
    lines: dict[str, list[str]] = {}
    for part, seg, _allowed in _plan(spec):
        crop = crop_zone(reg, model, seg.bbox)
        crops[part] = crop
        if crop.image is None or spec.lines <= 1 or seg.boxes:
            continue
        height = (seg.bbox[3] - seg.bbox[1]) / spec.lines
        for n, line in enumerate(split_lines(crop.image, spec.lines, height)):
            lines.setdefault(part, []).append(f"{part}/{n}")
            crops[f"{part}/{n}"] = replace(crop, image=line)
    return crops, lines


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
        obs.crops, obs.lines = zone_crops(reg, model, spec)
        for part, _seg, allowed in _plan(spec):
            if obs.crops[part].image is None:
                continue
            for name in obs.lines.get(part, [part]):
                requests.append(_Request(obs, name, allowed, grammar_for(spec, name)))
    lap("zones")
    if requests:
        for req, rec in zip(requests, _recognize(engine, requests), strict=True):
            req.obs.texts[req.part] = rec
    lap("ocr")
    return out
