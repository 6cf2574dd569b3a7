"""Property: any record of valid values renders, and the ``csv`` module reads the file back
to exactly the cells the profile means, whatever commas, quotes and line breaks the text
holds (UTF-8 profiles, every quoting, delimiter and line ending)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from form_schemas.spec import FieldSpec, FieldType, FieldValue, FormSpec
from ocr_pipeline.export import (
    BoundColumn,
    Encoding,
    ExportProfile,
    ExportRecord,
    LineEnding,
    Meta,
    ProfileRegistry,
    Quoting,
    bind_columns,
    neutralise,
    render,
)
from ocr_pipeline.export.cells import format_field

UTF8_PROFILES = ["water_service_utf8", "resident_move_persons"]

# Any character but surrogates, which no UTF-8 file can hold; tricky ones made likely.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from([",", '"', "\r", "\n", "\t", " ", "𠮷", "髙", "ｱ", "\ufeff"]),
    ),
    max_size=12,
)


def _value(spec: FieldSpec) -> st.SearchStrategy[FieldValue]:
    t = spec.type
    if t.is_date:
        days = st.dates(min_value=date(1868, 1, 25), max_value=date(2099, 12, 31))
        return days.map(date.isoformat)
    if t is FieldType.AMOUNT:
        return st.integers(min_value=0, max_value=10**12)
    if t in (FieldType.CHECKBOX, FieldType.PRESENCE):
        return st.booleans()
    if t is FieldType.CHOICE:
        return st.sampled_from([o.code for o in spec.options])
    return TEXT


def _values(form: FormSpec) -> st.SearchStrategy[dict[str, FieldValue]]:
    fields = {f.id: st.one_of(st.none(), _value(f)) for f in form.all_fields()}
    if form.tables:  # one row always written, so that a per-row profile has a line to write
        fields["members.0.relationship"] = st.sampled_from(["世帯主", "子", "妻"])
    return st.fixed_dictionaries(fields)


@pytest.mark.parametrize("pid", UTF8_PROFILES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rendered_files_read_back_to_the_same_cells(
    pid: str, profiles: ProfileRegistry, forms: dict[str, FormSpec], data: st.DataObject
) -> None:
    base = profiles.get(pid)
    form = forms[base.form]
    profile = base.model_copy(
        update={
            "quoting": data.draw(st.sampled_from(Quoting)),
            "line_ending": data.draw(st.sampled_from(LineEnding)),
            "delimiter": data.draw(st.sampled_from([",", "\t", ";"])),
        }
    )
    records = [
        ExportRecord(
            f"D-{i}", form.id, form.version, data.draw(_values(form)), {"approved_at": "2024-04-02"}
        )
        for i in range(data.draw(st.integers(min_value=1, max_value=3)))
    ]
    out = render(profile, form, records)
    text = out.decode("utf-8-sig" if profile.encoding is Encoding.UTF8_BOM else "utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=profile.delimiter))
    bound = bind_columns(profile, form)
    assert rows == [[b.name for b in bound], *_expected(profile.rows, bound, records, profile)]


def _filled(value: FieldValue) -> bool:
    return (
        value is not None
        and value is not False
        and not (isinstance(value, str) and not value.strip())
    )


def _expected(
    table: str | None, bound: list[BoundColumn], records: list[ExportRecord], profile: ExportProfile
) -> list[list[str]]:
    """The cells each line should hold: values formatted one by one, metadata as given."""
    lines = []
    for record in records:
        rows: list[int | None] = [None]
        if table is not None:
            rows = [
                r
                for r in range(4)
                if any(
                    _filled(v) for k, v in record.values.items() if k.startswith(f"{table}.{r}.")
                )
            ]
        for row in rows:
            cells = []
            for b in bound:
                if b.spec is not None:
                    value = record.values[b.field_id(row)]
                    cell = format_field(value, b.spec, b.column, profile)
                    if b.spec.type is FieldType.TEXT and isinstance(value, str) and _filled(value):
                        assert cell == value  # text is written exactly as it is
                    if _filled(value):  # a formula start gets a ' (CSV injection)
                        cell = neutralise(cell)
                elif b.column.meta is Meta.DOCUMENT_ID:
                    cell = record.document_id
                elif b.column.meta is Meta.TABLE_ROW:
                    cell = str((row or 0) + 1)
                else:
                    assert b.column.meta is Meta.APPROVED_AT
                    cell = record.meta["approved_at"]
                cells.append(cell)
            lines.append(cells)
    return lines
