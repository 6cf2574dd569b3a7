"""form_schemas.japanese.variants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from form_schemas.japanese.variants import (
    VARIANT_GROUPS,
    fold_variants,
    variant_candidates,
    variants_of,
)
from form_schemas.japanese.width import normalise_text

PAIRS = [
    ("高", "髙"),
    ("崎", "﨑"),
    ("崎", "嵜"),
    ("辺", "邊"),
    ("辺", "邉"),
    ("斎", "齋"),
    ("斎", "齊"),
    ("斎", "斉"),
    ("沢", "澤"),
    ("浜", "濱"),
    ("島", "嶋"),
    ("島", "嶌"),
    ("吉", "𠮷"),
    ("富", "冨"),
    ("国", "國"),
    ("広", "廣"),
    ("竜", "龍"),
    ("桜", "櫻"),
    ("恵", "惠"),
    ("条", "條"),
    ("塚", "\ufa10"),
]


@pytest.mark.parametrize(("common", "old"), PAIRS)
def test_both_directions(common: str, old: str) -> None:
    assert old in variants_of(common)
    assert common in variants_of(old)


def test_candidates_positions_count_code_points() -> None:
    found = variant_candidates("𠮷田髙子")
    assert [(i, ch) for i, ch, _ in found] == [(0, "𠮷"), (2, "髙")]
    assert found[0][2] == ("吉",)


def test_no_candidates_in_plain_names() -> None:
    assert variant_candidates("山田太郎") == []


def test_fold_is_for_comparison_and_normalising_keeps_old_forms() -> None:
    assert fold_variants("髙﨑邊") == "高崎辺"
    assert normalise_text("髙﨑邊") == "髙﨑邊"


members = sorted({ch for g in VARIANT_GROUPS for ch in g})


@given(st.sampled_from(members))
def test_groups_are_symmetric_and_share_a_fold(ch: str) -> None:
    for other in variants_of(ch):
        assert ch in variants_of(other)
        assert fold_variants(other) == fold_variants(ch)
