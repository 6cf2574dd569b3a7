"""A small test form drawn in code: one field of every type and a table of four rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from PIL import Image, ImageDraw, ImageFont

from form_schemas.registry import FormDefinition, load_form

FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
ERAS = (("meiji", "明"), ("taisho", "大"), ("showa", "昭"), ("heisei", "平"), ("reiwa", "令"))


class _Drawer:
    """Draws printed labels and boxes and records the zones as form.yaml fields."""

    def __init__(self, width: int = 1654, height: int = 2339) -> None:
        self.image = Image.new("L", (width, height), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.font = ImageFont.truetype(FONT, 28)
        self.fields: list[dict[str, Any]] = []

    def label(self, xy: tuple[int, int], text: str, size: int = 28) -> tuple[int, int, int, int]:
        font = self.font if size == 28 else ImageFont.truetype(FONT, size)
        self.draw.text(xy, text, font=font, fill=0)
        x0, y0, x1, y1 = self.draw.textbbox(xy, text, font=font)
        return (int(x0) - 3, int(y0) - 3, int(x1) + 3, int(y1) + 3)

    def box(self, b: tuple[int, int, int, int], boxes: int = 0) -> list[int]:
        self.draw.rectangle(b, outline=60, width=2)
        w = (b[2] - b[0]) / max(1, boxes)
        for i in range(1, boxes):
            x = round(b[0] + i * w)
            self.draw.line((x, b[1], x, b[3]), fill=130, width=1)
        return list(b)

    def options(
        self, x: int, y: int, labels: tuple[tuple[str, str], ...], gap: int = 70
    ) -> list[dict[str, Any]]:
        out = []
        for i, (code, text) in enumerate(labels):
            if i:
                self.label((x + i * gap - gap // 2 + 4, y), "・")
            out.append(
                {"code": code, "label": text, "bbox": list(self.label((x + i * gap, y), text))}
            )
        return out


def _date_parts(d: _Drawer, x: int, y: int) -> dict[str, Any]:
    parts = {}
    for name, width in (("year", 90), ("month", 70), ("day", 70)):
        parts[name] = {"bbox": d.box((x, y, x + width, y + 60))}
        d.label((x + width + 8, y + 14), {"year": "年", "month": "月", "day": "日"}[name])
        x += width + 56
    return parts


def _top_fields(d: _Drawer) -> None:  # noqa: PLR0915 - one line per field is clearest
    f = d.fields
    d.label((560, 60), "テスト用申請書", 48)
    y = 180
    d.label((100, y + 14), "届出日")
    d.label((420, y + 14), "令和")
    f.append(
        {
            "id": "filed_on",
            "label": "届出日",
            "type": "wareki_date",
            "era": "reiwa",
            "required": True,
            "parts": _date_parts(d, 490, y),
        }
    )
    y += 100
    d.label((100, y + 20), "氏名")
    f.append(
        {
            "id": "name",
            "label": "氏名",
            "type": "name",
            "required": True,
            "bbox": d.box((420, y, 1300, y + 80)),
        }
    )
    y += 100
    d.label((100, y + 12), "フリガナ")
    f.append(
        {
            "id": "kana",
            "label": "フリガナ",
            "type": "kana",
            "required": True,
            "reading_of": "name",
            "bbox": d.box((420, y, 1300, y + 60)),
        }
    )
    y += 90
    d.label((100, y + 14), "生年月日")
    opts = d.options(420, y + 14, ERAS, gap=60)
    f.append(
        {
            "id": "birth",
            "label": "生年月日",
            "type": "wareki_date",
            "required": True,
            "options": opts,
            "parts": _date_parts(d, 740, y),
        }
    )
    y += 100
    d.label((100, y + 14), "性別")
    f.append(
        {
            "id": "sex",
            "label": "性別",
            "type": "choice",
            "required": True,
            "options": d.options(420, y + 14, (("male", "男"), ("female", "女"))),
        }
    )
    y += 90
    d.label((100, y + 14), "郵便番号")
    d.label((420, y + 14), "〒")
    d.label((630, y + 14), "－")
    f.append(
        {
            "id": "postal",
            "label": "郵便番号",
            "type": "postal_code",
            "address_field": "address",
            "segments": [
                {"bbox": d.box((460, y, 620, y + 60), 3), "boxes": 3},
                {"bbox": d.box((670, y, 880, y + 60), 4), "boxes": 4},
            ],
        }
    )
    y += 90
    d.label((100, y + 40), "住所")
    f.append(
        {
            "id": "address",
            "label": "住所",
            "type": "address",
            "required": True,
            "lines": 2,
            "bbox": d.box((420, y, 1550, y + 150)),
        }
    )
    y += 170
    d.label((100, y + 20), "電話番号")
    f.append(
        {"id": "phone", "label": "電話番号", "type": "phone", "bbox": d.box((420, y, 900, y + 70))}
    )
    y += 90
    d.label((100, y + 16), "個人番号")
    f.append(
        {
            "id": "mynumber",
            "label": "個人番号",
            "type": "mynumber",
            "review": "always",
            "bbox": d.box((420, y, 1140, y + 66), 12),
            "boxes": 12,
        }
    )
    y += 90
    d.label((100, y + 16), "水栓番号")
    f.append(
        {
            "id": "meter",
            "label": "水栓番号",
            "type": "digits",
            "bbox": d.box((420, y, 900, y + 66), 8),
            "boxes": 8,
        }
    )
    y += 90
    d.label((100, y + 20), "寄附金額")
    d.label((910, y + 20), "円")
    f.append(
        {
            "id": "amount",
            "label": "寄附金額",
            "type": "amount",
            "bbox": d.box((420, y, 900, y + 70)),
        }
    )
    y += 90
    d.label((100, y + 14), "寄附年月日")
    f.append(
        {"id": "donated_on", "label": "寄附年月日", "type": "date", "parts": _date_parts(d, 420, y)}
    )
    y += 90
    for i, text in enumerate(("上記の内容に相違ありません", "申告特例の要件に該当します")):
        f.append(
            {
                "id": f"confirm_{i + 1}",
                "label": text,
                "type": "checkbox",
                "required": i == 0,
                "bbox": d.box((420, y, 460, y + 40)),
            }
        )
        d.label((480, y + 4), text)
        y += 60
    d.label((1250, y - 100), "印")
    f.append(
        {
            "id": "seal",
            "label": "印",
            "type": "presence",
            "bbox": d.box((1300, y - 140, 1420, y - 20)),
        }
    )
    d.label((100, y + 20), "備考")
    f.append(
        {"id": "remarks", "label": "備考", "type": "text", "bbox": d.box((420, y, 1550, y + 70))}
    )


def _row(d: _Drawer, y: int) -> list[dict[str, Any]]:
    """Draw one table row at ``y``; returns its columns (the geometry of that row)."""
    birth_parts = {
        name: {"bbox": d.box((x, y + 36, x + w, y + 70))}
        for name, x, w in (("year", 880, 70), ("month", 990, 60), ("day", 1090, 60))
    }
    return [
        {
            "id": "name",
            "label": "氏名",
            "type": "name",
            "required": True,
            "bbox": d.box((100, y, 480, y + 70)),
        },
        {
            "id": "kana",
            "label": "フリガナ",
            "type": "kana",
            "reading_of": "name",
            "bbox": d.box((490, y, 870, y + 70)),
        },
        {
            "id": "birth",
            "label": "生年月日",
            "type": "wareki_date",
            "parts": birth_parts,
            "options": d.options(880, y + 2, ERAS[2:], gap=56),
        },
        {
            "id": "sex",
            "label": "性別",
            "type": "choice",
            "options": d.options(1200, y + 20, (("male", "男"), ("female", "女")), gap=60),
        },
        {"id": "relation", "label": "続柄", "type": "text", "bbox": d.box((1340, y, 1550, y + 70))},
    ]


def _table(d: _Drawer, y: int) -> dict[str, Any]:
    d.label((100, y - 40), "異動者")
    cols = _row(d, y)
    for r in range(1, 4):
        _row(d, y + r * 90)
    return {"id": "members", "label": "異動者", "rows": 4, "row_pitch": 90, "columns": cols}


def make_test_form(folder: Path) -> FormDefinition:
    """Draw the template and write form.yaml into ``folder``; returns the loaded form."""
    folder.mkdir(parents=True, exist_ok=True)
    d = _Drawer()
    _top_fields(d)
    table = _table(d, 1900)
    d.image.save(folder / "template.png")
    spec = {
        "id": "test_form",
        "version": 1,
        "title": "テスト用申請書",
        "fields": d.fields,
        "tables": [table],
    }
    (folder / "form.yaml").write_text(
        yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return load_form(folder)


@pytest.fixture(scope="session")
def test_form(tmp_path_factory: pytest.TempPathFactory) -> FormDefinition:
    return make_test_form(tmp_path_factory.mktemp("forms") / "test_form")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)
