"""A reviewed field, cut again from its stored page: the crops the recognizer read, each
with the text written there, and the characters the second reader would cut from them.

The store keeps the page as scanned and the registration matrix; :func:`reregister` and
:func:`zone_crops` make the same crops the pipeline made (no second copy of the ink is kept).
The text of each part comes from the field's final value: comb boxes take its characters in
order (only when as many boxes hold writing as the value has characters), date parts the
year (western, or the era year; year 1 is left out: 元 or 1), month and day, free segments
their group of the value. Characters are cut as :mod:`ocr_pipeline.extract.second` cuts them:
a comb box is one character, a short digit group is cut by its ink (only when the ink holds
as many separate marks as the label has digits), a kana line at the recognizer's character
positions (the recognizer is run on the crop again; without an engine kana are not cut).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import cv2
import numpy as np

from form_schemas.fieldtypes import allowed_chars
from form_schemas.japanese.era import to_wareki
from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldSpec, FieldType, FormSpec

from ..engines import OcrEngine
from ..extract.observe import zone_crops
from ..preprocess.ink import to_gray
from ..preprocess.register import Registration, reregister
from ..preprocess.templates import TemplateModel, template_model
from ..reader2.charset import ALL_CLASSES, SMALL, fold
from ..reader2.glyph import Gray
from ..reader2.segment import by_positions, cut_group, ink_height, separate_marks
from ..store import TrainingExample

_RUNS = frozenset(t for t in FieldType if t.is_digit_run)
DIGIT_TYPES = _RUNS - {FieldType.MYNUMBER} | {FieldType.AMOUNT}
TEXT_TYPES = DIGIT_TYPES | {FieldType.KANA, FieldType.NAME, FieldType.ADDRESS, FieldType.TEXT}
MAX_GROUP = 4  # as the second reader: longer digit groups are not cut by components
SEPARATORS = "-\u2010\u2212 \u3000"
MIN_REFERENCES = 2
CLASSES = frozenset(ALL_CLASSES)


class PageImages(Protocol):
    def page_image(self, sha256: str) -> bytes: ...


@dataclass
class PartSample:
    """One crop of a reviewed field and what is written in it."""

    example: TrainingExample
    part: str
    image: Gray
    label: str
    chars: list[Gray] = field(default_factory=list)  # cut as the second reader cuts
    char_labels: str = ""
    line_height: float | None = None  # of the kana line (None for digits, or unknown)
    kana: bool = False

    @property
    def key(self) -> str:
        """A name for files: document, field and part (no resident's data)."""
        part = self.part.replace("/", "-")
        return f"d{self.example.document_id}_{self.example.field_id}_{part}"


def _digits(value: str) -> str:
    return "".join(c for c in value if c not in SEPARATORS)


def _date_labels(spec: FieldSpec, value: str) -> dict[str, str]:
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return {}
    out = {"month": str(d.month), "day": str(d.day)}
    if spec.type is FieldType.WAREKI_DATE:
        try:
            _, year = to_wareki(d)
        except ValueError:
            return out
        if year != 1:
            out["year"] = str(year)
    else:
        out["year"] = str(d.year)
    return out


def part_labels(spec: FieldSpec, value: object, written: dict[str, bool]) -> dict[str, str]:
    """The text written in each part (as :func:`zone_crops` names them) according to the
    final ``value``; ``written[part]``: whether the part's crop holds writing. Parts whose
    text cannot be told for sure are left out."""
    if value is None or spec.type not in TEXT_TYPES or isinstance(value, bool):
        return {}
    text = str(value)
    if spec.parts is not None:
        labels = _date_labels(spec, text)
    elif spec.lines > 1:
        labels = {}  # which line holds what is not known
    else:
        labels = _segment_labels(spec, text, written)
    return {p: v for p, v in labels.items() if written.get(p)}


def _segment_labels(spec: FieldSpec, text: str, written: dict[str, bool]) -> dict[str, str]:
    segs = spec.segments
    if segs and all(s.boxes for s in segs):
        chars = text.replace(" ", "").replace("\u3000", "")
        if spec.type in DIGIT_TYPES:
            chars = _digits(chars)
        boxes = [f"{i}.{b}" for i, s in enumerate(segs) for b in range(s.boxes)]
        filled = [b for b in boxes if written.get(b)]
        return dict(zip(filled, chars, strict=True)) if len(filled) == len(chars) else {}
    if any(s.boxes for s in segs):
        return {}
    if len(segs) == 1:
        return {"0": text.replace("\u3000", " ")}
    groups = [g for g in text.replace("\u3000", " ").replace(" ", "-").split("-") if g]
    return {str(i): g for i, g in enumerate(groups)} if len(groups) == len(segs) else {}


def page_order(examples: Sequence[TrainingExample]) -> list[TrainingExample]:
    """``examples`` with the fields of one page next to each other (document, page, field),
    the order in which :class:`SampleMaker` cuts them fastest."""
    return sorted(examples, key=lambda e: (e.document_id, e.page_no, e.field_id))


class SampleMaker:
    """Cuts reviewed fields of one tenant again (forms and template models loaded once)."""

    def __init__(
        self,
        images: PageImages,
        forms: FormRegistry,
        engine: OcrEngine | Callable[[], OcrEngine] | None = None,
    ) -> None:
        """``engine``: the recognizer that gives a kana line's character positions, or a
        function that makes it (called once, when the first kana line is cut); None: kana
        lines are not cut into characters."""
        self._images = images
        self._forms = forms
        self._engine_source = engine
        self._engine: OcrEngine | None = None
        self._models: dict[str, TemplateModel] = {}
        # The last page registered again: a page's reviewed fields come one after another
        # (see :func:`page_order`), and decoding and registering a page costs far more than
        # cutting a field from it.
        self._page: tuple[tuple[object, ...], Registration] | None = None

    def engine(self) -> OcrEngine | None:
        if self._engine is None and self._engine_source is not None:
            source = self._engine_source
            if isinstance(source, OcrEngine):
                self._engine = source
            else:
                self._engine = source()
        return self._engine

    def _spec(self, ex: TrainingExample) -> tuple[FormSpec, TemplateModel] | None:
        if ex.form_id not in self._forms:
            return None
        form = self._forms.get(ex.form_id)
        if form.spec.version != ex.form_version:
            return None
        if form.id not in self._models:
            self._models[form.id] = template_model(form)
        return form.spec, self._models[form.id]

    @property
    def forkable(self) -> bool:
        """Whether forked processes may cut with this maker: its recognizer is made by a
        function not called yet (each process makes its own), or there is none."""
        source = self._engine_source
        return self._engine is None and (source is None or not isinstance(source, OcrEngine))

    def samples(self, ex: TrainingExample, png: bytes | None = None) -> list[PartSample]:
        """The parts of ``ex`` with their text (none when unreadable, of another form
        version than installed, or without a registration). ``png``: the page image, when
        the caller read it already (else it is read from the store)."""
        found = self._spec(ex)
        matrix = (ex.registration or {}).get("matrix")
        if ex.value is None or found is None or matrix is None:
            return []
        spec, model = found
        fspec = next((f for f in spec.all_fields() if f.id == ex.field_id), None)
        if fspec is None or fspec.type not in TEXT_TYPES:
            return []
        reg = self._registered(ex, matrix, model, png)
        if reg is None:
            return []
        crops, _lines = zone_crops(reg, model, fspec)
        written = {p: c.image is not None for p, c in crops.items()}
        out = []
        for part, label in part_labels(fspec, ex.value, written).items():
            image = crops[part].image
            assert image is not None
            kana = fspec.type is FieldType.KANA
            sample = PartSample(ex, part, np.asarray(image, np.uint8), label, kana=kana)
            self._cut(fspec, sample)
            out.append(sample)
        self._line_height(out)
        return out

    def _registered(
        self, ex: TrainingExample, matrix: object, model: TemplateModel, png: bytes | None
    ) -> Registration | None:
        """The example's page registered again as the pipeline registered it (the last page
        is kept, so that its other fields need not decode it again)."""
        key = (ex.image_sha256, ex.form_id, ex.form_version, json.dumps(matrix))
        if self._page is not None and self._page[0] == key:
            return self._page[1]
        if png is None:
            png = self._images.page_image(ex.image_sha256)
        page = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
        if page is None:
            return None
        reg = reregister(to_gray(np.asarray(page, np.uint8)), np.asarray(matrix), model)
        self._page = (key, reg)
        return reg

    def _cut(self, spec: FieldSpec, s: PartSample) -> None:
        label = s.label.replace(" ", "")
        if "." in s.part:
            if len(label) == 1 and label in CLASSES:
                s.chars, s.char_labels = [s.image], label
            return
        if spec.type in DIGIT_TYPES:
            if not label.isdigit() or len(label) > MAX_GROUP:
                return
            if separate_marks(s.image) != len(label):
                return
            cut = cut_group(s.image, len(label))
            if cut is not None and len(cut.pieces) == len(label):
                s.chars, s.char_labels = cut.pieces, label
            return
        if spec.type is FieldType.KANA and self._engine_source is not None:
            self._cut_kana(s, label, allowed_chars(spec))

    def _cut_kana(self, s: PartSample, label: str, allowed: frozenset[str] | None) -> None:
        if not label or any(c not in CLASSES for c in label):
            return
        engine = self.engine()
        assert engine is not None
        # As the pipeline asked (the field's characters), so the positions are the same.
        (rec,) = engine.recognize([s.image], [allowed])
        keep = [i for i, c in enumerate(rec.text) if not c.isspace()]
        if len(keep) != len(label) or len(rec.char_positions) < len(rec.text):
            return
        cut = by_positions(s.image, [rec.char_positions[i] for i in keep])
        if cut is None or len(cut.pieces) != len(label):
            return
        # The resident's script (hiragana or katakana) where the reading agrees with the
        # value but for script: the value is always katakana.
        read = [rec.text[i] for i in keep]
        chars = "".join(
            r if fold(r) == fold(v) and r in CLASSES else v
            for r, v in zip(read, label, strict=True)
        )
        s.chars, s.char_labels = cut.pieces, chars

    @staticmethod
    def _line_height(samples: list[PartSample]) -> None:
        """For kana: the median ink height of the field's full-size characters (as the
        second reader measures it), when there are enough of them."""
        refs = [
            float(ink_height(p))
            for s in samples
            if s.chars and s.kana
            for c, p in zip(s.char_labels, s.chars, strict=True)
            if c not in SMALL and fold(c) != "ー"
        ]
        if len(refs) < MIN_REFERENCES:
            return
        height = float(np.median(refs))
        for s in samples:
            if s.chars and s.kana:
                s.line_height = height
