"""ログイン: login and password; nothing else of the app is reachable without them."""

from __future__ import annotations

import streamlit as st

from review_ui import auth, navigation, services


def render() -> None:
    """The ログイン page (run by the navigation, review_ui.navigation)."""
    user = services.current_user()
    if user is not None:
        navigation.first_page(user)
    st.title("formocr 確認・修正")
    notice = st.session_state.pop("auth_notice", None)
    if notice:
        st.info(notice)
    with st.form("login", enter_to_submit=True, clear_on_submit=True):
        st.text_input("ログインID", key="login_id", autocomplete="username")
        st.text_input(
            "パスワード", type="password", key="login_password", autocomplete="current-password"
        )
        # Checked in the button's callback, before this run: the run it starts already has the
        # user's pages and goes straight on to their first page (one run less to wait for).
        st.form_submit_button(
            "ログイン", type="primary", key="login_submit", on_click=auth.submit_login
        )
    if st.session_state.pop(auth.REFUSED_KEY, False):
        st.error(
            "ログインIDまたはパスワードが違います。続けて間違えると、しばらくログインできなくなります。"
        )
