"""What the 帳票作成 page says, in Japanese, about a draft form: why a box or field was not
taken (:class:`~form_schemas.draft.DraftError` codes) and what a field still lacks."""

from __future__ import annotations

from form_schemas.draft import (
    DATE_PARTS,
    DraftError,
    DraftField,
    FormDraft,
    field_problems,
    form_gaps,
    form_problems,
)
from form_schemas.spec import FieldType

PART = {"year": "年", "month": "月", "day": "日"}

_ERRORS = {
    "no_field": "項目「{s}」が見つかりません。",
    "too_small": "枠が小さすぎます（縦横 4 ピクセル以上）。枠を描き直してください。",
    "bad_id": (
        "項目 ID「{s}」は使えません。半角英小文字で始め、英小文字・数字・_ だけにしてください。"
    ),
    "duplicate_id": "項目 ID「{s}」はもう使われています。",
    "no_label": "項目名を入れてください（確認画面に出る名前です）。",
    "no_option": "選択肢のコードと表示名を入れてください。",
    "duplicate_option": "選択肢のコード「{s}」はもう使われています。",
    "bad_part": "日付の部分は 年・月・日 のどれかです。",
    "form_exists": (
        "帳票 ID「{s}」の帳票はもうあります。別の ID にしてください"
        "（その帳票を変えるときは、そのフォルダを直して版を上げます）。"
    ),
}


def error(exc: DraftError) -> str:
    return _ERRORS.get(exc.code, str(exc)).format(s=exc.subject)


def missing(entry: DraftField) -> list[str]:
    """What the field still needs, in Japanese (empty: complete)."""
    type_ = entry.type
    said: list[str] = []
    if type_ is FieldType.CHOICE and len(entry.options) < 2:
        said.append(f"選択肢の枠をあと {2 - len(entry.options)} 個描いてください")
    if type_.is_date:
        lacking = [PART[p] for p in DATE_PARTS if p not in entry.parts]
        if lacking:
            said.append(f"{'・'.join(lacking)} の枠を描いてください")
    if type_ is FieldType.WAREKI_DATE and not entry.era and not entry.options:
        said.append("印刷された元号を選ぶか、丸で囲む元号を選択肢として描いてください")
    if said:
        return said
    return field_problems(entry)  # anything else, as the schema says it (rare)


_GAPS = {
    "bad_form_id": "帳票 ID を入れてください（半角英小文字で始め、英小文字・数字・_ だけ）",
    "no_title": "帳票名を入れてください",
    "no_fields": "項目を 1 つ以上描いてください",
}


def unsaved(draft: FormDraft, size: tuple[int, int]) -> list[str]:
    """What keeps the draft from being saved, in Japanese (empty: it can be saved)."""
    said = [_GAPS[gap] for gap in form_gaps(draft)]
    for entry in draft.fields:
        said.extend(f"{entry.label}: {m}" for m in missing(entry))
    if said:
        return said
    return form_problems(draft, size)  # anything else, as the schema says it (rare)
