"""Greedy CTC decoding on hand-built probability matrices (frames x classes, class 0 blank)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from ocr_pipeline.engines.ctc import ALTERNATIVES, CharTable, decode

CLASSES = ("", "a", "b", "1", "2", "c", "d")
IDX = {c: i for i, c in enumerate(CLASSES)}
DIGITS = frozenset("12")


def frames(*rows: dict[str, float] | str, sure: float = 0.9) -> NDArray[np.float32]:
    """One row per frame. A string is that class (``""`` the blank) at probability ``sure``,
    the rest spread evenly; a dict gives probabilities by class (the blank gets the remainder)."""
    out = np.zeros((len(rows), len(CLASSES)), dtype=np.float32)
    for t, row in enumerate(rows):
        if isinstance(row, str):
            out[t, :] = (1.0 - sure) / (len(CLASSES) - 1)
            out[t, IDX[row]] = sure
        else:
            for c, p in row.items():
                out[t, IDX[c]] = p
            out[t, 0] += 1.0 - sum(row.values()) if "" not in row else 0.0
    return out


@pytest.fixture
def table() -> CharTable:
    return CharTable(CLASSES)


def test_repeated_frames_collapse_to_one_character(table: CharTable) -> None:
    assert decode(frames("a", "a", "a", "b", "b"), table).text == "ab"


def test_blank_between_repeats_keeps_both(table: CharTable) -> None:
    assert decode(frames("a", "a", "", "a"), table).text == "aa"


def test_only_blanks_read_as_nothing(table: CharTable) -> None:
    rec = decode(frames("", "", ""), table)
    assert rec.text == ""
    assert rec.char_confidences == ()
    assert rec.char_positions == ()


def test_character_confidence_is_the_peak_of_its_run_and_confidence_the_weakest(
    table: CharTable,
) -> None:
    probs = frames({"a": 0.6}, {"a": 0.8}, "", {"b": 0.7})
    rec = decode(probs, table)
    assert rec.text == "ab"
    assert rec.char_confidences == pytest.approx((0.8, 0.7))
    assert rec.confidence == pytest.approx(0.7)


def test_allowed_set_masks_other_classes_and_renormalises(table: CharTable) -> None:
    # "a" wins unconstrained; among digits and blank, "1" holds 0.3 of the remaining 0.4.
    probs = frames({"a": 0.6, "1": 0.3, "": 0.1})
    assert decode(probs, table).text == "a"
    rec = decode(probs, table, allowed=DIGITS)
    assert rec.text == "1"
    assert rec.char_confidences[0] == pytest.approx(0.3 / 0.4)


def test_allowed_set_never_yields_a_character_outside_it(table: CharTable) -> None:
    rng = np.random.default_rng(3)
    probs = rng.dirichlet(np.ones(len(CLASSES)), size=40).astype(np.float32)
    text = decode(probs, table, allowed=DIGITS).text
    assert text, "random frames should decode to something"
    assert set(text) <= DIGITS


def test_masked_frames_where_only_the_blank_survives_read_as_nothing(table: CharTable) -> None:
    probs = frames({"a": 0.7, "": 0.3}, {"b": 0.9, "": 0.1})
    assert decode(probs, table, allowed=DIGITS).text == ""


def test_prior_weights_classes_before_decoding() -> None:
    prior = np.ones(len(CLASSES), dtype=np.float32)
    prior[IDX["c"]] = 0.0  # a character that cannot occur
    prior[IDX["d"]] = 0.3  # a rarer twin
    table = CharTable(CLASSES, prior)
    assert decode(frames({"c": 0.6, "a": 0.3}), table).text == "a"
    # The rarer twin loses a close call but wins a clear one.
    assert decode(frames({"d": 0.5, "b": 0.4}), table).text == "b"
    assert decode(frames({"d": 0.95, "b": 0.04}), table).text == "d"


def test_allowed_set_keeps_the_prior_weights() -> None:
    prior = np.ones(len(CLASSES), dtype=np.float32)
    prior[IDX["2"]] = 0.3
    table = CharTable(CLASSES, prior)
    rec = decode(frames({"2": 0.5, "1": 0.4, "": 0.1}), table, allowed=DIGITS)
    assert rec.text == "1"
    assert rec.char_confidences[0] == pytest.approx(0.4 / (0.15 + 0.4 + 0.1))


def test_mask_always_keeps_the_blank(table: CharTable) -> None:
    mask = table.mask(frozenset("a"))
    assert mask is not None
    assert mask[0] == 1.0
    assert mask[IDX["a"]] == 1.0
    assert mask[IDX["b"]] == 0.0
    assert table.mask(None) is None  # no prior, no allowed set: the model as it is


def test_positions_are_run_centres_over_the_frames(table: CharTable) -> None:
    probs = frames("a", "a", "", "", "", "", "", "", "b", "b")
    rec = decode(probs, table)
    assert rec.char_positions == pytest.approx((0.1, 0.9))


def test_positions_scale_with_width_fraction(table: CharTable) -> None:
    # The crop covers the first half of the frames; the rest is batch padding.
    probs = frames("a", "", "", "b", "", "", "", "", "", "")
    rec = decode(probs, table, width_fraction=0.5)
    assert rec.char_positions == pytest.approx((0.1, 0.7))
    assert all(0.0 <= x <= 1.0 for x in rec.char_positions)


def test_positions_never_exceed_one(table: CharTable) -> None:
    rec = decode(frames("", "", "", "a"), table, width_fraction=0.5)
    assert rec.char_positions == (1.0,)


def test_alternatives_exclude_blank_and_the_character_itself(table: CharTable) -> None:
    probs = frames({"a": 0.5, "b": 0.3, "c": 0.15, "": 0.05})
    (alts,) = decode(probs, table).alternatives
    assert [c for c, _ in alts] == ["b", "c"][: len(alts)]
    assert dict(alts)["b"] == pytest.approx(0.3)
    assert all(c not in ("", "a") for c, _ in alts)
    assert len(alts) <= ALTERNATIVES


def test_alternatives_are_taken_at_the_peak_frame(table: CharTable) -> None:
    probs = frames({"a": 0.5, "b": 0.4}, {"a": 0.9, "c": 0.05})
    (alts,) = decode(probs, table).alternatives
    assert alts[0][0] == "c"


def test_alternatives_list_three_characters_when_the_blank_is_likely(table: CharTable) -> None:
    probs = frames({"a": 0.5, "": 0.2, "b": 0.15, "c": 0.1, "d": 0.05})
    (alts,) = decode(probs, table).alternatives
    assert [c for c, _ in alts] == ["b", "c", "d"]


def test_empty_reading_confidence_is_the_weakest_blank_inside_the_crop(table: CharTable) -> None:
    # Frames 0-4 cover the crop, 5-9 are padding where the blank is less sure.
    probs = frames(
        {"": 0.95}, {"": 0.8}, {"": 0.9}, {"": 0.97}, {"": 0.99},
        {"": 0.4, "a": 0.3, "b": 0.3}, {"": 0.4, "a": 0.3, "b": 0.3},
        {"": 0.4, "a": 0.3, "b": 0.3}, {"": 0.4, "a": 0.3, "b": 0.3},
        {"": 0.4, "a": 0.3, "b": 0.3},
    )  # fmt: skip
    assert decode(probs, table, width_fraction=0.5).confidence == pytest.approx(0.8)
    assert decode(probs, table, width_fraction=1.0).confidence == pytest.approx(0.4)


def test_empty_reading_of_no_frames_has_zero_confidence(table: CharTable) -> None:
    rec = decode(np.zeros((0, len(CLASSES)), dtype=np.float32), table)
    assert (rec.text, rec.confidence) == ("", 0.0)


def test_per_character_data_is_aligned(table: CharTable) -> None:
    rec = decode(frames("a", "", "1", "1", "", "b", "", "2"), table)
    assert rec.text == "a1b2"
    n = len(rec.text)
    assert len(rec.char_confidences) == len(rec.char_positions) == len(rec.alternatives) == n
    assert list(rec.char_positions) == sorted(rec.char_positions)
