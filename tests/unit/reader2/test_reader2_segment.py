"""Cutting short digit groups and kana lines into characters."""

from __future__ import annotations

import numpy as np

from ocr_pipeline.reader2.segment import by_positions, cut_group, ink_height, separate_marks
from tests.reader2_glyphs import drawn


def _ink_columns(piece: np.ndarray) -> int:
    return int((piece < 128).any(axis=0).sum())


def test_separate_digits_are_cut_by_their_components() -> None:
    cut = cut_group(drawn("2024", 40, gap=6), 4)
    assert cut is not None and cut.how == "components"
    assert len(cut.pieces) == 4


def test_two_touching_digits_are_split_apart(reader: object) -> None:
    image = drawn("08", 40, gap=-5)  # the 0 and the 8 touch
    cut = cut_group(image, 2)
    assert cut is not None and len(cut.pieces) == 2
    assert cut.how == "split"
    left, right = (_ink_columns(p) for p in cut.pieces)
    assert 0.5 < left / right < 2.0
    from ocr_pipeline.reader2.model import SecondReader

    assert isinstance(reader, SecondReader)
    guesses = reader.read(cut.pieces, allowed=[frozenset("0123456789")] * 2)
    assert "".join(g.char for g in guesses) == "08"


def test_pieces_of_one_digit_stay_together() -> None:
    image = np.full((60, 50), 255, np.uint8)
    image[8:12, 10:40] = 0  # the bar of a 5, not touching its body
    image[14:50, 10:14] = 0
    image[30:34, 10:38] = 0
    image[34:50, 34:38] = 0
    cut = cut_group(image, 1)
    assert cut is not None and len(cut.pieces) == 1
    cut = cut_group(np.hstack([image, image]), 2)
    assert cut is not None and len(cut.pieces) == 2 and cut.how == "components"


def test_a_single_narrow_mark_is_not_split_into_two() -> None:
    assert cut_group(drawn("1", 40), 2, positions=()) is None


def test_a_line_is_cut_at_the_primary_positions() -> None:
    image = drawn("マツモト", 40, gap=2)
    n = 4
    cut = by_positions(image, [(i + 0.5) / n for i in range(n)])
    assert cut is not None and len(cut.pieces) == 4
    heights = [ink_height(p) for p in cut.pieces]
    assert min(heights) > 20


def test_marks_apart_are_counted_and_pieces_of_one_digit_are_not() -> None:
    assert separate_marks(drawn("11", 40, gap=14)) == 2
    assert separate_marks(drawn("2024", 40, gap=6)) == 4
    assert separate_marks(drawn("4", 40)) == 1
    dotted = drawn("7", 40)
    dotted[-8:-5, -6:-3] = 0  # a speck beside it is no character
    assert separate_marks(dotted) == 1
