"""Valid values of one record per built-in form, in export form: shared test data of the store
and review UI tests (which make documents from them without OCR)."""

from __future__ import annotations

from form_schemas.spec import FieldValue

WATER_VALUES: dict[str, FieldValue] = {
    "filed_on": "2024-04-01",
    "notice_type": "start",
    "effective_on": "2024-04-10",
    "service_address": "東京都千代田区千代田１－１",
    "meter_number": "12345678",
    "user_kana": "ヤマダ\u3000タロウ",
    "user_name": "山田\u3000太郎",
    "phone": "03-1234-5678",
    "payment_method": "invoice",
    "mailing_postal_code": None,
    "mailing_address": None,
    "remarks": None,
}
FURUSATO_VALUES: dict[str, FieldValue] = {
    "applied_on": "2026-09-26",
    "postal_code": "779-5323",
    "address": "徳島県三好市山城町中野５３－２０",
    "phone": "070-6915-0591",
    "name_kana": "ノダ\u3000トモヤ",
    "name": "野田\u3000智也",
    "my_number": "463009968008",
    "sex": "male",
    "birth_date": "1964-09-06",
    "donated_on": "2026-02-10",
    "donation_amount": 65000,
    "is_eligible_donor": True,
    "within_five": True,
}
