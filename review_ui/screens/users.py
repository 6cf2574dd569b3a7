"""利用者: the users of this municipality; add one, set a new password, stop or restart one.
Administrators only; the same as ``formocr users``, and audited in the same way."""

from __future__ import annotations

import streamlit as st

from ocr_pipeline.errors import FormocrError
from ocr_pipeline.store import Role
from review_ui import navigation, services, texts
from review_ui.plain import md


def render() -> None:
    """The 利用者 page (run by the navigation, review_ui.navigation)."""
    admin = services.require(*navigation.ADMINS)
    town = services.tenant_store()
    users = services.store().users
    st.title("利用者")
    done = st.session_state.pop("us_flash", None)
    if done:
        st.success(done)

    listed = users.list(town.tenant_id)
    st.dataframe(
        [
            {
                "ログインID": u.login,
                "氏名": u.display_name,
                "役割": texts.ROLE[u.role],
                "自治体": "、".join(u.tenants),
                "状態": "停止中" if u.disabled else "利用中",
                "更新日時": texts.jst(u.updated_at),
            }
            for u in listed
        ],
        hide_index=True,
        width="stretch",
    )

    with st.expander("利用者を追加"), st.form("us_add", clear_on_submit=True):
        login = st.text_input("ログインID（半角英小文字・数字・. _ -）", key="us_login")
        name = st.text_input("氏名", key="us_name")
        role = st.selectbox("役割", list(Role), format_func=lambda r: texts.ROLE[r], key="us_role")
        password = st.text_input("初期パスワード（8 文字以上）", type="password", key="us_password")
        if st.form_submit_button("追加する", key="us_add_submit"):
            try:
                users.add(
                    login.strip(),
                    password=password,
                    role=role or Role.CLERK,
                    tenants=[town.tenant_id],
                    actor=admin.actor,
                    display_name=name,
                )
                st.session_state["us_flash"] = f"{login} を追加しました。"
                st.rerun()
            except FormocrError as exc:
                st.error(f"追加できませんでした: {md(exc.message)}")

    # Only users whose every municipality is also this administrator's.
    others = [u for u in listed if u.login != admin.login and set(u.tenants) <= set(admin.tenants)]
    if others:
        with st.expander("パスワードの再設定・利用の停止"):
            who = st.selectbox(
                "利用者",
                others,
                format_func=lambda u: f"{u.display_name}（{u.login}）",
                key="us_who",
            )
            with st.form("us_passwd", clear_on_submit=True):
                new = st.text_input("新しいパスワード", type="password", key="us_new_password")
                if st.form_submit_button("パスワードを設定", key="us_passwd_submit"):
                    try:
                        users.set_password(who.login, new, actor=admin.actor)
                        st.session_state["us_flash"] = f"{who.login} のパスワードを設定しました。"
                        st.rerun()
                    except FormocrError as exc:
                        st.error(f"設定できませんでした: {md(exc.message)}")
            label = "利用を再開する" if who.disabled else "利用を停止する"
            if st.button(label, key="us_toggle"):
                users.set_disabled(who.login, not who.disabled, actor=admin.actor)
                st.rerun()
