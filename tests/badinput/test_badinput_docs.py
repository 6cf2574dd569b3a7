"""The README's "Bad input" table has one row per corpus case, in the corpus's order, and
one row per refusal code."""

from __future__ import annotations

import re
from pathlib import Path

from ocr_pipeline.errors import RefusalCode

from .corpus import CASES

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
ROW_ID = re.compile(r"^\| [^|]*\(`([a-z0-9_]+)`\) \|", re.MULTILINE)


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_one_row_per_case_in_corpus_order() -> None:
    section = _section("Bad input")
    assert "| kind | what happens | what the clerk is told |" in section
    assert ROW_ID.findall(section) == [case.id for case in CASES]


def test_each_row_names_the_kind() -> None:
    rows = {m.group(1): m.group(0) for m in ROW_ID.finditer(_section("Bad input"))}
    for case in CASES:
        assert rows[case.id].startswith(f"| {case.kind} (`{case.id}`) |"), case.id


def test_every_refusal_code_has_its_row() -> None:
    section = _section("Bad input")
    assert "| refusal code | messages (English, `error.reason`) |" in section
    for code in RefusalCode:
        assert f"\n| `{code}` | " in section, code
