"""Records and profiles for the export tests, built in code.

``water_records``, ``furusato_records`` and ``move_records`` are small fixed sets of approved
records of the three built-in forms; the expected CSV bytes of every built-in profile over
them are written out in ``test_export_render.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldValue, FormSpec
from ocr_pipeline.export import ExportRecord, ProfileRegistry

MakeRecord = Callable[..., ExportRecord]

WATER_A: dict[str, FieldValue] = {
    "filed_on": "2024-04-01",
    "notice_type": "start",
    "effective_on": "2019-05-01",  # 令和元年5月1日
    "service_address": "東京都千代田区霞が関1-1",
    "meter_number": "1234",
    "user_kana": "ヤマダ タロウ",
    "user_name": "山田 太郎",
    "phone": "03-1234-5678",
    "payment_method": "invoice",
    "mailing_postal_code": "100-0013",
    "mailing_address": "東京都千代田区霞が関2-2",
    "remarks": '鍵は"管理人"に,預ける',
}
WATER_B: dict[str, FieldValue] = {
    "filed_on": "2019-04-30",  # 平成31年4月30日, the last day of 平成
    "notice_type": "stop",
    "effective_on": "2019-04-30",
    "service_address": "大阪府大阪市北区梅田1-1",
    "meter_number": None,
    "user_kana": "タカハシ ハナコ",
    "user_name": "髙橋 花子",  # old form of 高, kept as written; CP932 holds it
    "phone": "090-1234-5678",
    "payment_method": None,
    "mailing_postal_code": None,
    "mailing_address": None,
    "remarks": "2行目に\n続く",
}

FURUSATO_A: dict[str, FieldValue] = {
    "applied_on": "2025-01-10",
    "postal_code": "100-0013",
    "address": "東京都千代田区霞が関1-1",
    "phone": "03-1234-5678",
    "name_kana": "サトウ ジロウ",
    "name": "佐藤 次郎",
    "my_number": "123456789018",
    "sex": "male",
    "birth_date": "1989-01-07",  # 昭和64年1月7日, the last day of 昭和
    "donated_on": "2024-12-31",
    "donation_amount": 10000,
    "is_eligible_donor": True,
    "within_five": True,
}
FURUSATO_B: dict[str, FieldValue] = {
    "applied_on": "2025-01-15",
    "postal_code": None,
    "address": "北海道札幌市中央区北1条西2丁目",
    "phone": "011-123-4567",
    "name_kana": "ワタナベ ユキ",
    "name": "渡邊 由紀",
    "my_number": "123456789018",
    "sex": "female",
    "birth_date": "1989-01-08",  # 平成元年1月8日
    "donated_on": "2024-11-03",
    "donation_amount": 30000,
    "is_eligible_donor": True,
    "within_five": False,
}


def member(row: int, *cells: str) -> dict[str, FieldValue]:
    """The cells of one row of the 異動する人 table: kana, name, birth date, sex, relationship."""
    columns = ("kana", "name", "birth_date", "sex", "relationship")
    return {f"members.{row}.{k}": v for k, v in zip(columns, cells, strict=True)}


MOVE_A: dict[str, FieldValue] = {
    "filed_on": "2024-04-05",
    "move_type": "move_in",
    "moved_on": "2024-04-01",
    "new_postal_code": "100-0013",
    "new_address": "東京都千代田区霞が関1-1",
    "old_address": "大阪府大阪市北区梅田1-1",
    "head_name": "山田 太郎",
    "notifier": "self",
    "phone": "03-1234-5678",
    **member(0, "ヤマダ タロウ", "山田 太郎", "1960-03-15", "male", "世帯主"),
    **member(1, "ヤマダ ハナコ", "山田 花子", "2019-05-01", "female", "子"),
    # row 2 left blank on the paper; row 3 filled
    **member(3, "ヤマダ イチロウ", "山田 一郎", "1989-01-08", "male", "子"),
}
MOVE_B: dict[str, FieldValue] = {
    "filed_on": "2024-05-01",
    "move_type": "move_out",
    "moved_on": "2024-04-30",
    "new_postal_code": None,
    "new_address": "福岡県福岡市中央区天神1-1",
    "old_address": "東京都千代田区霞が関1-1",
    "head_name": "鈴木 一郎",
    "notifier": "agent",
    "phone": "090-1111-2222",
    **member(0, "スズキ イチロウ", "鈴木 一郎", "1926-12-25", "male", "世帯主"),  # 昭和元年
}


def make_record(form: str, doc: str, values: dict[str, FieldValue], **meta: Any) -> ExportRecord:
    """An approved record of version 1 of ``form``."""
    stamps = {"received_at": "2024-04-01T09:00:00+09:00", "approved_at": "2024-04-02", **meta}
    return ExportRecord(doc, form, 1, values, {k: str(v) for k, v in stamps.items()})


@pytest.fixture(scope="session")
def forms(registry: FormRegistry) -> dict[str, FormSpec]:
    """The built-in form specs, by id."""
    return {f.id: f.spec for f in registry}


@pytest.fixture(scope="session")
def profiles() -> ProfileRegistry:
    """The built-in export profiles."""
    return ProfileRegistry.from_dirs()


@pytest.fixture
def water_records() -> list[ExportRecord]:
    return [
        make_record("water_service", "W-0001", WATER_A, approved_at="2024-03-31T15:30:00+00:00"),
        make_record("water_service", "W-0002", WATER_B, approved_at="2019-05-01"),
    ]


@pytest.fixture
def furusato_records() -> list[ExportRecord]:
    return [
        make_record("furusato_onestop", "F-0001", FURUSATO_A),
        make_record("furusato_onestop", "F-0002", FURUSATO_B),
    ]


@pytest.fixture
def move_records() -> list[ExportRecord]:
    return [
        make_record("resident_move", "M-0001", MOVE_A),
        make_record("resident_move", "M-0002", MOVE_B),
    ]


@pytest.fixture
def make() -> MakeRecord:
    """``make(form_id, document_id, values, **meta)``: an approved record of version 1."""
    return make_record


@pytest.fixture
def water_values() -> dict[str, FieldValue]:
    """A copy of the first water_service record's values, to change in a test."""
    return dict(WATER_A)


@pytest.fixture
def move_values() -> dict[str, FieldValue]:
    """A copy of the first resident_move record's values (rows 0, 1 and 3 filled)."""
    return dict(MOVE_A)
