"""Town names of a municipality from Japan Post's data (spelling.towns)."""

from __future__ import annotations

from form_schemas.japanese.spelling import towns


def test_towns_are_longest_first_in_a_fixed_order() -> None:
    names = towns("東京都", "港区")
    assert "芝公園" in names
    assert list(names) == sorted(names, key=lambda n: (-len(n), n))


def test_an_unknown_municipality_has_no_towns() -> None:
    assert towns("東京都", "存在しない市") == ()
    assert not any("以下に掲載がない" in n for n in towns("北海道", "札幌市中央区"))
