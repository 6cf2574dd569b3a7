"""Logging in and out of a session, and the session's idle timeout.

Passwords are checked by the store (argon2id hashes, a lock after repeated wrong passwords);
a refusal never says whether the login exists. A session that has been idle for
:data:`IDLE_MINUTES` is logged out. A session is one browser tab: reloading the page or
opening a link in a new tab asks for the password again.
"""

from __future__ import annotations

import logging
import time

import streamlit as st

from ocr_pipeline.store import User

from . import services

log = logging.getLogger(__name__)

IDLE_MINUTES = 30
_SEEN_KEY = "auth_seen"


def log_in(login: str, password: str) -> User | None:
    """Check the password; on success the session belongs to the user."""
    user = services.store().users.authenticate(login, password)
    if user is None:
        log.info("review UI: login refused for %r", login[:64])
        return None
    st.session_state[services.USER_KEY] = user.login
    st.session_state[services.TENANT_KEY] = user.tenants[0]
    st.session_state[_SEEN_KEY] = time.monotonic()
    log.info("review UI: %s logged in", user.login)
    return user


REFUSED_KEY = "auth_refused"


def submit_login() -> None:
    """ログイン (the form's callback): the login and password typed; a refusal is left for
    the page to say."""
    login = str(st.session_state.get("login_id", ""))
    password = str(st.session_state.get("login_password", ""))
    if log_in(login, password) is None:
        st.session_state[REFUSED_KEY] = True


def log_out() -> None:
    """Forget everything of this session (its user, tenant and review state)."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def session_user() -> User | None:
    """The user of this session unless it has been idle too long (then it is logged out)."""
    seen = st.session_state.get(_SEEN_KEY)
    now = time.monotonic()
    if seen is not None and now - float(seen) > IDLE_MINUTES * 60:
        log_out()
        st.session_state["auth_notice"] = "一定時間操作がなかったため、ログアウトしました。"
        return None
    user = services.current_user()
    if user is not None:
        st.session_state[_SEEN_KEY] = now
    return user
