"""履歴: the full audit trail of one document (what OCR read, every change, who, when, why),
on screen and as a CSV file. 個人番号 values are masked."""

from __future__ import annotations

import streamlit as st

from ocr_pipeline.store import NotFoundError
from review_ui import auditcsv, navigation, numbers, reviewing, services
from review_ui.field_panel import field_label, spec_of
from review_ui.plain import md


def render() -> None:
    """The 履歴 page (run by the navigation, review_ui.navigation)."""
    user = services.require(*navigation.REVIEWERS)
    town = services.tenant_store()
    st.title("履歴")

    given = st.query_params.get("doc", "")
    typed = st.text_input("書類番号", value=given, key="au_doc")
    if not typed.strip():
        st.info("書類番号を入力してください。")
        st.stop()
    doc_id = numbers.whole_number(typed)
    if doc_id is None:
        st.error("書類番号は数字（0〜9）で入力してください。")
        st.stop()
    try:
        doc = town.get_document(doc_id)
        events = town.audit_trail(doc_id)
    except NotFoundError:
        st.error(f"書類 {doc_id} は見つかりません。番号を確かめてください。")
        st.stop()

    form = services.form(doc.form_id)
    entries = town.double_entries(doc.id, user.actor) if form else {}
    blind = reviewing.blind_fields(doc, entries)
    table = auditcsv.rows(
        events,
        lambda field_id: spec_of(form, field_id),
        blind,
        label_of=lambda field_id: field_label(form, field_id),
        names=services.user_names(),
        form_titles={f.id: f.spec.title for f in services.forms()},
    )
    st.caption(f"{md(form.spec.title if form else doc.form_id)}　書類 {doc.id}　{len(events)} 件")
    st.dataframe(table, hide_index=True, width="stretch", column_order=auditcsv.COLUMNS)
    st.download_button(
        "CSV をダウンロード",
        data=auditcsv.to_csv(table),
        file_name=f"audit-{town.tenant_id}-{doc.id}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="au_download",
    )
    st.page_link(
        navigation.screen("review"), label="確認・修正へ", query_params={"doc": str(doc.id)}
    )
