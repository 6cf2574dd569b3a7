"""Agreement of the two readers: recorded only where the second reader read every character
as the recognizer did, and it accepts a field under its threshold only with a rule (a
municipality's own model), only when low confidence is the sole reason, and only within the
rule's limits; the field then says so (``readers_agree``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import cast

import numpy as np
import pytest

from form_schemas.reasons import CATALOGUE, ReasonCode
from form_schemas.registry import FormRegistry
from form_schemas.spec import (
    DateParts,
    Era,
    FieldSpec,
    FieldType,
    Option,
    ReviewPolicy,
    Segment,
)
from ocr_pipeline.engines import OcrEngine, Recognition
from ocr_pipeline.extract.agreement import AGREEMENT_RULE, Agreement, AgreementRule, eligible
from ocr_pipeline.extract.interpret import Reading, read_field
from ocr_pipeline.extract.observe import Observation
from ocr_pipeline.extract.routing import Thresholds, route
from ocr_pipeline.extract.second import second_opinion
from ocr_pipeline.pipeline import Pipeline
from ocr_pipeline.preprocess.zones import ZoneCrop
from ocr_pipeline.reader2.agree import agreed, twin_doubt, twins
from ocr_pipeline.reader2.model import DEFAULT_MODEL, CharGuess, SecondReader
from ocr_pipeline.reader2.registry import (
    CLASSES_FILE,
    MANIFEST,
    MODEL_FILE,
    PACKAGED,
    ReaderCache,
    file_checksums,
)
from ocr_pipeline.results import FieldStatus
from ocr_pipeline.settings import load_settings
from tests.reader2_glyphs import drawn

MASK = np.zeros((4, 4), dtype=bool)
RULE = AgreementRule(floors={"digits": 0.2, "kana": 0.9}, min_prob={"digit": 0.9, "kana": 0.9})
THRESHOLDS = Thresholds({"digits": 0.5, "kana": 0.99})


def g(*top: tuple[str, float]) -> CharGuess:
    return CharGuess(top[0][0], top[0][1], tuple(top))


def _reading(text: str) -> Recognition:
    n = len(text)
    return Recognition(
        text=text,
        confidence=0.999,
        char_confidences=(0.999,) * n,
        char_positions=tuple((i + 0.5) / n for i in range(n)),
        alternatives=((),) * n,
    )


def _comb(written: str, read: str) -> Observation:
    spec = FieldSpec(
        id="f",
        label="番号",
        type=FieldType.DIGITS,
        segments=[Segment(bbox=(0, 0, 60 * len(written), 60), boxes=len(written))],
    )
    obs = Observation(spec)
    for b, (w, r) in enumerate(zip(written, read, strict=True)):
        obs.crops[f"0.{b}"] = ZoneCrop(drawn(w, 40), (0, 0, 40, 40), 3.0, MASK, (0, 0))
        obs.texts[f"0.{b}"] = _reading(r)
    return obs


def _checked(obs: Observation, reader: SecondReader) -> Reading:
    reading = read_field(obs)
    second_opinion({"f": obs}, {"f": reading}, reader)
    return reading


def test_the_reason_has_a_japanese_label() -> None:
    assert CATALOGUE[ReasonCode("readers_agree")].startswith("2つの読み取り方式が全文字一致")


def test_agreed_gives_the_lowest_probability_when_every_character_agrees() -> None:
    assert agreed("04", [g(("0", 0.99)), g(("4", 0.93), ("9", 0.05))]) == pytest.approx(0.93)


def test_agreed_is_none_when_one_character_differs_even_unsurely() -> None:
    # compare() would not count a 0.4 guess as a difference; agreement needs the same choice
    assert agreed("04", [g(("0", 0.99)), g(("9", 0.4), ("4", 0.35))]) is None


def test_agreed_is_none_for_a_long_vowel_mark_and_for_nothing() -> None:
    assert agreed("カー", [g(("カ", 0.99)), g(("ー", 0.99))]) is None
    assert agreed("", []) is None


def test_agreed_folds_the_syllabaries() -> None:
    assert agreed("カ", [g(("か", 0.97))]) == pytest.approx(0.97)


def test_agreeing_readers_record_an_agreement(reader: SecondReader) -> None:
    reading = _checked(_comb("12345", "12345"), reader)
    assert reading.agreement is not None
    assert reading.agreement.chars == 5
    assert 0.0 < reading.agreement.lowest <= 1.0


def test_disagreeing_readers_record_none(reader: SecondReader) -> None:
    reading = _checked(_comb("12385", "12345"), reader)
    assert reading.agreement is None
    assert [r.code for r in reading.reasons] == ["readers_disagree"]


def test_a_part_the_second_reader_could_not_cut_leaves_no_agreement(
    reader: SecondReader,
) -> None:
    box = Segment(bbox=(0, 0, 100, 60))
    spec = FieldSpec(
        id="f",
        label="日付",
        type=FieldType.DATE,
        parts=DateParts(year=box, month=box, day=box),
    )
    obs = Observation(spec)
    # a year of five digits is longer than the second reader cuts by components
    for part, written in (("year", "20245"), ("month", "8"), ("day", "19")):
        obs.crops[part] = ZoneCrop(drawn(written, 40, gap=6), (0, 0, 1, 1), 3.0, MASK, (0, 0))
        obs.texts[part] = _reading(written)
    assert _checked(obs, reader).agreement is None


def _digits(review: ReviewPolicy = ReviewPolicy.AUTO) -> FieldSpec:
    return FieldSpec(
        id="f",
        label="番号",
        type=FieldType.DIGITS,
        segments=[Segment(bbox=(0, 0, 300, 60), boxes=5)],
        review=review,
    )


def _low(agreement: Agreement | None, *reasons: str) -> Reading:
    from form_schemas.reasons import Reason

    return Reading(
        value="12345",
        reasons=[Reason(code, "x") for code in reasons],
        raw="12345",
        written=True,
        agreement=agreement,
    )


def test_agreement_raises_a_low_confidence_field_within_the_rule() -> None:
    status, reasons = route(_digits(), _low(Agreement(5, 0.97)), 0.3, THRESHOLDS, RULE)
    assert status is FieldStatus.ACCEPTED
    assert [r.code for r in reasons] == ["readers_agree"]
    assert reasons[0].detail == (
        "confidence 0.300 below 0.500; second reader read all 5 characters alike"
        " (lowest 0.9700, twin 0.0000)"
    )


@pytest.mark.parametrize(
    ("agreement", "conf", "rule", "why"),
    [
        (None, 0.3, RULE, "no agreement (the readers differ or not every character was read)"),
        (Agreement(5, 0.85), 0.3, RULE, "the second reader not sure enough"),
        (Agreement(5, 0.97), 0.1, RULE, "confidence under the floor"),
        (Agreement(5, 0.97), 0.3, None, "no rule: the packaged model"),
        (Agreement(5, 0.97), 0.3, AgreementRule(), "a rule without limits for the type"),
        (
            Agreement(5, 0.97, twin=0.2),
            0.3,
            AgreementRule(RULE.floors, RULE.min_prob, max_twin={"digit": 0.01}),
            "a reader saw a twin of a character (カ/ガ, ツ/ッ)",
        ),
    ],
)
def test_agreement_does_not_raise(
    agreement: Agreement | None, conf: float, rule: AgreementRule | None, why: str
) -> None:
    status, reasons = route(_digits(), _low(agreement), conf, THRESHOLDS, rule)
    assert status is FieldStatus.REVIEW, why
    assert [r.code for r in reasons] == ["low_confidence"], why


def test_agreement_never_overrides_another_reason() -> None:
    reading = _low(Agreement(5, 0.99), "invalid_length")
    status, reasons = route(_digits(), reading, 0.3, THRESHOLDS, RULE)
    assert status is FieldStatus.REVIEW
    assert [r.code for r in reasons] == ["invalid_length", "low_confidence"]


def test_agreement_never_overrides_a_review_policy() -> None:
    spec = _digits(ReviewPolicy.ALWAYS)
    status, reasons = route(spec, _low(Agreement(5, 0.99)), 0.3, THRESHOLDS, RULE)
    assert status is FieldStatus.REVIEW
    assert "readers_agree" not in [r.code for r in reasons]


def test_a_field_over_its_threshold_is_not_marked() -> None:
    status, reasons = route(_digits(), _low(Agreement(5, 0.99)), 0.8, THRESHOLDS, RULE)
    assert (status, reasons) == (FieldStatus.ACCEPTED, [])


def test_only_types_whose_every_character_is_read_are_eligible() -> None:
    box = Segment(bbox=(0, 0, 100, 60))
    parts = DateParts(year=box, month=box, day=box)
    printed = FieldSpec(id="d", label="日", type=FieldType.WAREKI_DATE, era=Era.REIWA, parts=parts)
    assert eligible(printed)
    circled = FieldSpec(
        id="c",
        label="日",
        type=FieldType.WAREKI_DATE,
        options=[Option(code="reiwa", label="令和", bbox=box.bbox)],
        parts=parts,
    )
    assert not eligible(circled)  # the era is a mark the second reader does not read
    assert eligible(_digits())
    mynumber = FieldSpec(
        id="m", label="個人番号", type=FieldType.MYNUMBER, segments=[Segment(bbox=box.bbox)]
    )
    assert not eligible(mynumber)
    name = FieldSpec(id="n", label="氏名", type=FieldType.NAME, segments=[Segment(bbox=box.bbox)])
    assert not eligible(name)


def _town_model(data_dir: Path, tenant: str, model_id: str) -> None:
    folder = data_dir / "models" / tenant / model_id
    folder.mkdir(parents=True)
    shutil.copyfile(DEFAULT_MODEL, folder / MODEL_FILE)
    shutil.copyfile(DEFAULT_MODEL.with_suffix(".classes.json"), folder / CLASSES_FILE)
    manifest = {
        "id": model_id,
        "tenant": tenant,
        "created": "2026-12-03T09:00:00+00:00",
        "files": file_checksums(folder),
        "accuracy_before": {"all": 0.8},
        "accuracy_after": {"all": 0.9},
        "examples": {"digits": 10},
        "held_out": {"digits": 3},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("switch", [True, False])
def test_the_rule_applies_only_with_a_municipalitys_own_model(
    tmp_path: Path, reader: SecondReader, switch: bool
) -> None:
    _town_model(tmp_path, "town-a", "m1")
    settings = load_settings(data_dir=tmp_path, reader_agreement=switch)
    pipe = Pipeline(
        settings=settings,
        registry=FormRegistry.from_dirs(),
        engine=cast(OcrEngine, None),  # never asked: no page is read here
        thresholds=THRESHOLDS,
        second=reader,
        readers=ReaderCache(tmp_path, reader),
    )
    pipe.use_reader("town-a", "m1")
    assert pipe.reader_name == "m1"
    assert pipe.agreement is (AGREEMENT_RULE if switch else None)
    pipe.use_reader("town-a", None)
    assert (pipe.reader_name, pipe.agreement) == (PACKAGED, None)


def test_the_shipped_rule_raises_only_kana_without_twins() -> None:
    """Fitted on development writers: フリガナ only, and never where a reader saw a twin."""
    kana = FieldSpec(id="k", label="フリガナ", type=FieldType.KANA, bbox=(0, 0, 300, 40))
    digits = FieldSpec(id="d", label="番号", type=FieldType.DIGITS, bbox=(0, 0, 300, 40), boxes=5)
    assert AGREEMENT_RULE.raises(kana, 0.6, Agreement(chars=5, lowest=0.9, twin=0.001))
    assert not AGREEMENT_RULE.raises(kana, 0.6, Agreement(chars=5, lowest=0.9, twin=0.06))
    assert not AGREEMENT_RULE.raises(kana, 0.4, Agreement(chars=5, lowest=0.9))
    assert not AGREEMENT_RULE.raises(kana, 0.6, Agreement(chars=5, lowest=0.4))
    assert not AGREEMENT_RULE.raises(digits, 0.99, Agreement(chars=5, lowest=0.999))


@pytest.mark.parametrize(
    ("a", "b", "are"),
    [
        ("カ", "ガ", True),
        ("ツ", "ッ", True),
        ("ハ", "パ", True),
        ("ハ", "バ", True),
        ("よ", "ョ", True),  # hiragana and katakana fold alike
        ("カ", "か", False),  # the same kana
        ("シ", "ツ", False),  # look-alikes, not twins: the shapes differ
        ("1", "7", False),
    ],
)
def test_twins_differ_only_in_size_or_a_dakuten(a: str, b: str, are: bool) -> None:
    assert twins(a, b) is are


def test_twin_doubt_is_the_most_either_reader_gave_a_twin() -> None:
    guesses = [g(("ナ", 0.99)), g(("カ", 0.93), ("ガ", 0.06)), g(("イ", 0.99), ("ィ", 0.01))]
    assert twin_doubt("ナカイ", guesses) == pytest.approx(0.06)
    runners = [(), (("ガ", 0.3),), ()]
    assert twin_doubt("ナカイ", guesses, runners) == pytest.approx(0.3)
    assert twin_doubt("ナミ", [g(("ナ", 0.99), ("メ", 0.01)), g(("ミ", 0.9), ("ラ", 0.1))]) == 0.0
