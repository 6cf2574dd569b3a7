"""What a reviewer does to a document, as button callbacks: accept or correct a field, key a
double-entry field blind, mark a field unreadable, reveal a 個人番号, approve or return the
document, move on.

Each change is based on the document version the reviewer was shown (bound when the button
was drawn), so a change made meanwhile by someone else is a conflict, never silently
overwritten; the page then shows what changed. Outcomes are left for the page as a flash
message in the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import streamlit as st

from ocr_pipeline.errors import FormocrError
from ocr_pipeline.store import (
    ConflictError,
    Document,
    DocumentStatus,
    EntryOutcome,
    EntryStatus,
    InvalidValueError,
    NotFoundError,
    ReviewStore,
)

from . import failure, services, texts
from .failure import guarded

FLASH_KEY = "rv_flash"
FIELD_KEY = "rv_field"
REVEALED_KEY = "rv_revealed"
PAGE_KEY = "rv_show_page"
DOC_KEY = "rv_doc"

Mode = Literal["review", "blind", "third"]


@dataclass(frozen=True)
class Flash:
    """A message for the next run of the page. ``seen_version`` (conflicts): the version the
    reviewer had, so the page can list what changed after it."""

    kind: Literal["success", "error", "conflict", "info"]
    text: str
    seen_version: int | None = None
    details: tuple[str, ...] = field(default_factory=tuple)


def _flash(flash: Flash) -> None:
    st.session_state[FLASH_KEY] = flash


def take_flash() -> Flash | None:
    value = st.session_state.pop(FLASH_KEY, None)
    return value if isinstance(value, Flash) else None


def _town() -> tuple[ReviewStore, str]:
    user = services.require()  # once: each check reads the user from the store
    return services.store().for_tenant(services.current_tenant(user)), user.actor


def _failed(exc: FormocrError, seen_version: int) -> None:
    if isinstance(exc, InvalidValueError):
        labels = tuple(texts.reason(c) for c in exc.codes)
        _flash(Flash("error", "この値は確定できません。正しい値を入力してください。", None, labels))
    elif isinstance(exc, ConflictError):
        if "changed since version" in exc.message:
            _flash(
                Flash(
                    "conflict",
                    "ほかの人がこの書類を変更しました。最新の内容を表示しています。"
                    "変更を確かめてから、もう一度操作してください。",
                    seen_version,
                )
            )
        else:
            _flash(Flash("error", conflict_text(exc.message)))
    elif isinstance(exc, NotFoundError):
        _flash(Flash("error", "この書類または項目は見つかりません。"))
    else:
        # The store's message is for the administrator (English, may name files): logged
        # with a reference, which is all the reviewer is shown.
        reference = failure.logged("review action")
        _flash(Flash("error", failure.message(reference, "この操作を完了")))


def conflict_text(message: str) -> str:
    """The Japanese explanation of a refusal from the store (not a concurrent change)."""
    if "keyed twice" in message or "double entry" in message:
        return "この項目は二人が別々に入力して照合します（二重入力）。"
    if "already keyed" in message:
        return "この項目はすでに入力済みです。別の担当者が二回目を入力します。"
    if "differ" in message or "third person" in message:
        return "二人の入力が一致しませんでした。入力していない三人目の担当者が確定します。"
    if "cannot be approved" in message:
        return "まだ承認できません。要確認の項目・判読不能の必須項目・値の誤りを解消してください。"
    return "この状態では操作できません。画面を読み込み直してください。"


@guarded
def submit_value(
    doc_id: int, field_id: str, *, seen_version: int, shown: str, mode: Mode, key: str
) -> None:
    """確定: what is in the input box. ``blind``: one of two blind entries; otherwise the
    value shown unchanged is confirmed and anything else is a correction."""
    town, actor = _town()
    typed = str(st.session_state.get(key, ""))
    try:
        if mode == "blind":
            if not typed.strip():
                _flash(Flash("error", "値を入力してください（判読できないときは判読不能）。"))
                return
            _, outcome = town.enter_value(
                doc_id, field_id, typed, actor=actor, expected_version=seen_version
            )
            _flash(Flash("success", ENTRY_TEXT[outcome]))
        elif typed == shown:
            town.confirm_field(doc_id, field_id, actor=actor, expected_version=seen_version)
            _flash(Flash("success", "確認しました。"))
        else:
            town.correct_field(doc_id, field_id, typed, actor=actor, expected_version=seen_version)
            _flash(Flash("success", "修正しました。"))
    except FormocrError as exc:
        _failed(exc, seen_version)


ENTRY_TEXT = {
    EntryOutcome.WAITING: "入力しました。別の担当者の入力と照合されます。",
    EntryOutcome.MATCHED: "二人の入力が一致し、値が確定しました。",
    EntryOutcome.MISMATCH: "一人目の入力と一致しませんでした。三人目の担当者が確定します。",
}


@guarded
def unreadable(doc_id: int, field_id: str, seen_version: int) -> None:
    """判読不能."""
    town, actor = _town()
    try:
        town.mark_unreadable(doc_id, field_id, actor=actor, expected_version=seen_version)
        _flash(Flash("info", "判読不能にしました。"))
    except FormocrError as exc:
        _failed(exc, seen_version)


@guarded
def reveal(doc_id: int, field_id: str) -> None:
    """個人番号を表示: logged in the store before it is shown."""
    town, actor = _town()
    try:
        town.log_reveal(doc_id, field_id, actor)
    except FormocrError as exc:
        _failed(exc, 0)
        return
    revealed = set(st.session_state.get(REVEALED_KEY, set()))
    revealed.add((town.tenant_id, doc_id, field_id))
    st.session_state[REVEALED_KEY] = revealed


def is_revealed(tenant: str, doc_id: int, field_id: str) -> bool:
    return (tenant, doc_id, field_id) in st.session_state.get(REVEALED_KEY, set())


def blind_fields(doc: Document, entries: Mapping[str, EntryStatus]) -> frozenset[str]:
    """The double-entry fields still keyed blind (open, the entries not yet found to differ):
    nobody is shown a reading or a value of them, anywhere on the page."""
    return frozenset(
        fid
        for fid, entry in entries.items()
        if not entry.mismatch and fid in doc.fields and doc.fields[fid].needs_review
    )


@guarded
def approve(doc_id: int, seen_version: int) -> None:
    """承認."""
    town, actor = _town()
    try:
        town.approve(doc_id, actor=actor, expected_version=seen_version)
        _flash(Flash("success", "承認しました。CSV 出力の対象になりました。"))
    except FormocrError as exc:
        _failed(exc, seen_version)


@guarded
def return_document(doc_id: int, seen_version: int, key: str) -> None:
    """返戻 (補正依頼) with the reason typed."""
    town, actor = _town()
    reason = str(st.session_state.get(key, "")).strip()
    if not reason:
        _flash(Flash("error", "返戻の理由を入力してください。"))
        return
    try:
        town.return_document(doc_id, actor=actor, expected_version=seen_version, reason=reason)
        _flash(Flash("info", "返戻しました。"))
    except FormocrError as exc:
        _failed(exc, seen_version)


def move(step: int, count: int) -> None:
    """前の項目 / 次の項目 (wrapping around)."""
    if count:
        st.session_state[FIELD_KEY] = (int(st.session_state.get(FIELD_KEY, 0)) + step) % count


def toggle_page() -> None:
    st.session_state[PAGE_KEY] = not st.session_state.get(PAGE_KEY, False)


def next_document(current: int | None) -> int | None:
    """The next document that needs a person (review first, then awaiting approval)."""
    town = services.tenant_store()
    for status in (DocumentStatus.REVIEW, DocumentStatus.READY):
        for d in town.list_documents(status, limit=20):
            if d.id != current:
                return d.id
    return None


def open_document(doc_id: int | None) -> None:
    """Show ``doc_id`` (``None``: nothing) from its first field."""
    st.session_state[FIELD_KEY] = 0
    st.session_state[PAGE_KEY] = False
    if doc_id is None:
        st.query_params.pop("doc", None)
        st.session_state.pop(DOC_KEY, None)
    else:
        st.query_params["doc"] = str(doc_id)
        st.session_state[DOC_KEY] = doc_id
