"""寄附金税額控除に係る申告特例申請書 (ふるさと納税 one-stop special application).

Laid out like the statutory form: the application date and addressee at the top, a 申請者
block, a 寄附 block, then the two confirmations a donor must tick for the special rule to
apply. No seal box: the national form dropped 押印 in 2021.
"""

from __future__ import annotations

from typing import Any

from ..spec import FieldType, ReviewPolicy
from .canvas import BLACK, SHADE, Face
from .layout import Cell, Grid, Run, bands
from .page import CENTRE, LEFT, RIGHT, notes, office_use
from .widgets import FormDraft, amount, checkbox, choice, comb, line, phone, postal_code, wareki

FORM_ID = "furusato_onestop"
TITLE = "寄附金税額控除に係る申告特例申請書"

NOTES = (
    "この申請書は、寄附をした年の翌年1月10日までに寄附先の団体へ届くよう提出してください。",
    "個人番号（マイナンバー）の確認のため、個人番号カードの両面の写し等を添付してください。",
    "申請後に住所・氏名等の変更があった場合は、翌年1月10日までに変更届出書を提出してください。",
    "確定申告又は住民税の申告をした場合、この申請による特例は適用されません。",
)

CHECKS = (
    (
        "is_eligible_donor",
        "申告特例対象寄附者である",
        "地方税法附則第7条第1項（第8項）に規定する申告特例対象寄附者である",
    ),
    (
        "within_five",
        "5団体以内である",
        "地方税法附則第7条第2項（第9項）に規定する要件に該当する者である",
    ),
)
CHECK_NOTES = (
    "（確定申告及び住民税の申告を行う必要がない方）",
    "（この寄附を含め、本年の申告特例の求めが5団体以内である見込みの方）",
)

ALWAYS: dict[str, Any] = {"review": ReviewPolicy.ALWAYS, "double_entry": True, "required": True}


def build() -> FormDraft:
    d = FormDraft(FORM_ID, TITLE, ink=BLACK)
    c = d.canvas
    c.text(CENTRE, 150, "市町村民税・道府県民税", 30, face=Face.MINCHO, anchor="mm")
    c.text(CENTRE, 220, TITLE, 52, face=Face.MINCHO, anchor="mm")
    c.text(LEFT, 320, "（寄附先）　　　　　　　　市町村長 様", 28)
    date_run = Run(c, (900, 274, RIGHT, 366))
    date_run.print("申請日", gap=18)
    d.add(wareki(date_run, "applied_on", "申請日", required=True, export_column="申請年月日"))

    g = Grid(c, LEFT, RIGHT, 410, label_w=230)
    with g.section("申請者"):
        (run,) = g.row(206, Cell("住所"))
        upper, lower = bands(run.area, [104, 0], c, dash=8)
        d.add(postal_code(upper, "postal_code", "郵便番号", address_field="address"))
        d.add(line(lower, "address", "住所", FieldType.ADDRESS, required=True))
        (run,) = g.row(112, Cell("電話番号"))
        d.add(phone(run, "phone", "電話番号", required=True))
        (run,) = g.row(80, Cell("フリガナ"))
        d.add(
            line(
                run,
                "name_kana",
                "フリガナ",
                FieldType.KANA,
                required=True,
                reading_of="name",
                export_column="氏名カナ",
            )
        )
        (run,) = g.row(100, Cell("氏名"), dash=8)
        d.add(line(run, "name", "氏名", FieldType.NAME, required=True))
        (run,) = g.row(112, Cell("個人番号"))
        d.add(comb(run, "my_number", "個人番号", FieldType.MYNUMBER, 12, **ALWAYS))
        sex, birth = g.row(112, Cell("性別", width=170), Cell("生年月日"))
        d.add(choice(sex, "sex", "性別", [("male", "男"), ("female", "女")], required=True))
        d.add(wareki(birth, "birth_date", "生年月日", era=None, required=True))
    with g.section("寄附"):
        (run,) = g.row(112, Cell("寄附年月日"))
        d.add(wareki(run, "donated_on", "寄附年月日", required=True))
        (run,) = g.row(112, Cell("寄附金額"))
        d.add(amount(run, "donation_amount", "寄附金額", width=420, **ALWAYS))
    (head,) = g.row(60, Cell(None))
    c.fill(head.area, SHADE)
    head.print("申告特例の要件に関する事項（該当する場合は□にチェックしてください）", size=24)
    for (fid, label, statement), note in zip(CHECKS, CHECK_NOTES, strict=True):
        (run,) = g.row(118, Cell(None))
        text, sub = bands(run.area, [62, 0], c, ruled=False)
        d.add(checkbox(text, fid, label, statement, required=True))
        sub.skip(74).print(note, size=22)
    bottom = g.close()

    bottom = notes(c, bottom + 36, NOTES)
    office_use(c, bottom + 26, "市町村記入欄", ("受付番号", "番号確認", "身元確認", "受付印"))
    return d
