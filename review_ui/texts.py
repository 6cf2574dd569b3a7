"""What the review UI says, in Japanese: names of states, roles, actions, field types and
review policies, and how times are shown (Japan time). Reason labels come from
:mod:`form_schemas.reasons`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from form_schemas.reasons import label as reason_label
from form_schemas.spec import ReviewPolicy
from ocr_pipeline.store import Action, DocumentStatus, FieldState, Role, SourceState

JST = timezone(timedelta(hours=9), "JST")

DOCUMENT_STATUS: dict[DocumentStatus, str] = {
    DocumentStatus.REVIEW: "要確認",
    DocumentStatus.READY: "承認待ち",
    DocumentStatus.APPROVED: "承認済",
    DocumentStatus.RETURNED: "返戻",
    DocumentStatus.EXPORTED: "出力済",
}
FIELD_STATE: dict[FieldState, str] = {
    FieldState.ACCEPTED: "自動確定",
    FieldState.REVIEW: "要確認",
    FieldState.CORRECTED: "修正済",
    FieldState.CONFIRMED: "確認済",
    FieldState.UNREADABLE: "判読不能",
}
SOURCE_STATE: dict[SourceState, str] = {
    SourceState.RECEIVED: "受付",
    SourceState.QUEUED: "処理待ち",
    SourceState.PROCESSING: "処理中",
    SourceState.DONE: "処理済",
    SourceState.QUARANTINED: "受付不可（隔離）",
}
ROLE: dict[Role, str] = {
    Role.CLERK: "窓口職員",
    Role.REVIEWER: "確認担当",
    Role.ADMINISTRATOR: "管理者",
}
ACTION: dict[Action, str] = {
    Action.RECEIVED: "ファイル受付",
    Action.DUPLICATE: "同一ファイルの再受付",
    Action.SAVED: "読み取り結果の保存",
    Action.QUARANTINED: "隔離",
    Action.REQUEUED: "再処理",
    Action.ARCHIVED: "保管",
    Action.CREATED: "書類の作成",
    Action.OCR: "OCR 読み取り",
    Action.CORRECTED: "修正",
    Action.CONFIRMED: "確認",
    Action.UNREADABLE: "判読不能",
    Action.APPROVED: "承認",
    Action.RETURNED: "返戻",
    Action.EXPORTED: "CSV 出力",
    Action.EXPORT_REPEATED: "CSV 再出力",
    Action.REVEALED: "個人番号の表示",
    Action.ENTERED: "二重入力（ブラインド）",
    Action.ENTRIES_DIFFER: "二重入力の不一致",
    Action.UPLOADED: "アップロード",
    Action.USER_ADDED: "利用者の追加",
    Action.PASSWORD_CHANGED: "パスワード変更",
    Action.USER_DISABLED: "利用者の停止",
    Action.USER_ENABLED: "利用者の再開",
    Action.TRAINING_OPT_IN: "学習利用の設定",
    Action.READER_MODEL: "読み取りモデルの切替",
    Action.TRAINING_EXPORTED: "学習データの出力",
    Action.AUDIT_RATE_SET: "抜き取り検査の割合の変更",
    Action.RETENTION_SET: "保存期間の変更",
    Action.PURGED: "保存期間を過ぎた書類の削除",
}
FIELD_TYPE: dict[str, str] = {
    "text": "文字",
    "name": "氏名",
    "address": "住所",
    "kana": "フリガナ",
    "date": "日付（西暦）",
    "wareki_date": "日付（和暦）",
    "postal_code": "郵便番号",
    "phone": "電話番号",
    "mynumber": "個人番号",
    "digits": "数字",
    "amount": "金額",
    "choice": "選択（丸囲み）",
    "checkbox": "チェック欄",
    "presence": "押印・署名",
}

REVIEW_POLICY: dict[ReviewPolicy, str] = {
    ReviewPolicy.AUTO: "必要なときだけ",
    ReviewPolicy.ALWAYS: "必ず",
    ReviewPolicy.NEVER: "しない",
}
"""目視確認: when a person looks at a field, as the form pages (帳票定義, 帳票作成) say it."""


def reason(code: str) -> str:
    """The Japanese label of a reason code."""
    return reason_label(code)


_READERS_WORDS = (
    ("; second reader's reading shown", "（表示は第2方式の読み）"),
    ("second reader sees", "第2方式は文字数"),
    ("second reader", "第2方式"),
    ("recognizer", "主方式"),
    ("characters", ""),
    ("differs", "が異なる"),
    ("year", "年"),
    ("month", "月"),
    ("day", "日"),
    ("box", "枠"),
)


def readings_note(detail: str) -> str:
    """The two readings of a ``readers_disagree`` reason in the reviewer's words, as inline
    code (never rendered as Markdown)."""
    text = detail
    for english, japanese in _READERS_WORDS:
        text = text.replace(english, japanese)
    return "`" + text.replace("`", "'") + "`"


def confidence(value: float | None) -> str:
    """A confidence as every screen shows it: two decimals (``1.00``, ``0.72``); empty for
    none."""
    return "" if value is None else f"{value:.2f}"


def field_type(name: str) -> str:
    return FIELD_TYPE.get(name, name)


def jst(at: datetime | None) -> str:
    """A time as ``YYYY-MM-DD HH:MM`` in Japan time (empty for none)."""
    if at is None:
        return ""
    return at.astimezone(JST).strftime("%Y-%m-%d %H:%M")


def jst_day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` (a date in Japan) as a UTC time."""
    local = datetime(day.year, day.month, day.day, tzinfo=JST)
    return local.astimezone(UTC)


def size(n: int) -> str:
    """A file size for people."""
    if n < 1024:
        return f"{n:,} B"
    if n < 1024 * 1024:
        return f"{n / 1024:,.1f} KB"
    return f"{n / (1024 * 1024):,.1f} MB"
