"""Why a field needs a human look: stable reason codes with their texts.

Codes are part of the output contract (``formocr process --json``) and of the store; the
review UI shows the Japanese label. Add codes here, never inline elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    """One finding on a field: a stable ``code`` and an English ``detail`` for logs."""

    code: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}" if self.detail else self.code


# code -> Japanese label shown to reviewers
CATALOGUE: dict[str, str] = {
    "low_confidence": "読み取りの確信度が低い",
    "review_policy": "この項目は必ず目視確認する",
    "required_missing": "必須項目が空欄",
    "invalid_chars": "使えない文字が含まれる",
    "invalid_kana": "カナ以外の文字が含まれる",
    "invalid_date": "存在しない日付",
    "era_missing": "元号が選ばれていない",
    "invalid_postal_code": "郵便番号の形式が正しくない",
    "postal_address_mismatch": "郵便番号と住所が一致しない",
    "unknown_postal_code": "郵便番号データにない郵便番号",
    "unknown_address": "住所の都道府県・市区町村が確認できない",
    "address_town_doubt": "町名が郵便番号データの町名と一字違い（読み誤りの可能性）",
    "invalid_phone": "電話番号の形式が正しくない",
    "mynumber_check_digit": "個人番号のチェックデジットが一致しない",
    "invalid_length": "桁数が正しくない",
    "invalid_amount": "金額として読めない",
    "no_choice": "選択肢に丸がない",
    "multiple_choices": "複数の選択肢に丸がある",
    "invalid_choice": "選択肢にない値",
    "ambiguous_mark": "記入が薄い・はっきりしない",
    "kana_missing": "氏名があるのにフリガナが空欄",
    "variant_kanji_risk": "異体字（髙・﨑など）の可能性があり目視確認が必要",
    "name_unsplit": "氏と名の区切り（空白）が読み取れない",
    "box_count_mismatch": "記入された枠の数と読み取った文字数が合わない",
    "date_in_future": "1年以上先の日付（読み誤りの可能性）",
    "ink_unread": "記入があるのに読み取れていない",
    "unreadable": "判読不能",
    "readers_disagree": "2つの読み取り方式の結果が一致しない",
}


def label(code: str) -> str:
    """Japanese label for ``code`` (the code itself when unknown)."""
    return CATALOGUE.get(code, code)
