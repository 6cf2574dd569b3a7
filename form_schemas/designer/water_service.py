"""水道使用開始・中止届 (water service start / stop), printed in dark teal.

One date field serves both kinds of notice: 開始 gives the first day of use, 中止 the day the
water is to be stopped; 届出区分 says which. The mailing address block is optional (only
when bills go somewhere other than the place of use).
"""

from __future__ import annotations

from ..spec import FieldType
from .canvas import DARK_TEAL, Face
from .layout import Cell, Grid, Run
from .page import CENTRE, LEFT, RIGHT, notes, office_use
from .widgets import FormDraft, choice, comb, line, phone, postal_code, wareki

FORM_ID = "water_service"
TITLE = "水道使用開始・中止届"

NOTES = (
    "引越し等で水道の使用を開始・中止するときは、使用する日（中止する日）の3日前までに届け出てください。",
    "水栓番号は、検針票（水道使用水量等のお知らせ）に記載されています。わからない場合は空欄で構いません。",
    "中止の場合は、最終の使用水量を検針し、精算した料金の納付書を送付先へお送りします。",
    "口座振替を希望する方は、別に口座振替依頼書を金融機関へ提出してください。",
)


def build() -> FormDraft:
    d = FormDraft(FORM_ID, TITLE, ink=DARK_TEAL)
    c = d.canvas
    c.text(LEFT, 130, "様式第1号（第4条関係）", 22)
    c.text(CENTRE, 215, TITLE, 60, face=Face.MINCHO, anchor="mm")
    c.text(LEFT, 310, "（あて先）水道事業管理者", 28)

    date_run = Run(c, (880, 264, RIGHT, 356))
    date_run.print("届出日", gap=18)
    d.add(wareki(date_run, "filed_on", "届出日", required=True, export_column="届出年月日"))
    c.text(LEFT, 392, "太枠内を記入し、該当するものを○で囲んでください。", 24)

    g = Grid(c, LEFT, RIGHT, 420, label_w=270)
    (run,) = g.row(112, Cell("届出区分"))
    d.add(
        choice(
            run,
            "notice_type",
            "届出区分",
            [("start", "開始"), ("stop", "中止")],
            size=38,
            required=True,
        )
    )
    run.skip(40).print("（いずれかに○）", size=22)
    (run,) = g.row(112, Cell("開始・中止日"))
    d.add(
        wareki(run, "effective_on", "開始・中止日", required=True, export_column="開始中止年月日")
    )
    run.skip(10).print("（中止の場合は水道を止める日）", size=22)
    (run,) = g.row(96, Cell("使用場所"))
    d.add(
        line(
            run,
            "service_address",
            "使用場所",
            FieldType.ADDRESS,
            required=True,
            export_column="給水場所",
        )
    )
    (run,) = g.row(112, Cell("水栓番号\n（わかる場合）"))
    d.add(comb(run, "meter_number", "水栓番号", FieldType.DIGITS, 8, dash=6))
    run.skip(20).print("検針票に記載の8桁", size=22)
    (run,) = g.row(80, Cell("フリガナ"))
    d.add(
        line(
            run,
            "user_kana",
            "フリガナ",
            FieldType.KANA,
            required=True,
            reading_of="user_name",
            export_column="使用者カナ",
        )
    )
    (run,) = g.row(100, Cell("使用者氏名"), dash=8)
    d.add(
        line(
            run, "user_name", "使用者氏名", FieldType.NAME, required=True, export_column="使用者名"
        )
    )
    (run,) = g.row(112, Cell("電話番号"))
    d.add(phone(run, "phone", "電話番号", required=True, export_column="連絡先電話番号"))
    run.skip(10).print("（日中に連絡がとれる番号）", size=22)
    (run,) = g.row(112, Cell("料金の支払方法"))
    d.add(
        choice(
            run,
            "payment_method",
            "料金の支払方法",
            [("account_transfer", "口座振替"), ("invoice", "納付書")],
            size=36,
            export_column="支払方法",
        )
    )
    run.skip(30).print("（開始の場合のみ）", size=22)
    with g.section("送付先"):
        (run,) = g.row(112, Cell("郵便番号"))
        d.add(
            postal_code(
                run, "mailing_postal_code", "送付先郵便番号", address_field="mailing_address"
            )
        )
        run.skip(20).print("使用場所と異なる場合のみ記入", size=22)
        (run,) = g.row(100, Cell("住所"))
        d.add(line(run, "mailing_address", "送付先住所", FieldType.ADDRESS))
    (run,) = g.row(176, Cell("備考"))
    d.add(line(run, "remarks", "備考", FieldType.TEXT, lines=2))
    bottom = g.close()

    bottom = notes(c, bottom + 40, NOTES)
    office_use(c, bottom + 30, "水道課使用欄", ("受付", "検針", "開栓・閉栓", "入力", "確認"))
    return d
