"""確認・修正: one flagged field at a time, from the keyboard; then approve or return.

The document comes from the URL (``?doc=ID``) and is read through the tenant's store, so a
number of another municipality's document is simply not found. Fields keyed twice (double
entry) are typed blind; a 個人番号 stays hidden until revealed, and each reveal is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from form_schemas.registry import FormDefinition
from ocr_pipeline.store import (
    Document,
    DocumentStatus,
    EntryStatus,
    FieldView,
    NotFoundError,
    TenantStore,
    User,
)
from review_ui import field_panel as fp
from review_ui import labels, navigation, numbers, reviewing, services, texts
from review_ui.plain import md
from review_ui.reviewing import Mode


@dataclass(frozen=True)
class Desk:
    """What the parts of the page share in one run: the reviewer, their tenant's store and the
    open document's form (``None`` when it is not installed)."""

    user: User
    town: TenantStore
    form: FormDefinition | None

    @property
    def tenant(self) -> str:
        return self.town.tenant_id


def render() -> None:
    """The 確認・修正 page (run by the navigation, review_ui.navigation)."""
    user = services.require(*navigation.REVIEWERS)
    town = services.tenant_store()

    requested = st.query_params.get("doc")
    if requested is None and st.session_state.get(reviewing.DOC_KEY) is not None:
        requested = str(st.session_state[reviewing.DOC_KEY])
    doc_id = numbers.whole_number(requested)
    if st.session_state.get(reviewing.DOC_KEY) != doc_id:
        reviewing.open_document(doc_id)

    st.title("確認・修正")
    if requested and doc_id is None:
        st.error("書類番号は数字（0〜9）で指定してください。")
    if doc_id is None:
        st.info("確認キューから書類を選ぶか、次の書類を開いてください。")
        if st.button("次の書類を開く", type="primary", shortcut="Alt+J", key="rv_first"):
            reviewing.open_document(reviewing.next_document(None))
            st.rerun()
        st.stop()
    try:
        doc = town.get_document(doc_id)
    except NotFoundError:
        st.error(f"書類 {doc_id} は見つかりません。番号を確かめてください。")
        st.stop()

    form = services.form(doc.form_id)
    title = form.spec.title if form else doc.form_id
    st.subheader(f"{md(title)}　書類 {doc.id}")
    desk = Desk(user, town, form)
    # The document is read once for this run; a rerun of the fragment alone reads it again.
    document_body(desk, doc.id, [doc])


def show_flash(desk: Desk, doc: Document) -> None:
    """The outcome of the last action (a conflict lists what changed since the reviewer's
    version)."""
    flash = reviewing.take_flash()
    if flash is None:
        return
    show = {"success": st.success, "error": st.error, "info": st.info, "conflict": st.warning}
    body = flash.text + "".join(f"\n- {d}" for d in flash.details)
    if flash.kind == "conflict" and flash.seen_version is not None:
        names = services.user_names()
        for e in desk.town.audit_trail(doc.id):
            if e.doc_version is not None and e.doc_version > flash.seen_version:
                what = f"「{fp.field_label(desk.form, e.field_id)}」" if e.field_id else ""
                who = labels.actor_name(e.actor, names)
                body += f"\n- {texts.jst(e.at)} {md(who)}: {md(what)}{texts.ACTION[e.action]}"
    show[flash.kind](body)


def mode_of(user: User, entries: dict[str, EntryStatus], field_id: str) -> Mode | None:
    """How this reviewer may work on an open field (``None``: not theirs to do now)."""
    entry = entries.get(field_id)
    if entry is None:
        return "review"
    if entry.mismatch:
        return None if user.actor in {e.actor for e in entry.entries} else "third"
    return None if entry.by_viewer else "blind"


def field_panel(
    desk: Desk, doc: Document, mine: list[FieldView], entries: dict[str, EntryStatus]
) -> str:
    """The flagged field the reviewer is on: heading, reasons, crop, value box; its id."""
    index = int(st.session_state.get(reviewing.FIELD_KEY, 0)) % len(mine)
    view = mine[index]
    form, tenant = desk.form, desk.tenant
    spec = fp.spec_of(form, view.field_id)
    mode = mode_of(desk.user, entries, view.field_id) or "review"
    masked = fp.is_hidden(spec, view) and not reviewing.is_revealed(tenant, doc.id, view.field_id)
    st.markdown(f"#### {fp.field_title(form, view)}　（要確認 {index + 1} / {len(mine)}）")
    fp.reasons(view, mode, entries.get(view.field_id), masked)
    if masked:
        # Nothing of the field is drawn until it is revealed (and the reveal is logged): the
        # reviewer is told what to press, and the button has the keyboard.
        reveal = fp.reveal_label(spec, view)
        st.info(
            f"この項目は隠しています。画像と入力欄は「{md(reveal)}」（Enter または Alt+M）"
            "を押すと出ます。表示したことは履歴に残ります。"
        )
        fp.reveal_button(doc, spec, view, f"rv_reveal_{doc.id}_{view.field_id}", "Alt+M")
        fp.focus_button(reveal, f"{doc.id}-{view.field_id}-{doc.version}-reveal")
    else:
        left, right = st.columns([3, 2])
        with left:
            fp.crop(tenant, doc, view, form)
            if mode != "blind":
                fp.reading(view, masked=False)
            entry = entries.get(view.field_id)
            if mode == "third" and entry is not None:
                fp.entries(entry, spec, masked=False)
        with right:
            fp.value_form(doc, view, spec, mode)
        fp.focus(fp.VALUE_LABEL, f"{doc.id}-{view.field_id}-{doc.version}")
    with st.container(horizontal=True):
        st.button(
            "前の項目",
            shortcut="Alt+B",
            on_click=reviewing.move,
            args=(-1, len(mine)),
            key="rv_prev",
        )
        st.button(
            "次の項目",
            shortcut="Alt+N",
            on_click=reviewing.move,
            args=(1, len(mine)),
            key="rv_next",
        )
    return view.field_id


