"""就学援助申請書: a test-only form drawn at 150 dpi with 3 mm ふりがな rows.

A town's own form, not a built-in one: the template is drawn at **150 dpi** (the resolution
the town scans at) and its furigana rows are 3 mm (18 px) high, the smallest writing formocr
must read. Drawn with the same designer as the built-in forms, so every zone is exactly what
was ruled; nothing is committed but this code.

``python -m tests.forms.school_aid OUT`` (from the repository root) writes
``OUT/school_aid/{form.yaml, template.png}``; ``formocr synth --forms-dir OUT --form
school_aid ...`` then fills and scans it, and ``formocr eval --forms-dir OUT`` scores it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from form_schemas.designer import (
    BLACK,
    Cell,
    Column,
    Face,
    FormDraft,
    Grid,
    Run,
    Table,
    line,
    phone,
    postal_code,
    record_table,
    wareki,
)
from form_schemas.designer.layout import bands
from form_schemas.designer.output import write_form
from form_schemas.designer.tables import RowCells
from form_schemas.designer.widgets import comb
from form_schemas.spec import Era, FieldSpec, FieldType

FORM_ID = "school_aid"
TITLE = "就学援助申請書"
DPI = 150
FURIGANA_H = 18  # px at 150 dpi: 3.0 mm
CHILD_ROWS = 3

LEFT, RIGHT = 90, 1150  # 15 mm margins
CHILD_COLUMNS = (
    Column("no", "", 40),
    Column("name", "ふりがな\n児童生徒氏名", 300, banded=True),
    Column("birth", "生年月日", 400),
    Column("school", "学校名", 210),
    Column("grade", "学年"),
)


def _child_row(cells: RowCells, r: int) -> list[FieldSpec]:
    no = cells["no"][0]
    no.canvas.text((no.area[0] + no.area[2]) // 2, no.cy, str(r + 1), 21, anchor="mm")
    kana, name = cells["name"]
    grade = cells["grade"][0]
    return [
        line(kana, "kana", "ふりがな", FieldType.KANA, required=True, reading_of="name"),
        line(name, "name", "児童生徒氏名", FieldType.NAME, required=True),
        wareki(cells["birth"][0], "birth_date", "生年月日", era=Era.HEISEI, required=True),
        line(cells["school"][0], "school", "学校名", FieldType.TEXT, required=True),
        comb(grade, "grade", "学年", FieldType.DIGITS, 1, required=True),
    ]


def build() -> FormDraft:
    """The drawn form (150 dpi)."""
    d = FormDraft(FORM_ID, TITLE, ink=BLACK, dpi=DPI)
    c = d.canvas
    c.text(LEFT, 96, "様式第1号（第3条関係）", 17)
    c.text(c.width // 2, 150, "就 学 援 助 申 請 書", 48, face=Face.MINCHO, anchor="mm")
    c.text(LEFT, 226, "（あて先）教育委員会", 21)
    date_run = Run(c, (640, 180, RIGHT, 252))
    date_run.print("申請日", gap=14)
    d.add(wareki(date_run, "filed_on", "申請日", required=True))
    c.text(LEFT, 276, "次のとおり就学援助を申請します。", 18)

    g = Grid(c, LEFT, RIGHT, 296, label_w=150, frame=3)
    (run,) = g.row(96, Cell("申請者氏名"))
    upper, lower = bands(run.area, [FURIGANA_H, 0], c, dash=6)
    upper.print("ふりがな", size=12, gap=4)
    d.add(
        line(
            upper,
            "applicant_kana",
            "ふりがな",
            FieldType.KANA,
            required=True,
            reading_of="applicant_name",
        ),
        line(lower, "applicant_name", "申請者氏名", FieldType.NAME, required=True),
    )
    (run,) = g.row(150, Cell("住所"))
    upper, lower = bands(run.area, [76, 0], c, dash=6)
    d.add(postal_code(upper, "postal_code", "郵便番号", address_field="address"))
    d.add(line(lower, "address", "住所", FieldType.ADDRESS, required=True))
    (tel,) = g.row(84, Cell("電話番号"))
    d.add(phone(tel, "phone", "電話番号", required=True))
    bottom = g.close()

    c.text(LEFT, bottom + 30, "就学援助を受けようとする児童生徒", 20)
    table = Table(
        c,
        (LEFT, RIGHT, bottom + 50),
        CHILD_COLUMNS,
        header_h=54,
        row_h=92,
        upper_h=FURIGANA_H,
        frame=3,
        dash=6,
    )
    d.add_table(record_table(table, "children", "児童生徒", CHILD_ROWS, _child_row))
    bottom = table.close()
    y = bottom + 30
    for note in (
        "1. 申請は世帯ごとに1枚で、小学校・中学校に在学する児童生徒を全員記入してください。",
        "2. ふりがなは、ひらがなで記入してください。",
        "3. 世帯全員の所得が確認できる書類を添付してください。",
    ):
        c.text(LEFT, y, note, 16, anchor="lt")
        y += 26
    return d


def make_school_aid_form(folder: Path) -> Path:
    """Write ``folder/school_aid/{form.yaml, template.png}``; returns that form folder.
    ``folder`` is then a forms directory (``--forms-dir``)."""
    return write_form(build(), Path(folder), "tests/forms/school_aid.py")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="forms directory to write school_aid/ into")
    print(make_school_aid_form(parser.parse_args(argv).out))


if __name__ == "__main__":
    main()
