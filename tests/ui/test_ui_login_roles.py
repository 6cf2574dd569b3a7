"""Logging in and out, what each role is offered, and that a page not offered shows nothing
even when its script is run directly (AppTest: the app as Streamlit runs it, no browser).

AppTest keeps every page it has seen registered, so it can run a page that the navigation of
this session does not offer (a real session cannot); each page's own role check is what is
tested then."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from streamlit.testing.v1 import AppTest

from ocr_pipeline.store import Role
from review_ui import navigation
from tests.ui.app_pages import goto

if TYPE_CHECKING:
    from tests.ui.conftest import Helpers, OpenApp, UiWorld

APP_PAGES = (
    "queue", "review", "audit", "upload", "dashboard", "export", "forms", "form_new", "users",
    "settings",
)  # fmt: skip
OFFERED = {
    "clerk-a": {"upload", "dashboard"},
    "rev-a": {"queue", "review", "audit", "dashboard"},
    "admin-a": set(APP_PAGES),
}
USERS = {"clerk-a": ("clerk",), "rev-a": ("reviewer",), "admin-a": ("administrator",)}
FIRST = {"clerk-a": "スキャンの提出", "rev-a": "確認キュー", "admin-a": "確認キュー"}


def _fresh(ui: UiWorld) -> AppTest:
    return AppTest.from_file(str(ui.app), default_timeout=60).run()


def _refused(at: AppTest, page: str, message: str) -> None:
    try:
        goto(at, page)
    except ValueError:  # not registered at all
        return
    at.run()
    assert not at.title and not at.dataframe and not at.text_input, page
    assert message in " ".join(e.value for e in [*at.error, *at.warning]), page


def test_nothing_but_the_login_page_without_a_password(ui: UiWorld) -> None:
    at = _fresh(ui)
    assert [t.value for t in at.title] == ["formocr 確認・修正"]
    for name in APP_PAGES:
        _refused(at, name, "ログインしてください")


@pytest.mark.parametrize(
    ("login", "password"),
    [("rev-a", "wrong password"), ("nobody", "pass-word-123"), ("rev-a", "")],
)
def test_a_refused_login_does_not_say_why(
    ui: UiWorld, h: Helpers, login: str, password: str
) -> None:
    at = h.log_in(_fresh(ui), login, password)
    assert "ログインIDまたはパスワードが違います" in at.error[0].value
    assert "auth_user" not in at.session_state
    assert [t.value for t in at.title] == ["formocr 確認・修正"]


@pytest.mark.parametrize("login", sorted(OFFERED))
def test_each_role_is_offered_its_pages_only(open_app: OpenApp, login: str) -> None:
    at = open_app(login)
    assert [t.value for t in at.title] == [FIRST[login]]
    assert "login_password" not in at.session_state  # the password is not kept
    role = Role(USERS[login][0])
    assert {p.name for p in navigation.pages_for(role)} == OFFERED[login]
    for name in APP_PAGES:
        if name in OFFERED[login]:
            goto(at, name).run()
            assert not at.exception, (login, name, at.exception)
            assert not [e for e in at.error if "権限" in e.value], (login, name)
        else:
            _refused(at, name, "権限がありません")


def test_logout_and_a_disabled_user_go_back_to_the_login(open_app: OpenApp, ui: UiWorld) -> None:
    at = open_app("rev-a")
    at.button(key="logout").click().run()
    assert [t.value for t in at.title] == ["formocr 確認・修正"]
    assert "auth_user" not in at.session_state
    at = open_app("rev-a2")
    ui.store.users.set_disabled("rev-a2", True, actor="test")
    at.run()
    assert [t.value for t in at.title] == ["formocr 確認・修正"]


def test_an_idle_session_is_logged_out(open_app: OpenApp) -> None:
    at = open_app("rev-a")
    at.session_state["auth_seen"] = at.session_state["auth_seen"] - 31 * 60
    at.run()
    assert [t.value for t in at.title] == ["formocr 確認・修正"]
    assert "ログアウトしました" in at.info[0].value


def test_an_administrator_of_two_towns_switches_between_them(
    open_app: OpenApp, ui: UiWorld
) -> None:
    at = open_app("boss")
    rows = at.dataframe[0].value.to_dict("records")
    assert {r["書類番号"] for r in rows} == {ui.water_a, ui.furusato_a}
    at.selectbox(key="auth_tenant").select("town-b").run()
    rows = at.dataframe[0].value.to_dict("records")
    assert {r["書類番号"] for r in rows} == {ui.water_b}
