"""Which pages a user sees, by role, and the sidebar (who is logged in, for which
municipality, logout). Pages a role may not use are not offered at all, and each page checks
the role again itself (a URL typed by hand reaches no page that is not offered).

Each page is a function, ``render()`` of its module in ``screens/``; its address is its name
(``/review``, ``/queue``, ...). Pages are opened and linked by name (:func:`screen`,
:func:`go`), never by file."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn, cast

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ocr_pipeline.store import Role, User

from . import auth, services, texts
from .plain import md

ALL = (Role.CLERK, Role.REVIEWER, Role.ADMINISTRATOR)
REVIEWERS = (Role.REVIEWER, Role.ADMINISTRATOR)
ADMINS = (Role.ADMINISTRATOR,)


@dataclass(frozen=True)
class PageDef:
    name: str
    title: str
    icon: str
    section: str
    roles: Sequence[Role]


PAGES = (
    PageDef("queue", "確認キュー", ":material/inbox:", "確認", REVIEWERS),
    PageDef("review", "確認・修正", ":material/edit_note:", "確認", REVIEWERS),
    PageDef("audit", "履歴", ":material/history:", "確認", REVIEWERS),
    PageDef("upload", "スキャンの提出", ":material/upload_file:", "受付", (Role.CLERK, *ADMINS)),
    PageDef("dashboard", "集計", ":material/monitoring:", "受付", ALL),
    PageDef("export", "CSV 出力", ":material/download:", "管理", ADMINS),
    PageDef("forms", "帳票定義", ":material/description:", "管理", ADMINS),
    PageDef("form_new", "帳票作成", ":material/draw:", "管理", ADMINS),
    PageDef("users", "利用者", ":material/group:", "管理", ADMINS),
    PageDef("settings", "設定", ":material/settings:", "管理", ADMINS),
)
DEFAULT = {Role.CLERK: "upload", Role.REVIEWER: "queue", Role.ADMINISTRATOR: "queue"}


def render_of(name: str) -> Callable[[], None]:
    """The function that draws the page ``name`` (``render`` of ``screens/<name>.py``). Imported
    here, on use, because the pages themselves use this module."""
    module = importlib.import_module(f"review_ui.screens.{name}")
    return cast(Callable[[], None], module.render)


def page(
    name: str, title: str, icon: str | None = None, default: bool = False, hidden: bool = False
) -> StreamlitPage:
    return st.Page(
        render_of(name),
        title=title,
        icon=icon,
        url_path=name,
        default=default,
        visibility="hidden" if hidden else "visible",
    )


def screen(name: str) -> StreamlitPage:
    """The page ``name`` of :data:`PAGES`, to link to (``st.page_link``) or switch to."""
    (found,) = (p for p in PAGES if p.name == name)
    return page(found.name, found.title, found.icon)


def go(name: str, query_params: Mapping[str, str] | None = None) -> NoReturn:
    """Switch to the page ``name`` of :data:`PAGES` (with ``query_params`` in the URL)."""
    st.switch_page(screen(name), query_params=query_params)


def pages_for(role: Role) -> list[PageDef]:
    return [p for p in PAGES if role in p.roles]


def first_page(user: User) -> None:
    """Go on to the user's first page (the document asked for in the URL, if they review)."""
    doc = st.query_params.get("doc")
    if doc and user.role in REVIEWERS:
        go("review", query_params={"doc": doc})
    go(DEFAULT[user.role])


def build(user: User | None) -> StreamlitPage:
    """The navigation of this run: only the login page for nobody, else the user's pages."""
    if user is None:
        # Every page's address leads to the login page while nobody is logged in, so that a
        # link (e.g. review?doc=12) keeps its place: after logging in, the page it names runs.
        aliases = [
            st.Page(render_of("login"), title="ログイン", url_path=p.name, visibility="hidden")
            for p in PAGES
        ]
        return st.navigation([page("login", "ログイン", default=True), *aliases], position="hidden")
    _sidebar(user)
    # The login page stays registered (hidden): the run right after logging in is still on
    # it, and it sends the user on to their first page.
    sections: dict[str, list[StreamlitPage]] = {"": [page("login", "ログイン", hidden=True)]}
    for p in pages_for(user.role):
        made = page(p.name, p.title, p.icon, default=p.name == DEFAULT[user.role])
        sections.setdefault(p.section, []).append(made)
    return st.navigation(sections)


def _sidebar(user: User) -> None:
    with st.sidebar:
        st.markdown(f"**{md(user.display_name)}**（{texts.ROLE[user.role]}）")
        tenant = services.current_tenant(user)
        if len(user.tenants) > 1:
            names = services.store().tenant_names()
            st.selectbox(
                "自治体",
                user.tenants,
                index=user.tenants.index(tenant),
                format_func=lambda t: names.get(t, t),
                key=services.TENANT_KEY,
            )
        else:
            st.caption(f"自治体: {md(services.tenant_name(tenant))}")
        if st.button("ログアウト", icon=":material/logout:", key="logout"):
            auth.log_out()
            st.rerun()
