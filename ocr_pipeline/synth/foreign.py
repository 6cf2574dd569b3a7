"""Pages of no known form: a printed letter or notice with paragraphs and a table.

They exercise the 'unclassified' path: Japanese text and ruled lines like a form has,
but none of its layout.
"""

from __future__ import annotations

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from .canvas import Image
from .fonts import PRINT_FACES, available, load
from .scan import TEMPLATE_DPI, a4_size

_SENDERS = (
    "総務課",
    "さくら町内会",
    "株式会社みどり商事",
    "青葉小学校",
    "市民活動センター",
    "水道事業所",
)
_ADDRESSEES = ("会員各位", "保護者各位", "関係者各位", "山田商店 御中", "自治会員の皆様")
_TITLES = ("お知らせ", "会議のご案内", "請求書", "回覧", "研修会開催のお知らせ", "納品書", "ご報告")
_SENTENCES = (
    "平素より格別のご協力を賜り、厚く御礼申し上げます。",
    "さて、下記のとおり開催いたしますので、ご案内申し上げます。",
    "ご多忙のところ恐縮ですが、ご出席くださいますようお願いいたします。",
    "ご不明な点がありましたら、担当までお問い合わせください。",
    "資料は当日会場にてお配りいたします。",
    "駐車場には限りがありますので、公共交通機関をご利用ください。",
    "なお、雨天の場合は翌週に延期いたします。",
    "お支払いは月末までにお願いいたします。",
    "内容をご確認のうえ、ご回覧ください。",
)
_TABLES = (
    (
        ("日時", "場所", "内容"),
        (
            ("10月5日", "公民館", "清掃活動"),
            ("10月12日", "集会所", "役員会"),
            ("10月19日", "体育館", "防災訓練"),
            ("11月2日", "会議室", "定例会"),
        ),
    ),
    (
        ("品名", "数量", "単価", "金額"),
        (
            ("コピー用紙", "10", "500", "5,000"),
            ("封筒", "200", "12", "2,400"),
            ("ボールペン", "50", "80", "4,000"),
            ("ファイル", "30", "150", "4,500"),
        ),
    ),
    (
        ("氏名", "所属", "連絡先"),
        (
            ("山田", "第一班", "内線201"),
            ("佐藤", "第二班", "内線305"),
            ("鈴木", "第三班", "内線118"),
        ),
    ),
)


def _pick(rng: np.random.Generator, items: tuple[str, ...]) -> str:
    return items[int(rng.integers(len(items)))]


def _table(draw: ImageDraw.ImageDraw, rng: np.random.Generator, x: int, y: int, width: int) -> int:
    """Draw a ruled table at (x, y); returns its bottom."""
    header, rows = _TABLES[int(rng.integers(len(_TABLES)))]
    font = load(PRINT_FACES[0], 30)
    n = int(rng.integers(2, len(rows) + 1))
    col_w, row_h = width // len(header), 64
    for r, cells in enumerate((header, *rows[:n])):
        top = y + r * row_h
        for c, text in enumerate(cells):
            box = (x + c * col_w, top, x + (c + 1) * col_w, top + row_h)
            draw.rectangle(
                box, outline=(40, 40, 40), width=2, fill=(225, 225, 225) if r == 0 else None
            )
            draw.text(
                (box[0] + 16, top + row_h / 2), text, font=font, fill=(20, 20, 20), anchor="lm"
            )
    return y + (n + 1) * row_h


def foreign_page(rng: np.random.Generator) -> Image:
    """A clean 200-dpi A4 page (BGR) of a letter or notice: addressee, date, sender, title,
    paragraphs, a ruled table and a contact line. Degrade it with ``degrade_page``."""
    width, height = a4_size(TEMPLATE_DPI)
    img = PILImage.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    faces = available(PRINT_FACES)
    face = faces[int(rng.integers(len(faces)))]
    body = load(face, int(rng.integers(28, 36)))
    margin = int(rng.integers(120, 200))
    right, black = width - margin, (0, 0, 0)
    day = f"令和{int(rng.integers(1, 9))}年{int(rng.integers(1, 13))}月{int(rng.integers(1, 29))}日"
    draw.text((right, 140), day, font=body, fill=black, anchor="ra")
    draw.text((margin, 220), _pick(rng, _ADDRESSEES), font=body, fill=black)
    draw.text((right, 280), _pick(rng, _SENDERS), font=body, fill=black, anchor="ra")
    draw.text((width / 2, 420), _pick(rng, _TITLES), font=load(face, 64), fill=black, anchor="mm")
    y = 540
    for k in rng.choice(len(_SENTENCES), int(rng.integers(3, 7)), replace=False):
        draw.text((margin, y), "\u3000" + _SENTENCES[int(k)], font=body, fill=black)
        y += int(body.size * 1.8)
    draw.text((width / 2, y + 60), "記", font=body, fill=black, anchor="mm")
    y = _table(draw, rng, margin, y + 130, width - 2 * margin)
    draw.text((right, y + 60), "以上", font=body, fill=black, anchor="ra")
    digits = (int(rng.integers(10, 99)), int(rng.integers(100, 999)), int(rng.integers(1000, 9999)))
    phone = "0{}-{}-{}".format(*digits)
    draw.text((margin, height - 260), f"問い合わせ先\u3000電話 {phone}", font=body, fill=black)
    rgb = np.asarray(img, np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])