def footer(desk: Desk, doc: Document, current: str | None, blind: frozenset[str]) -> None:
    """ページ全体, 次の書類, 履歴, the keys, the whole page, all fields and 返戻."""
    with st.container(horizontal=True):
        st.button("ページ全体", shortcut="Alt+P", on_click=reviewing.toggle_page, key="rv_page")
        if st.button("次の書類", shortcut="Alt+J", key="rv_next_doc"):
            reviewing.open_document(reviewing.next_document(doc.id))
            st.rerun()
        st.page_link(
            navigation.screen("audit"),
            label="履歴",
            icon=":material/history:",
            query_params={"doc": str(doc.id)},
        )
    st.caption(fp.KEYS)
    form, tenant = desk.form, desk.tenant

    if st.session_state.get(reviewing.PAGE_KEY):
        fp.page_image(tenant, doc, form, current)

    with st.expander("全項目"):
        fp.all_fields(tenant, doc, form, blind)

    if doc.status in (DocumentStatus.REVIEW, DocumentStatus.READY, DocumentStatus.APPROVED):
        with st.expander("返戻（補正依頼）"), st.form(f"rv_return_{doc.id}", border=False):
            key = f"rv_return_reason_{doc.id}"
            st.text_input("返戻の理由（申請者に伝える内容）", key=key)
            st.form_submit_button(
                "返戻する",
                on_click=reviewing.return_document,
                args=(doc.id, doc.version, key),
                key=f"rv_return_submit_{doc.id}",
            )


@st.fragment
def document_body(desk: Desk, doc_id: int, shown: list[Document]) -> None:
    """Everything below the title, as a fragment: Enter (and every button here) reruns only
    this part, not the navigation, sidebar and login check, so the next field comes at
    once. Opening another document reruns the whole page. ``shown`` holds the document when
    this run has read it already (the fragment's own reruns find it empty)."""
    form, town, user = desk.form, desk.town, desk.user
    doc = shown.pop() if shown else town.get_document(doc_id)
    st.caption(
        f"状態: {texts.DOCUMENT_STATUS[doc.status]}　受付: {texts.jst(doc.created_at)}　"
        f"ファイル: {md(doc.source_name)}（{doc.first_page} ページ目）　版: {doc.version}"
    )
    if doc.return_reason and doc.status is DocumentStatus.RETURNED:
        st.warning(f"返戻理由: {md(doc.return_reason)}")
    show_flash(desk, doc)

    order = [f.id for f in form.spec.all_fields()] if form else list(doc.fields)
    views = [doc.fields[f] for f in order if f in doc.fields]
    entries = town.double_entries(doc.id, user.actor) if form else {}
    editable = doc.status in (DocumentStatus.REVIEW, DocumentStatus.READY)
    blind = reviewing.blind_fields(doc, entries)
    open_fields = [v for v in views if v.needs_review]
    mine = [v for v in open_fields if mode_of(user, entries, v.field_id) is not None]
    waiting = [v for v in open_fields if mode_of(user, entries, v.field_id) is None]

    current = None
    if editable and mine:
        current = field_panel(desk, doc, mine, entries)
    elif editable and waiting:
        st.info(
            "この書類で今できる確認はありません（ほかの担当者の二重入力・確定を待っています）。"
        )
    elif doc.status is DocumentStatus.READY:
        st.success("要確認の項目はすべて確定しました。内容を確かめて承認してください。")
        st.button(
            "承認",
            type="primary",
            shortcut="Alt+A",
            on_click=reviewing.approve,
            args=(doc.id, doc.version),
            key="rv_approve",
        )
    else:
        st.info(f"この書類は「{texts.DOCUMENT_STATUS[doc.status]}」です。")

    for v in waiting:
        st.caption(f"{fp.field_title(form, v)}: ほかの担当者の入力待ち")
    footer(desk, doc, current, blind)
