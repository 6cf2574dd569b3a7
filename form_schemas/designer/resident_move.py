"""住民異動届 (転入・転居・転出): the notice and a table of up to four persons who move.

The persons are a :class:`TableSpec` ``members``; each row has a フリガナ band above the name
and the eras to circle above the date of birth, as counter forms usually print them.
"""

from __future__ import annotations

from ..spec import FieldSpec, FieldType
from .canvas import BLACK, Face
from .layout import Cell, Grid, Run, bands
from .page import CENTRE, LEFT, RIGHT, notes, office_use
from .tables import Column, RowCells, Table, record_table
from .widgets import FormDraft, choice, line, phone, postal_code, wareki

FORM_ID = "resident_move"
TITLE = "住民異動届"
MEMBER_ROWS = 4

NOTES = (
    "転入・転居の届出は、新しい住所に住み始めた日から14日以内にしてください。",
    "転出の届出は、異動日欄に転出する予定の日を記入してください。",
    "代理人が届け出る場合は、委任状と代理人の本人確認書類が必要です。",
)

MEMBER_COLUMNS = (
    Column("no", "", 56),
    Column("name", "フリガナ\n氏名", 470, banded=True),
    Column("birth", "生年月日", 480, banded=True),
    Column("sex", "性別", 170),
    Column("relationship", "世帯主\nとの続柄"),
)
SEX = [("male", "男"), ("female", "女")]
# 続柄 as people write them on a 異動届: the register's own terms (子, 妻の父 ...) and the
# everyday ones (長男, 本人). A reading outside the list is held to the nearest word and
# always shown to a person (reason not_in_vocabulary).
RELATIONSHIPS = (
    "世帯主", "本人", "妻", "夫", "子", "長男", "長女", "二男", "次男", "二女", "次女",
    "三男", "三女", "父", "母", "孫", "祖父", "祖母", "兄", "弟", "姉", "妹", "義父", "義母",
    "叔父", "叔母", "伯父", "伯母", "甥", "姪", "子の妻", "子の夫", "妻の父", "妻の母",
    "夫の父", "夫の母", "妻の子", "夫の子", "兄の妻", "弟の妻", "姉の夫", "妹の夫", "孫の妻",
    "孫の夫", "曾孫", "縁故者", "同居人", "未届の妻", "未届の夫", "妻（未届）", "夫（未届）",
)  # fmt: skip


def _member_row(cells: RowCells, r: int) -> list[FieldSpec]:
    no = cells["no"][0]
    no.canvas.text((no.area[0] + no.area[2]) // 2, no.cy, str(r + 1), 28, anchor="mm")
    kana, name = cells["name"]
    era_band, date_band = cells["birth"]
    return [
        line(
            kana,
            "kana",
            "フリガナ",
            FieldType.KANA,
            required=True,
            reading_of="name",
            export_column="氏名カナ",
        ),
        line(name, "name", "氏名", FieldType.NAME, required=True),
        wareki(date_band, "birth_date", "生年月日", era=None, era_run=era_band, required=True),
        choice(cells["sex"][0], "sex", "性別", SEX, size=32, required=True),
        line(
            cells["relationship"][0],
            "relationship",
            "続柄",
            FieldType.TEXT,
            required=True,
            vocabulary=RELATIONSHIPS,
        ),
    ]


def build() -> FormDraft:
    d = FormDraft(FORM_ID, TITLE, ink=BLACK)
    c = d.canvas
    c.text(LEFT, 130, "住民基本台帳法第22条・第23条・第24条による届出", 22)
    c.text(CENTRE, 205, "住 民 異 動 届", 66, face=Face.MINCHO, anchor="mm")
    c.text(LEFT, 300, "（あて先）　　　　　　　市区町村長", 28)
    date_run = Run(c, (900, 254, RIGHT, 346))
    date_run.print("届出日", gap=18)
    d.add(wareki(date_run, "filed_on", "届出日", required=True, export_column="届出年月日"))

    g = Grid(c, LEFT, RIGHT, 372, label_w=200)
    kind, moved = g.row(116, Cell("届出区分", width=420), Cell("異動日"))
    d.add(
        choice(
            kind,
            "move_type",
            "届出区分",
            [("move_in", "転入"), ("move_within", "転居"), ("move_out", "転出")],
            size=38,
            required=True,
            export_column="異動事由",
        )
    )
    d.add(wareki(moved, "moved_on", "異動日", required=True, export_column="異動年月日"))
    (run,) = g.row(206, Cell("新住所"))
    upper, lower = bands(run.area, [104, 0], c, dash=8)
    d.add(
        postal_code(
            upper,
            "new_postal_code",
            "新住所の郵便番号",
            address_field="new_address",
            export_column="新郵便番号",
        )
    )
    d.add(line(lower, "new_address", "新住所", FieldType.ADDRESS, required=True))
    (run,) = g.row(100, Cell("旧住所"))
    d.add(line(run, "old_address", "旧住所", FieldType.ADDRESS, required=True))
    (run,) = g.row(100, Cell("世帯主氏名"))
    d.add(
        line(
            run, "head_name", "世帯主氏名", FieldType.NAME, required=True, export_column="世帯主名"
        )
    )
    who, tel = g.row(112, Cell("届出人", width=420), Cell("電話番号"))
    d.add(
        choice(
            who,
            "notifier",
            "届出人",
            [("self", "本人"), ("head", "世帯主"), ("agent", "代理人")],
            size=32,
            required=True,
            export_column="届出人区分",
        )
    )
    d.add(phone(tel, "phone", "電話番号", widths=(130, 160, 160), required=True))
    bottom = g.close()

    c.text(LEFT, bottom + 40, "異動する人（届出区分の異動をする人を全員、4人まで記入）", 26)
    table = Table(c, (LEFT, RIGHT, bottom + 66), MEMBER_COLUMNS, header_h=72, row_h=172, upper_h=72)
    d.add_table(record_table(table, "members", "異動する人", MEMBER_ROWS, _member_row))
    bottom = table.close()

    bottom = notes(c, bottom + 30, NOTES)
    office_use(
        c, bottom + 24, "市区町村記入欄", ("受付", "本人確認", "入力", "照合", "住民票"), height=90
    )
    return d
