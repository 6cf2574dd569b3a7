"""The extract step: ``readers_disagree`` where the second reader reads a digit otherwise."""

from __future__ import annotations

import numpy as np

from form_schemas.reasons import CATALOGUE, ReasonCode
from form_schemas.spec import FieldSpec, FieldType, Segment
from ocr_pipeline.engines import Recognition
from ocr_pipeline.extract.interpret import read_field
from ocr_pipeline.extract.observe import Observation
from ocr_pipeline.extract.second import second_opinion
from ocr_pipeline.preprocess.zones import ZoneCrop
from ocr_pipeline.reader2.model import SecondReader
from tests.reader2_glyphs import drawn, reiwa_date

MASK = np.zeros((4, 4), dtype=bool)


def _reading(text: str) -> Recognition:
    n = len(text)
    return Recognition(
        text=text,
        confidence=0.999,
        char_confidences=(0.999,) * n,
        char_positions=tuple((i + 0.5) / n for i in range(n)),
        alternatives=((),) * n,
    )


def _crop(image: np.ndarray) -> ZoneCrop:
    return ZoneCrop(image, (0, 0, image.shape[1], image.shape[0]), 3.0, MASK, (0, 0))


def _comb(kind: FieldType, written: str, read: str) -> Observation:
    spec = FieldSpec(
        id="f",
        label="番号",
        type=kind,
        segments=[Segment(bbox=(0, 0, 60 * len(written), 60), boxes=len(written))],
    )
    obs = Observation(spec)
    for b, (w, r) in enumerate(zip(written, read, strict=True)):
        obs.crops[f"0.{b}"] = _crop(drawn(w, 40))
        obs.texts[f"0.{b}"] = _reading(r)
    return obs


def _reasons(obs: Observation, reader: SecondReader) -> list[str]:
    reading = read_field(obs)
    second_opinion({"f": obs}, {"f": reading}, reader)
    return [str(r) for r in reading.reasons if r.code == "readers_disagree"]


def test_the_reason_has_a_japanese_label() -> None:
    assert CATALOGUE[ReasonCode("readers_disagree")] == "2つの読み取り方式の結果が一致しない"


def test_a_misread_box_gets_readers_disagree_with_both_readings(reader: SecondReader) -> None:
    found = _reasons(_comb(FieldType.DIGITS, "12385", "12345"), reader)
    assert found == ["readers_disagree: box 4: recognizer 4, second reader 8"]


def test_agreeing_readings_add_nothing(reader: SecondReader) -> None:
    assert _reasons(_comb(FieldType.DIGITS, "12345", "12345"), reader) == []


def test_mynumber_digits_never_appear_in_the_detail(reader: SecondReader) -> None:
    written = "123456789018"
    read = written[:2] + "7" + written[3:]
    (found,) = _reasons(_comb(FieldType.MYNUMBER, written, read), reader)
    assert found == "readers_disagree: box 3 differs"
    assert not any(ch.isdigit() for ch in found.replace("box 3", ""))


def test_a_date_part_is_cut_and_checked(reader: SecondReader) -> None:
    obs = Observation(reiwa_date())
    for part, written, read in (("year", "6", "6"), ("month", "08", "04"), ("day", "19", "19")):
        obs.crops[part] = _crop(drawn(written, 40, gap=6))
        obs.texts[part] = _reading(read)
    assert _reasons(obs, reader) == ["readers_disagree: month: recognizer 04, second reader 08"]


def test_a_second_reading_that_is_no_month_is_settled_by_the_grammar(
    reader: SecondReader,
) -> None:
    obs = Observation(reiwa_date())
    for part, written, read in (("year", "6", "6"), ("month", "18", "10"), ("day", "19", "19")):
        obs.crops[part] = _crop(drawn(written, 40, gap=6))
        obs.texts[part] = _reading(read)
    assert _reasons(obs, reader) == []  # 18 is no month: the recognizer's 10 stands


def test_a_skipped_digit_is_a_disagreement(reader: SecondReader) -> None:
    obs = Observation(reiwa_date())
    for part, written, read in (("year", "6", "6"), ("month", "9", "9"), ("day", "11", "1")):
        obs.crops[part] = _crop(drawn(written, 40, gap=14))
        obs.texts[part] = _reading(read)
    assert _reasons(obs, reader) == [
        "readers_disagree: day: recognizer 1, second reader sees 2 characters;"
        " second reader's reading shown"
    ]
