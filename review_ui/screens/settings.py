"""設定: this municipality's settings, administrators only, each change audit-logged through
the store: the share of auto-accepted fields that goes to a reviewer as a sampling audit
(the reviewer cannot tell such a field from an unsure one), and the record of changes."""

from __future__ import annotations

import streamlit as st

from ocr_pipeline.errors import FormocrError
from review_ui import labels, navigation, services, texts
from review_ui.plain import md

FLASH = "st_flash"
RATE_KEY = "st_audit_rate"


def save_rate() -> None:
    """保存 of the sampling rate (a callback: the role is checked again before the change)."""
    admin = services.require(*navigation.ADMINS)
    town = services.tenant_store()
    percent = float(st.session_state.get(RATE_KEY, 0.0))
    try:
        town.set_audit_rate(percent / 100, actor=admin.actor)
    except FormocrError as exc:
        st.session_state[FLASH] = ("error", f"保存できませんでした: {md(exc.message)}")
        return
    st.session_state[FLASH] = ("success", f"抜き取り検査の割合を {percent:g} % にしました。")


def render() -> None:
    """The 設定 page (run by the navigation, review_ui.navigation)."""
    services.require(*navigation.ADMINS)
    town = services.tenant_store()
    st.title(f"設定（{md(services.tenant_name(town.tenant_id))}）")
    flash = st.session_state.pop(FLASH, None)
    if flash:
        kind, text = flash
        (st.success if kind == "success" else st.error)(text)

    st.subheader("抜き取り検査")
    st.caption(
        "自動確定した項目のうち、この割合を無作為に選び、確信度の低い項目と同じ見た目で"
        "確認に回します。確認担当者には抜き取りであることは分かりません。結果は「集計」画面の"
        "自動確定の誤り率（95 % 信頼区間つき）になります。個人番号は選びません。"
    )
    with st.form("st_audit", border=False):
        st.number_input(
            "抜き取りの割合（%）",
            min_value=0.0,
            max_value=100.0,
            step=0.5,
            value=100 * town.audit_rate(),
            format="%g",
            key=RATE_KEY,
            help="0 で抜き取りなし。例: 2 なら自動確定した項目の 2 %",
        )
        st.form_submit_button("保存", on_click=save_rate, key="st_audit_save")

    events = town.settings_events()
    if events:
        st.subheader("変更の記録")
        names = services.user_names()
        st.dataframe(
            [
                {
                    "日時": texts.jst(e.at),
                    "担当": labels.actor_name(e.actor, names),
                    "変更前": _setting(e.old),
                    "変更後": _setting(e.new),
                }
                for e in reversed(events)
            ],
            hide_index=True,
            width="stretch",
        )


def _setting(state: object) -> str:
    """A settings event's ``old``/``new`` in Japanese."""
    if not isinstance(state, dict):
        return ""
    parts = []
    for key, value in state.items():
        if key == "audit_rate" and isinstance(value, (int, float)):
            parts.append(f"抜き取り {100 * value:g} %")
        else:
            parts.append(f"{key}: {value}")
    return "、".join(parts)
