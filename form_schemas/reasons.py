"""Why a field needs a human look: stable reason codes with their texts.

Codes are part of the output contract (``formocr process --json``) and of the store; the
review UI shows the Japanese label. Add codes to :class:`ReasonCode` and their label to
:data:`CATALOGUE` (the one table of Japanese words; a test fails on a code without one),
never inline elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    """A reason's stable code; the values are stored and printed, so they never change."""

    LOW_CONFIDENCE = "low_confidence"
    REVIEW_POLICY = "review_policy"
    REQUIRED_MISSING = "required_missing"
    INVALID_CHARS = "invalid_chars"
    INVALID_KANA = "invalid_kana"
    INVALID_DATE = "invalid_date"
    ERA_MISSING = "era_missing"
    INVALID_POSTAL_CODE = "invalid_postal_code"
    POSTAL_ADDRESS_MISMATCH = "postal_address_mismatch"
    UNKNOWN_POSTAL_CODE = "unknown_postal_code"
    UNKNOWN_ADDRESS = "unknown_address"
    ADDRESS_TOWN_DOUBT = "address_town_doubt"
    INVALID_PHONE = "invalid_phone"
    MYNUMBER_CHECK_DIGIT = "mynumber_check_digit"
    INVALID_LENGTH = "invalid_length"
    INVALID_AMOUNT = "invalid_amount"
    NO_CHOICE = "no_choice"
    MULTIPLE_CHOICES = "multiple_choices"
    INVALID_CHOICE = "invalid_choice"
    AMBIGUOUS_MARK = "ambiguous_mark"
    KANA_MISSING = "kana_missing"
    VARIANT_KANJI_RISK = "variant_kanji_risk"
    NAME_UNSPLIT = "name_unsplit"
    BOX_COUNT_MISMATCH = "box_count_mismatch"
    DATE_IN_FUTURE = "date_in_future"
    INK_UNREAD = "ink_unread"
    UNREADABLE = "unreadable"
    READERS_DISAGREE = "readers_disagree"
    NOT_IN_VOCABULARY = "not_in_vocabulary"
    READERS_AGREE = "readers_agree"


_BY_VALUE: dict[str, ReasonCode] = {code.value: code for code in ReasonCode}


@dataclass(frozen=True, init=False)
class Reason:
    """One finding on a field: a stable ``code`` and an English ``detail`` for logs.

    ``code`` may be given as its string (as the store and ``--json`` hold it) and is then
    carried as its :class:`ReasonCode`. A string that is no ``ReasonCode`` (data written by
    something else) is kept as given, as before the enum existed; :func:`label` shows it
    as-is."""

    code: ReasonCode | str
    detail: str

    def __init__(self, code: ReasonCode | str, detail: str = "") -> None:
        known = code in _BY_VALUE
        object.__setattr__(self, "code", _BY_VALUE[code] if known else code)
        object.__setattr__(self, "detail", detail)

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}" if self.detail else f"{self.code}"


# code -> Japanese label shown to reviewers
CATALOGUE: dict[ReasonCode, str] = {
    ReasonCode.LOW_CONFIDENCE: "読み取りの確信度が低い",
    ReasonCode.REVIEW_POLICY: "この項目は必ず目視確認する",
    ReasonCode.REQUIRED_MISSING: "必須項目が空欄",
    ReasonCode.INVALID_CHARS: "使えない文字が含まれる",
    ReasonCode.INVALID_KANA: "カナ以外の文字が含まれる",
    ReasonCode.INVALID_DATE: "存在しない日付",
    ReasonCode.ERA_MISSING: "元号が選ばれていない",
    ReasonCode.INVALID_POSTAL_CODE: "郵便番号の形式が正しくない",
    ReasonCode.POSTAL_ADDRESS_MISMATCH: "郵便番号と住所が一致しない",
    ReasonCode.UNKNOWN_POSTAL_CODE: "郵便番号データにない郵便番号",
    ReasonCode.UNKNOWN_ADDRESS: "住所の都道府県・市区町村が確認できない",
    ReasonCode.ADDRESS_TOWN_DOUBT: "町名が郵便番号データの町名と一字違い（読み誤りの可能性）",
    ReasonCode.INVALID_PHONE: "電話番号の形式が正しくない",
    ReasonCode.MYNUMBER_CHECK_DIGIT: "個人番号のチェックデジットが一致しない",
    ReasonCode.INVALID_LENGTH: "桁数が正しくない",
    ReasonCode.INVALID_AMOUNT: "金額として読めない",
    ReasonCode.NO_CHOICE: "選択肢に丸がない",
    ReasonCode.MULTIPLE_CHOICES: "複数の選択肢に丸がある",
    ReasonCode.INVALID_CHOICE: "選択肢にない値",
    ReasonCode.AMBIGUOUS_MARK: "記入が薄い・はっきりしない",
    ReasonCode.KANA_MISSING: "氏名があるのにフリガナが空欄",
    ReasonCode.VARIANT_KANJI_RISK: "異体字（髙・﨑など）の可能性があり目視確認が必要",
    ReasonCode.NAME_UNSPLIT: "氏と名の区切り（空白）が読み取れない",
    ReasonCode.BOX_COUNT_MISMATCH: "記入された枠の数と読み取った文字数が合わない",
    ReasonCode.DATE_IN_FUTURE: "1年以上先の日付（読み誤りの可能性）",
    ReasonCode.INK_UNREAD: "記入があるのに読み取れていない",
    ReasonCode.UNREADABLE: "判読不能",
    ReasonCode.READERS_DISAGREE: "2つの読み取り方式の結果が一致しない",
    ReasonCode.NOT_IN_VOCABULARY: "想定される語に当てはめて読み取った",
    ReasonCode.READERS_AGREE: "2つの読み取り方式が全文字一致したため受理（確信度は基準未満）",
}


def label(code: ReasonCode | str) -> str:
    """Japanese label for ``code`` (the code itself when unknown)."""
    try:
        return CATALOGUE[ReasonCode(code)]
    except (ValueError, KeyError):
        return str(code)
