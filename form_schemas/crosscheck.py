"""Checks that need more than one field, or data beyond the field itself.

:func:`cross_check` runs on export-form values (after :mod:`form_schemas.fieldtypes`) and
reports, keyed by the id of the field that gets the reason:

- ``required_missing`` on required table cells of rows that hold any writing (a blank row
  of a table is not an error, so single-cell checks leave cells alone);
- ``kana_missing`` on a kana field whose ``reading_of`` name has a value;
- ``unknown_postal_code`` on a well-formed postal code that the postal data does not hold;
- ``postal_address_mismatch`` on a postal code (with ``address_field``) whose prefecture or
  municipality differs from the one written at the start of that address;
- ``unknown_address`` on an address whose prefecture, or municipality within a written
  prefecture, the lexicon does not know. An address that starts with neither (the form may
  print the municipality in front of the line) is not judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from .fieldtypes import is_table_cell
from .japanese import address, postal
from .reasons import Reason, ReasonCode
from .spec import FieldSpec, FieldType, FieldValue

Findings = dict[str, list[Reason]]
Values = Mapping[str, FieldValue]


def _written(value: FieldValue) -> bool:
    """Something was written: text, a number, a date, a ticked box (an unticked box is not)."""
    if value is None or value is False:
        return False
    return not (isinstance(value, str) and not value.strip())


def _table_rows(fields: Sequence[FieldSpec], values: Values, out: Findings) -> None:
    rows: dict[str, list[FieldSpec]] = defaultdict(list)
    for f in fields:
        if is_table_cell(f):
            rows[f.id.rsplit(".", 1)[0]].append(f)
    for row, cells in rows.items():
        if not any(_written(values.get(c.id)) for c in cells):
            continue
        for c in cells:
            if c.required and not _written(values.get(c.id)):
                detail = f"{c.id} is empty in filled row {row}"
                out[c.id].append(Reason(ReasonCode.REQUIRED_MISSING, detail))


def _kana(fields: Sequence[FieldSpec], values: Values, out: Findings) -> None:
    for f in fields:
        if f.type is not FieldType.KANA or f.reading_of is None:
            continue
        if _written(values.get(f.reading_of)) and not _written(values.get(f.id)):
            detail = f"{f.reading_of} has a value, {f.id} is empty"
            out[f.id].append(Reason(ReasonCode.KANA_MISSING, detail))


def _postal_vs_address(
    code: str, match: address.AddressMatch, places: tuple[postal.Place, ...]
) -> str | None:
    """Why the postal code's places and the address disagree, or ``None``."""
    code_places = {(p.prefecture, p.city) for p in places}
    code_prefs = {p for p, _ in code_places}
    if match.prefecture is not None and match.prefecture not in code_prefs:
        where = "/".join(sorted(code_prefs))
        return f"postal code {code} is in {where}, address in {match.prefecture}"
    if match.places and match.strong and not (match.places & code_places):
        written = "/".join(sorted(c for _, c in match.places))
        where = "/".join(sorted(c for _, c in code_places))
        return f"postal code {code} is in {where}, address in {written}"
    return None


def _postal(fields: Sequence[FieldSpec], values: Values, out: Findings) -> None:
    for f in fields:
        code = values.get(f.id)
        if f.type is not FieldType.POSTAL_CODE or not isinstance(code, str):
            continue
        if postal.postal_problem(code) is not None:
            continue  # the field check already reports the form
        places = postal.lookup(code)
        if places is None:
            out[f.id].append(
                Reason(ReasonCode.UNKNOWN_POSTAL_CODE, f"{code} is not in the postal data")
            )
            continue
        written = values.get(f.address_field) if f.address_field else None
        if not isinstance(written, str) or not written.strip():
            continue
        problem = _postal_vs_address(code, address.match_address(written), places)
        if problem:
            out[f.id].append(Reason(ReasonCode.POSTAL_ADDRESS_MISMATCH, problem))


def _addresses(fields: Sequence[FieldSpec], values: Values, out: Findings) -> None:
    for f in fields:
        written = values.get(f.id)
        if f.type is FieldType.ADDRESS and isinstance(written, str) and written.strip():
            unknown = address.match_address(written).unknown
            if unknown:
                out[f.id].append(Reason(ReasonCode.UNKNOWN_ADDRESS, unknown))


def cross_check(
    fields: Sequence[FieldSpec], values: Mapping[str, FieldValue]
) -> dict[str, tuple[Reason, ...]]:
    """Cross-field and lexicon findings for one record, keyed by field id (only fields
    with findings appear). ``fields`` is ``FormSpec.all_fields()`` (cells included);
    ``values`` maps field ids to export-form values; missing ids count as empty."""
    found: Findings = defaultdict(list)
    _table_rows(fields, values, found)
    _kana(fields, values, found)
    _postal(fields, values, found)
    _addresses(fields, values, found)
    return {k: tuple(v) for k, v in found.items() if v}
