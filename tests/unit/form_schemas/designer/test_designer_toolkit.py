"""The designer's drawing calls: the geometry they return is what they drew."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
import yaml

from form_schemas.designer import (
    Canvas,
    Column,
    DesignError,
    Run,
    Table,
    choice,
    line,
    phone,
    record_table,
    wareki,
)
from form_schemas.designer.build import BUILDERS
from form_schemas.designer.output import field_dict, form_yaml
from form_schemas.spec import BBox, Era, FieldSpec, FieldType, FormSpec

CELL: BBox = (100, 100, 1500, 220)


def ink(canvas: Canvas) -> np.ndarray:
    return np.asarray(canvas.image.convert("L")) < 200


def test_box_returns_the_space_inside_its_lines() -> None:
    c = Canvas()
    x0, y0, x1, y1 = Run(c, CELL).box(200)
    mask = ink(c)
    assert not mask[y0:y1, x0:x1].any()
    assert mask[y0 - 1, x0:x1].all() and mask[y1, x0:x1].all()
    assert mask[y0:y1, x0 - 1].all() and mask[y0:y1, x1].all()


@pytest.mark.parametrize("dash", [0, 6])
def test_comb_dividers_sit_on_the_segment_box_boundaries(dash: int) -> None:
    c = Canvas()
    seg = Run(c, CELL).comb(7, dash=dash)
    mask = ink(c)
    boxes = seg.box_bboxes()
    assert len(boxes) == 7
    for b in boxes[1:]:
        assert mask[b[1] : b[3], b[0]].mean() > 0.4
    for b in boxes:
        assert not mask[b[1] : b[3], b[0] + 2 : b[2] - 1].any()


def test_options_leave_room_for_a_circle_and_do_not_overlap() -> None:
    c = Canvas()
    opts = Run(c, CELL).options([("a", "男"), ("b", "女"), ("c", "不明")], size=34)
    for o in opts:
        assert o.bbox[3] - o.bbox[1] == 34 + 2 * round(34 * 0.3)
    for left, right in pairwise(opts):
        assert left.bbox[2] < right.bbox[0]


def test_a_widget_that_does_not_fit_is_refused() -> None:
    run = Run(Canvas(), (100, 100, 400, 220))
    with pytest.raises(DesignError, match="beyond its cell"):
        run.box(400)
    with pytest.raises(DesignError, match="does not fit"):
        Run(Canvas(), (100, 100, 400, 160)).box(100)


def test_widgets_return_fields_with_their_meta() -> None:
    run = Run(Canvas(), CELL)
    f = wareki(run, "d", "日付", era=Era.REIWA, required=True)
    assert f.type is FieldType.WAREKI_DATE and f.era is Era.REIWA and f.required
    assert f.parts is not None
    assert f.parts.year.bbox[2] < f.parts.month.bbox[0] < f.parts.day.bbox[0]
    tel = phone(run, "tel", "電話番号")
    assert len(tel.segments) == 3 and tel.separator == "-"


def test_a_table_whose_rows_differ_is_refused() -> None:
    c = Canvas()
    table = Table(c, (100, 1500, 100), [Column("a", "A")], header_h=60, row_h=120)

    def paint(cells: dict[str, list[Run]], r: int) -> list[FieldSpec]:
        return [line(cells["a"][0], "a", "A", width=200 + r)]

    with pytest.raises(DesignError, match="row 1"):
        record_table(table, "t", "T", 2, paint)


def test_a_table_records_row_zero_and_the_pitch() -> None:
    c = Canvas()
    table = Table(c, (100, 1500, 100), [Column("a", "A", 600), Column("b", "B")], header_h=60,
                  row_h=120)  # fmt: skip

    def paint(cells: dict[str, list[Run]], r: int) -> list[FieldSpec]:
        sex = [("m", "男"), ("f", "女")]
        return [line(cells["a"][0], "a", "A"), choice(cells["b"][0], "b", "B", sex)]

    spec = record_table(table, "t", "T", 3, paint)
    assert (spec.rows, spec.row_pitch) == (3, 120)
    assert spec.columns[0].segments[0].bbox[1] == 100 + 60 + 2


def test_single_segments_are_written_in_shorthand() -> None:
    f = line(Run(Canvas(), CELL), "x", "X", FieldType.NAME)
    data = field_dict(f)
    assert "segments" not in data and data["bbox"] == list(f.segments[0].bbox)
    assert FieldSpec.model_validate(data) == f


@pytest.mark.parametrize("form_id", sorted(BUILDERS))
def test_form_yaml_reads_back_as_the_same_spec(form_id: str) -> None:
    spec = BUILDERS[form_id]().spec()
    text = form_yaml(spec, "somewhere.py")
    assert text.startswith(f"# {spec.title}\n")
    assert FormSpec.model_validate(yaml.safe_load(text)) == spec
