"""スキャンの提出: clerks put scans into the watched inbox from the browser (as they would into
the shared folder) and follow every file they submitted, refused ones with the reason."""

from __future__ import annotations

import json

import streamlit as st

from ocr_pipeline.results import PageStatus
from ocr_pipeline.store import Role, SourceFile, SourceState, TenantStore, User
from ocr_pipeline.watch import explain_error_pages
from review_ui import inbox, labels, navigation, services, texts
from review_ui.plain import md

PAGE_SIZE = 50


class PagesRead:
    """The pages of read files that could not be read, asked of the store once per file in a
    run of the page."""

    def __init__(self, town: TenantStore) -> None:
        self._town = town
        self._known: dict[int, tuple[list[int], int]] = {}

    def unread_pages(self, source: SourceFile | None) -> tuple[list[int], int]:
        """Pages of a read file that could not be read (e.g. a damaged page of a multi-page
        scan), and how many pages the file has."""
        if source is None or source.state is not SourceState.DONE:
            return [], 0
        if source.id not in self._known:
            pages = self._town.source_pages(source.id)
            bad = [p.page_no for p in pages if p.status == PageStatus.ERROR.value]
            self._known[source.id] = (bad, len(pages))
        return self._known[source.id]


def reason(read: PagesRead, source: SourceFile | None) -> str:
    """Why a file was refused, as the watcher recorded it, or which of its pages were not
    read."""
    unread, total = read.unread_pages(source)
    if unread:
        return explain_error_pages(unread, total).reason
    if source is None or not source.error:
        return ""
    err = source.error
    for key in ("reason", "message", "error"):
        if isinstance(err.get(key), str):
            return str(err[key])
    return json.dumps(err, ensure_ascii=False)


def pages(source: SourceFile | None) -> str:
    """How many pages a file has, once the watcher has counted them (else empty)."""
    if source is None or source.page_count is None:
        return ""
    return str(source.page_count)


def state(source: SourceFile | None) -> str:
    if source is None:
        return "受付待ち（まだ読み取りに回っていません）"
    return texts.SOURCE_STATE[source.state]


def render() -> None:
    """The スキャンの提出 page (run by the navigation, review_ui.navigation)."""
    user = services.require(Role.CLERK, *navigation.ADMINS)
    town = services.tenant_store()
    submit(user, town)
    submitted(user, town, PagesRead(town))


def submit(user: User, town: TenantStore) -> None:
    """The title and the form that puts the chosen files into the watched inbox."""
    st.title("スキャンの提出")
    st.caption(
        "PDF・TIFF・JPEG・PNG を提出できます（1 ファイル "
        f"{inbox.MAX_UPLOAD_BYTES // (1024 * 1024)} MB まで）。共有フォルダに置くのと同じように"
        "読み取られ、確認キューに入ります。"
    )

    titles = {f.id: f.spec.title for f in services.forms()}
    with st.form("up_form", clear_on_submit=True):
        form_id = st.selectbox(
            "帳票（わかっていれば。空欄なら自動で判定します）",
            [None, *sorted(titles)],
            format_func=lambda f: "自動判定" if f is None else titles[f],
            key="up_form_id",
        )
        files = st.file_uploader(
            "ファイル",
            # No ``type=``: Streamlit would refuse another format itself, in English; the
            # refusal below says why in Japanese (inbox.refusal, the watcher's rule).
            accept_multiple_files=True,
            key="up_files",
        )
        sent = st.form_submit_button("提出する", type="primary", key="up_submit")
    if sent:
        if not files:
            st.warning("ファイルを選んでください。")
        root = inbox.root_for(services.settings())
        for f in files or []:
            why_not = inbox.refusal(f.name)
            if why_not is not None:
                st.error(f"{md(inbox.shown_name(f.name))}: 受け付けられません。{why_not}")
                continue
            data = f.getvalue()
            if len(data) > inbox.MAX_UPLOAD_BYTES:
                size = texts.size(len(data))
                st.error(f"{md(f.name)}: 大きすぎます（{size}）。分けて提出してください。")
                continue
            saved = inbox.save_upload(root, town.tenant_id, f.name, data, form_id)
            town.record_upload(saved.sha256, saved.name, saved.size, actor=user.actor)
            st.success(f"{md(saved.name)} を受け付けました（{texts.size(saved.size)}）。")


def submitted(user: User, town: TenantStore, read: PagesRead) -> None:
    """The files the user submitted (every user's, for an administrator who asks), refused ones
    with the reason, and the latest files taken from the shared folder."""
    everyone = user.role is Role.ADMINISTRATOR and st.toggle("全員の提出を表示", key="up_all")
    page_no = int(st.number_input("ページ", 1, 10000, 1, key="up_page"))
    mine = town.uploads(
        actor=None if everyone else user.actor, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE
    )
    st.subheader("提出したファイル")
    if not mine:
        st.info("まだ提出したファイルはありません。")
    else:
        names = services.user_names()
        st.dataframe(
            [
                {
                    "提出日時": texts.jst(u.at),
                    "ファイル": u.name,
                    "大きさ": texts.size(u.size),
                    "状態": state(u.source),
                    "ページ数": pages(u.source),
                    "理由": reason(read, u.source),
                    "提出者": labels.actor_name(u.actor, names),
                }
                for u in mine
            ],
            hide_index=True,
            width="stretch",
        )
    refused = [
        u for u in mine if u.source is not None and u.source.state is SourceState.QUARANTINED
    ]
    for u in refused:
        st.error(f"{md(u.name)}: 受け付けられませんでした。{md(reason(read, u.source))}")
    for u in mine:
        unread, total = read.unread_pages(u.source)
        if unread:
            said = explain_error_pages(unread, total)
            st.warning(f"{md(u.name)}: {said.reason}{said.what_to_do}")

    with st.expander("共有フォルダから受け付けたファイル（最新 50 件）"):
        sources = town.list_sources(limit=50)
        st.dataframe(
            [
                {
                    "受付日時": texts.jst(s.received_at),
                    "ファイル": s.name,
                    "状態": texts.SOURCE_STATE[s.state],
                    "ページ数": pages(s),
                    "理由": reason(read, s),
                }
                for s in sources
            ],
            hide_index=True,
            width="stretch",
        )
