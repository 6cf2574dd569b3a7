"""Which reading a field in review shows where the readers differ (extract/arbitrate)."""

from __future__ import annotations

import numpy as np

from form_schemas.reasons import ReasonCode
from form_schemas.spec import FieldSpec, FieldType, ReviewPolicy, Segment
from ocr_pipeline.engines import Recognition
from ocr_pipeline.extract.interpret import Reading, read_field
from ocr_pipeline.extract.observe import Observation
from ocr_pipeline.extract.second import second_opinion
from ocr_pipeline.preprocess.zones import ZoneCrop
from ocr_pipeline.reader2.model import SecondReader
from tests.reader2_glyphs import drawn, reiwa_date

MASK = np.zeros((4, 4), dtype=bool)


def _crop(image: np.ndarray) -> ZoneCrop:
    return ZoneCrop(image, (0, 0, image.shape[1], image.shape[0]), 3.0, MASK, (0, 0))


def _read(
    text: str, conf: float = 0.999, runners: tuple[tuple[str, float], ...] = ()
) -> Recognition:
    n = len(text)
    return Recognition(
        text=text,
        confidence=conf,
        char_confidences=(conf,) * n,
        char_positions=tuple((i + 0.5) / n for i in range(n)),
        alternatives=(runners,) * n,
    )


def _box(written: str, read: Recognition, review: ReviewPolicy = ReviewPolicy.AUTO) -> Observation:
    spec = FieldSpec(
        id="f",
        label="番号",
        type=FieldType.DIGITS,
        segments=[Segment(bbox=(0, 0, 60, 60), boxes=1)],
        review=review,
    )
    obs = Observation(spec)
    obs.crops["0.0"] = _crop(drawn(written, 40))
    obs.texts["0.0"] = read
    return obs


def _date(day_written: str, day_read: str, month: str = "9") -> Observation:
    obs = Observation(reiwa_date())
    for part, written, read in (
        ("year", "6", "6"),
        ("month", month, month),
        ("day", day_written, day_read),
    ):
        obs.crops[part] = _crop(drawn(written, 40, gap=14))
        obs.texts[part] = _read(read)
    return obs


def _opinion(obs: Observation, reader: SecondReader) -> Reading:
    reading = read_field(obs)
    second_opinion({"f": obs}, {"f": reading}, reader)
    return reading


def _disagree(reading: Reading) -> str:
    (found,) = [r.detail for r in reading.reasons if r.code == ReasonCode.READERS_DISAGREE]
    return found


def test_two_ones_read_as_one_show_the_day_the_ink_holds(reader: SecondReader) -> None:
    reading = _opinion(_date("11", "1"), reader)
    assert reading.value == "2024-09-11"
    assert _disagree(reading).endswith("; second reader's reading shown")


def test_a_second_reading_that_is_no_date_is_never_shown(reader: SecondReader) -> None:
    obs = _date("9", "9", month="31")  # month 31: the ink's two characters make no month
    obs.texts["month"] = _read("3")
    reading = _opinion(obs, reader)
    assert reading.value == "2024-03-09"  # the recognizer's month, as before
    assert "shown" not in _disagree(reading)


def test_an_unsure_digit_both_readers_see_shows_the_second_reading(
    reader: SecondReader,
) -> None:
    reading = _opinion(_box("8", _read("3", 0.7, (("8", 0.25),))), reader)
    assert reading.value == "8"
    assert (
        _disagree(reading) == "box 1: recognizer 3, second reader 8; second reader's reading shown"
    )


def test_a_sure_recognizer_keeps_its_reading(reader: SecondReader) -> None:
    reading = _opinion(_box("8", _read("3", 0.99, (("8", 0.01),))), reader)
    assert reading.value == "3"
    assert "shown" not in _disagree(reading)


def test_a_character_the_recognizer_never_considered_is_not_shown(reader: SecondReader) -> None:
    reading = _opinion(_box("8", _read("3", 0.7, (("5", 0.25),))), reader)
    assert reading.value == "3"


def test_a_field_never_reviewed_keeps_the_recognizers_reading(reader: SecondReader) -> None:
    obs = _box("8", _read("3", 0.7, (("8", 0.25),)), review=ReviewPolicy.NEVER)
    assert _opinion(obs, reader).value == "3"
