"""Neutralising cells a spreadsheet would run as a formula (CSV injection).

Excel and LibreOffice read a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula,
and a leading tab or carriage return can hide such a start. OWASP's advice, followed here:
put a single quote in front of such a cell, so it is shown as text. The rule looks only at the
first character, so legitimate values starting that way (a phone ``+81-3-1234``, ``-2``) are
changed too; a profile for a core system that needs raw values opts out with
``neutralise_formulas: false``.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMULA_STARTS = frozenset("=+-@\t\r")
"""First characters that make a spreadsheet treat a cell as a formula (OWASP's list)."""

QUOTE = "'"


def needs_neutralising(text: str) -> bool:
    """Whether ``text`` starts with a character a spreadsheet reads as a formula."""
    return bool(text) and text[0] in FORMULA_STARTS


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when it starts like a formula; otherwise unchanged."""
    return QUOTE + text if needs_neutralising(text) else text


@dataclass(frozen=True)
class NeutralisedCell:
    """Where a cell was neutralised: data line (from 1, the header not counted), record,
    column name and source (a field id, ``meta:KEY`` or ``value``). Never the value: a cell
    may hold a 個人番号."""

    line: int
    document_id: str
    column: str
    source: str

    def to_dict(self) -> dict[str, str | int]:
        return {
            "line": self.line,
            "document_id": self.document_id,
            "column": self.column,
            "source": self.source,
        }
