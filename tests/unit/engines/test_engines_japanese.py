"""The Japanese prior over the recognizer's classes."""

from __future__ import annotations

import pytest

from ocr_pipeline.engines.japanese import RARE, japanese_prior, jis_level, weight


@pytest.mark.parametrize("char", ["亚", "户", "们", "这"])
def test_characters_cp932_cannot_hold_weigh_nothing(char: str) -> None:
    with pytest.raises(UnicodeEncodeError):
        char.encode("cp932")
    assert weight(char) == 0.0


@pytest.mark.parametrize(
    ("rare", "common"),
    [("髙", "高"), ("德", "徳"), ("穗", "穂"), ("邊", "辺"), ("﨑", "崎")],
)
def test_variant_twins_of_a_level_1_kanji_are_rare(rare: str, common: str) -> None:
    assert weight(rare) == RARE
    assert weight(common) == 1.0
    assert 0.0 < RARE < 1.0  # rare, never impossible: a clearly written 髙 stays 髙


@pytest.mark.parametrize("char", ["山", "緑", "あ", "ア", "ー", "1", "A", "〒", "\u3000", " "])
def test_ordinary_characters_keep_full_weight(char: str) -> None:
    assert weight(char) == 1.0


def test_level_2_kanji_without_a_common_twin_keep_full_weight() -> None:
    assert jis_level("蔵") == 1
    assert jis_level("弌") == 2
    assert jis_level("丕") == 2
    assert weight("丕") == 1.0


def test_jis_levels() -> None:
    assert (jis_level("亜"), jis_level("腕"), jis_level("弌")) == (1, 1, 2)
    assert (jis_level("あ"), jis_level("1"), jis_level("髙")) == (0, 0, 0)


def test_prior_keeps_the_blank_and_follows_the_classes() -> None:
    classes = ("", "山", "亚", "髙", "1")
    prior = japanese_prior(classes)
    assert prior.shape == (len(classes),)
    assert prior.tolist() == pytest.approx([1.0, 1.0, 0.0, RARE, 1.0])
