"""設定: this municipality's settings, administrators only, each change audit-logged through
the store: the share of auto-accepted fields that goes to a reviewer as a sampling audit
(the reviewer cannot tell such a field from an unsure one), whether reviewed fields may be
used to train its own second reader, which reader model reads its fields (its own models with
their before/after figures, or the packaged one), how long finished documents are kept
before ``formocr purge`` removes them, and the record of changes."""

from __future__ import annotations

import streamlit as st

from ocr_pipeline.errors import FormocrError
from ocr_pipeline.store import MAX_RETENTION_DAYS, ReviewStore
from review_ui import labels, navigation, services, texts
from review_ui.plain import md

FLASH = "st_flash"
RATE_KEY = "st_audit_rate"
OPT_IN_KEY = "st_opt_in"
MODEL_KEY = "st_model"
DAYS_KEY = "st_retention_days"
PACKAGED = "（標準のモデル）"


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


def save_opt_in() -> None:
    """The training opt-in switch (a callback: the role is checked again)."""
    admin = services.require(*navigation.ADMINS)
    on = bool(st.session_state.get(OPT_IN_KEY, False))
    try:
        services.tenant_store().set_training_opt_in(on, actor=admin.actor)
    except FormocrError as exc:
        st.session_state[FLASH] = ("error", f"保存できませんでした: {md(exc.message)}")
        return
    word = "使います" if on else "使いません"
    st.session_state[FLASH] = ("success", f"確認済みの項目を学習に{word}。")


def save_retention() -> None:
    """保存 of the retention period (a callback: the role is checked again)."""
    admin = services.require(*navigation.ADMINS)
    days = int(st.session_state.get(DAYS_KEY, 0))
    try:
        services.tenant_store().set_retention_days(days, actor=admin.actor)
    except FormocrError as exc:
        st.session_state[FLASH] = ("error", f"保存できませんでした: {md(exc.message)}")
        return
    st.session_state[FLASH] = ("success", f"保存期間を{_period(days)}にしました。")


def _period(days: int) -> str:
    return "無期限" if days == 0 else f" {days:,} 日"


def switch_model() -> None:
    """切り替え: read this municipality's fields with the chosen model (or the packaged one)."""
    admin = services.require(*navigation.ADMINS)
    chosen = st.session_state.get(MODEL_KEY, PACKAGED)
    model_id = None if chosen == PACKAGED else str(chosen)
    try:
        services.tenant_store().set_reader_model(model_id, actor=admin.actor)
    except FormocrError as exc:
        st.session_state[FLASH] = ("error", f"切り替えられませんでした: {md(exc.message)}")
        return
    st.session_state[FLASH] = (
        "success",
        f"読み取りモデルを {md(model_id) if model_id else '標準のモデル'} にしました。"
        "次のファイルから使われます。",
    )


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

    training(town)
    retention(town)
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


def training(town: ReviewStore) -> None:
    """学習: the opt-in switch, the examples there are, the models and the switch between
    them."""
    st.subheader("学習（この自治体の手書きで第2読み取りを改善）")
    st.toggle(
        "確認・修正した項目を学習に使う",
        value=town.training_opt_in(),
        key=OPT_IN_KEY,
        on_change=save_opt_in,
        help="個人番号と秘匿の項目は使いません。データはこの設置の外に出ません。",
    )
    counts = town.evidence_counts()
    st.caption(
        f"学習に使える例: {sum(counts.values()):,} 件"
        + (
            "（" + "、".join(f"{texts.field_type(t)} {n:,}" for t, n in counts.items()) + "）"
            if counts
            else ""
        )
        + "　学習は `formocr train reader --tenant "
        + town.tenant_id
        + "` で行います。"
    )
    models = services.tenant_models(town.tenant_id)
    current = town.reader_model()
    if models:
        st.dataframe(
            [
                {
                    "モデル": m.id,
                    "作成": texts.jst(m.created),
                    "使用中": "●" if m.id == current else "",
                    "学習した例": sum(m.examples.values()),
                    "検証の例": sum(m.held_out.values()),
                    "正解率（前）": _share(m.accuracy_before.get("all")),
                    "正解率（後）": _share(m.accuracy_after.get("all")),
                }
                for m in models
            ],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("この自治体のモデルはまだありません（標準のモデルで読み取っています）。")
    options = [PACKAGED, *(m.id for m in models)]
    with st.form("st_model_form", border=False):
        st.selectbox(
            "読み取りに使うモデル",
            options,
            index=options.index(current) if current in options else 0,
            key=MODEL_KEY,
        )
        st.form_submit_button("切り替え", on_click=switch_model, key="st_model_switch")


def retention(town: ReviewStore) -> None:
    """保存期間: how many days finished documents are kept (0: forever)."""
    st.subheader("保存期間")
    days = town.retention_days()
    st.caption(
        "出力済み・返戻の書類は、完了からこの日数が過ぎると `formocr purge --tenant "
        + town.tenant_id
        + "`（定期実行）で画像・値・学習用の例ごと削除されます。監査記録には、誰がいつ"
        "どの項目を扱ったかだけが値なしで残ります。0 は無期限（削除しない）。"
        f"現在: {_period(days).strip()}。"
    )
    with st.form("st_retention", border=False):
        st.number_input(
            "保存期間（日）",
            min_value=0,
            max_value=MAX_RETENTION_DAYS,
            step=1,
            value=days,
            key=DAYS_KEY,
            help="例: 1825 で 5 年。変更してもすぐには削除されません。",
        )
        st.form_submit_button("保存", on_click=save_retention, key="st_retention_save")


def _share(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


def _setting(state: object) -> str:
    """A settings event's ``old``/``new`` in Japanese."""
    if not isinstance(state, dict):
        return ""
    parts = []
    for key, value in state.items():
        if key == "audit_rate" and isinstance(value, (int, float)):
            parts.append(f"抜き取り {100 * value:g} %")
        elif key == "on":
            parts.append("学習に使う" if value else "学習に使わない")
        elif key == "model":
            parts.append(f"モデル {value}" if value else "標準のモデル")
        elif key == "retention_days" and isinstance(value, int):
            parts.append(f"保存期間{_period(value)}")
        else:
            parts.append(f"{key}: {value}")
    return "、".join(parts)
