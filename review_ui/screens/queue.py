"""確認キュー: the documents of this municipality that need a person, oldest or hardest first,
filtered by form, status and the day they arrived, a page at a time, with counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import streamlit as st

from review_ui import navigation, services, texts

PAGE_SIZE = 50
Order = Literal["oldest", "hardest"]
ORDERS: list[Order] = ["oldest", "hardest"]


def render() -> None:
    """The 確認キュー page (run by the navigation, review_ui.navigation)."""
    services.require(*navigation.REVIEWERS)
    town = services.tenant_store()
    registry = services.forms()
    st.title("確認キュー")

    counts = town.counts()
    cols = st.columns(len(texts.DOCUMENT_STATUS))
    for col, (each, name) in zip(cols, texts.DOCUMENT_STATUS.items(), strict=True):
        col.metric(name, f"{counts.documents.get(each.value, 0):,}")

    forms = {f.id: f.spec.title for f in registry}
    with st.container(horizontal=True):
        form_id = st.selectbox(
            "帳票",
            [None, *sorted(set(forms) | set(counts.by_form))],
            format_func=lambda f: "すべて" if f is None else forms.get(f, f),
            key="q_form",
        )
        status = st.selectbox(
            "状態",
            [*texts.DOCUMENT_STATUS, None],
            format_func=lambda s: "すべて" if s is None else texts.DOCUMENT_STATUS[s],
            key="q_status",
        )
        order: Order = st.radio(
            "並び順",
            ORDERS,
            format_func={"oldest": "古い順", "hardest": "確認項目の多い順"}.get,
            horizontal=True,
            key="q_order",
        )
        days = st.date_input("受付日（期間）", value=[], key="q_days", format="YYYY-MM-DD")

    since = until = None
    if isinstance(days, tuple | list) and days:
        first: date = days[0]
        last: date = days[-1]
        since, until = texts.jst_day_start(first), texts.jst_day_start(last + timedelta(days=1))

    total = town.count_documents(status, form_id, since=since, until=until)
    pages = max(1, -(-total // PAGE_SIZE))
    page_no = int(
        st.number_input(f"ページ（全 {pages} ページ、{total:,} 件）", 1, pages, 1, key="q_page")
    )
    docs = town.list_documents(
        status, form_id, order, PAGE_SIZE, (page_no - 1) * PAGE_SIZE, since=since, until=until
    )
    if not docs:
        st.info("該当する書類はありません。")
        st.stop()

    st.dataframe(
        [
            {
                "書類番号": d.id,
                "帳票": forms.get(d.form_id, d.form_id),
                "状態": texts.DOCUMENT_STATUS[d.status],
                "要確認項目": d.open_fields,
                "最低確信度": texts.confidence(d.min_confidence) if d.open_fields else "",
                "受付日時": texts.jst(d.created_at),
                "更新日時": texts.jst(d.updated_at),
            }
            for d in docs
        ],
        hide_index=True,
        width="stretch",
    )
    with st.container(horizontal=True, vertical_alignment="bottom"):
        chosen = st.selectbox(
            "開く書類",
            [d.id for d in docs],
            format_func=lambda i: (
                f"{i}（{forms.get(next(d.form_id for d in docs if d.id == i), '')}）"
            ),
            key="q_open",
        )
        if st.button("開く", type="primary", shortcut="Alt+O", key="q_open_button"):
            navigation.go("review", query_params={"doc": str(chosen)})
    st.caption("Alt+O: 選んだ書類（既定では一覧の先頭）を開く")
