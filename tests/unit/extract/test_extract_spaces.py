"""Putting back the full-width space a recognizer drops between family and given name."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ocr_pipeline.engines import Recognition
from ocr_pipeline.extract.spaces import SPACE, respace, word_gaps
from ocr_pipeline.preprocess.ink import Gray

Reading = Callable[..., Recognition]


def blocks(starts: Sequence[int], width: int = 20, total: int = 400, height: int = 40) -> Gray:
    """A crop with one ink block per character, ``width`` px wide, from each start."""
    image = np.full((height, total), 255, dtype=np.uint8)
    for x in starts:
        image[5 : height - 5, x : x + width] = 0
    return image


def at(starts: Sequence[int], width: int = 20, total: int = 400) -> tuple[float, ...]:
    return tuple((x + width / 2) / total for x in starts)


def test_one_space_goes_into_a_clear_gap(reading: Reading) -> None:
    starts = [10, 35, 200, 225]  # 山田 | 太郎
    rec = reading("山田太郎")
    rec = Recognition(rec.text, rec.confidence, rec.char_confidences, at(starts), rec.alternatives)
    out = respace(rec, blocks(starts), single=True)
    assert out.text == "山田\u3000太郎"
    assert len(out.char_confidences) == len(out.char_positions) == len(out.text) == 5
    assert out.char_confidences[2] > 0.5  # a gap this wide is sure


def test_no_gap_no_space(reading: Reading) -> None:
    starts = [10, 35, 60, 85]
    rec = reading("山田太郎")
    rec = Recognition(rec.text, rec.confidence, rec.char_confidences, at(starts), rec.alternatives)
    assert respace(rec, blocks(starts), single=True).text == "山田太郎"


def test_the_recognizers_own_spaces_are_replaced_by_the_gaps_seen(reading: Reading) -> None:
    starts = [10, 35, 200, 225]
    positions = (*at(starts)[:1], 0.1, *at(starts)[1:])  # a space read after the first character
    rec = Recognition("山 田太郎", 0.9, (0.9, 0.6, 0.9, 0.9, 0.9), positions, ((),) * 5)
    assert respace(rec, blocks(starts), single=True).text == "山田\u3000太郎"


def test_a_name_gets_no_space_when_no_gap_stands_out(reading: Reading) -> None:
    starts = [10, 130, 250]  # two equally wide gaps: which one is the name break?
    rec = reading("あいう")
    rec = Recognition(rec.text, rec.confidence, rec.char_confidences, at(starts), rec.alternatives)
    assert respace(rec, blocks(starts), single=True).text == "あいう"
    assert len(word_gaps(rec, blocks(starts), single=False)) == 2


def test_a_gap_before_the_first_character_adds_nothing(reading: Reading) -> None:
    starts = [10, 200, 225]
    rec = Recognition("田郎", 0.9, (0.9, 0.9), at(starts)[1:], ((), ()))
    assert respace(rec, blocks(starts), single=True).text == "田郎"


def test_an_empty_crop_has_no_gaps() -> None:
    rec = Recognition("田郎", 0.9, (0.9, 0.9), (0.3, 0.7), ((), ()))
    assert word_gaps(rec, np.full((40, 200), 255, np.uint8), single=True) == []


def test_every_wide_gap_gets_a_space_when_not_single(reading: Reading) -> None:
    starts = [10, 190, 370]
    rec = reading("あいう")
    rec = Recognition(rec.text, rec.confidence, rec.char_confidences, at(starts), rec.alternatives)
    assert respace(rec, blocks(starts), single=False).text == f"あ{SPACE}い{SPACE}う"
