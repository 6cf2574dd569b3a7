"""The parts of the review screen: one flagged field (its crop beside the value in a focused
input, the reasons, the keys), the whole page with the field boxes, and the list of all
fields. Store calls happen in :mod:`.reviewing`; this module draws."""

from __future__ import annotations

import json
from dataclasses import dataclass

import streamlit as st
from PIL import Image

from form_schemas.registry import FormDefinition
from form_schemas.spec import FieldSpec
from ocr_pipeline.errors import FormocrError
from ocr_pipeline.store import Document, EntryStatus, FieldView

from . import images, labels, reviewing, services, texts, values
from .reviewing import Mode

VALUE_LABEL = "値（Enter で確定）"
KEYS = (
    "**Enter** 確定（そのまま＝確認、書き換え＝修正）　**Alt+U** 判読不能　"
    "**Alt+N** / **Alt+B** 次 / 前の項目　**Alt+P** ページ全体　**Alt+M** 個人番号を表示　"
    "**Alt+A** 承認　**Alt+J** 次の書類"
)
COLOURS = {"current": "#d62728", "open": "#ff7f0e", "done": "#2ca02c"}


@dataclass(frozen=True)
class PageRef:
    """A stored page image and how to bring it onto the template (hashable: a cache key)."""

    tenant: str
    sha: str
    matrix: images.Matrix | None
    size: tuple[int, int] | None


@st.cache_data(max_entries=32, show_spinner=False)
def _page_png(ref: PageRef) -> bytes:
    """The page in template pixels (registered) where the store knows how, else as stored."""
    png = services.store().for_tenant(ref.tenant).page_image(ref.sha)
    if ref.matrix is not None and ref.size is not None:
        return images.registered(png, ref.matrix, ref.size)
    return png


@st.cache_resource(max_entries=8, show_spinner=False)
def _page_pixels(ref: PageRef) -> Image.Image:
    """The page decoded once for all its crops (decoding a page PNG costs far more than
    cropping it; a resource, so it is shared and never copied)."""
    return images.decoded(_page_png(ref))


@st.cache_data(max_entries=512, show_spinner=False)
def _crop(ref: PageRef, bbox: tuple[int, int, int, int]) -> bytes:
    unregistered = ref.size if ref.matrix is None else None  # then scale to the template
    return images.crop_decoded(_page_pixels(ref), bbox, unregistered)


def _page_ref(
    tenant: str, doc: Document, page_no: int, form: FormDefinition | None
) -> PageRef | None:
    page = next((p for p in doc.pages if p.page_no == page_no), None)
    if page is None or page.image_sha256 is None:
        return None
    size = (form.width, form.height) if form is not None else None
    return PageRef(tenant, page.image_sha256, images.matrix_of(page.registration), size)


def crop(tenant: str, doc: Document, view: FieldView, form: FormDefinition | None) -> None:
    ref = _page_ref(tenant, doc, view.page_no, form)
    if ref is None or view.bbox is None:
        st.info("この項目の画像はありません。")
        return
    try:
        st.image(_crop(ref, view.bbox), caption="読み取った欄")
    except (FormocrError, ValueError) as exc:
        st.error(f"ページ画像を読めません: {exc}")


def field_title(form: FormDefinition | None, view: FieldView) -> str:
    """A field's heading: its name (a table cell: table, row, column) and type."""
    return labels.field_title(form.spec if form else None, view.field_id, view.type)


def reasons(view: FieldView, mode: Mode, entry: EntryStatus | None) -> None:
    lines = [
        f"- {texts.reason(r.code)}"
        + (
            f"（{texts.readings_note(r.detail)}）"
            if r.code == "readers_disagree" and r.detail and mode != "blind"
            else ""
        )
        for r in view.reasons
    ]
    if mode == "blind":
        n = entry.count if entry else 0
        lines.append(
            f"- 二重入力（{n + 1} 人目）: 画像を見て値を入力してください。読み取り結果と"
            "ほかの人の入力は表示されません。"
        )
    if mode == "third" and entry is not None:
        lines.append("- 二重入力の結果が一致しません。画像を見て正しい値を確定してください。")
    if lines:
        st.warning("\n".join(lines))


def entries(entry: EntryStatus, spec: FieldSpec | None, masked: bool) -> None:
    names = services.user_names()
    for n, e in enumerate(entry.entries, 1):
        text = values.to_text(spec, e.value)
        who = labels.actor_name(e.actor, names)
        st.markdown(f"{n} 人目（{who}）: **{values.mask(text) if masked else text}**")


def reading(view: FieldView, masked: bool) -> None:
    st.markdown(
        f"読み取り: {values.marked_reading(view.raw, view.char_confidences, masked)}　"
        f"（確信度 {texts.confidence(view.confidence)}）"
    )


def value_form(doc: Document, view: FieldView, spec: FieldSpec | None, mode: Mode) -> str:
    """The input box with 確定 (Enter) and 判読不能 (Alt+U); returns the input's key."""
    shown = "" if mode == "blind" else values.to_text(spec, view.value)
    key = f"rv_in_{doc.id}_{view.field_id}_{doc.version}"
    with st.form(f"rv_form_{doc.id}_{view.field_id}_{doc.version}", border=False):
        st.text_input(
            VALUE_LABEL,
            value=shown,
            key=key,
            autocomplete="off",
            placeholder="画像のとおりに入力" if mode == "blind" else None,
        )
        if spec is not None and spec.type.is_date:
            era = f"和暦: {values.wareki(shown)}　" if shown and mode != "blind" else ""
            st.caption(f"{era}入力例: 2024-04-01、令和6年4月1日、R6.4.1")
        with st.container(horizontal=True):
            st.form_submit_button(
                "確定",
                type="primary",
                on_click=reviewing.submit_value,
                args=(doc.id, view.field_id),
                kwargs={"seen_version": doc.version, "shown": shown, "mode": mode, "key": key},
                key=f"rv_ok_{doc.id}_{view.field_id}",
            )
            st.form_submit_button(
                "判読不能",
                shortcut="Alt+U",
                on_click=reviewing.unreadable,
                args=(doc.id, view.field_id, doc.version),
                key=f"rv_unreadable_{doc.id}_{view.field_id}",
            )
    return key


def focus(label: str, nonce: str) -> None:
    """Put the keyboard in the value box (text selected, so typing replaces it)."""
    script = (
        "<script>(function(){let n=0;const t=setInterval(function(){"
        "const el=Array.from(window.parent.document.querySelectorAll('input'))"
        f".find(function(e){{return e.getAttribute('aria-label')==={json.dumps(label)};}});"
        "if(el){el.focus();el.select();clearInterval(t);}if(++n>60)clearInterval(t);},50);})();"
        f"</script><span data-nonce='{nonce}'></span>"
    )
    st.html(script, unsafe_allow_javascript=True)


def page_image(
    tenant: str, doc: Document, form: FormDefinition | None, current: str | None
) -> None:
    """The page of the current field (or the first page) with every field's box."""
    page_no = doc.fields[current].page_no if current in doc.fields else doc.first_page
    ref = _page_ref(tenant, doc, page_no, form)
    if ref is None:
        st.info("ページ画像はありません。")
        return
    boxes = []
    for n, view in enumerate(doc.fields.values(), 1):
        if view.bbox is None or view.page_no != page_no:
            continue
        state = "current" if view.field_id == current else "open" if view.needs_review else "done"
        boxes.append(images.Box(view.bbox, n, COLOURS[state], 5 if state == "current" else 3))
    png = images.page_with_boxes(_page_png(ref), boxes, ref.size if ref.matrix is None else None)
    st.image(png, caption="赤: 今の項目　橙: 要確認　緑: 確定済（番号は全項目一覧の番号）")


def all_fields(tenant: str, doc: Document, form: FormDefinition | None) -> None:
    """Every field with its value (個人番号 masked unless revealed), state and who set it."""
    rows = []
    names = services.user_names()
    for n, view in enumerate(doc.fields.values(), 1):
        spec = _spec(form, view.field_id)
        revealed = reviewing.is_revealed(tenant, doc.id, view.field_id)
        rows.append(
            {
                "番号": n,
                "項目": labels.field_label(form.spec if form else None, view.field_id),
                "値": values.shown(spec, view.type, view.value, revealed),
                "状態": texts.FIELD_STATE[view.status],
                "確信度": texts.confidence(view.confidence),
                "更新者": labels.actor_name(view.updated_by, names),
            }
        )
    st.dataframe(rows, hide_index=True, width="stretch")


def _spec(form: FormDefinition | None, field_id: str) -> FieldSpec | None:
    return labels.spec(form.spec if form else None, field_id)


def spec_of(form: FormDefinition | None, field_id: str) -> FieldSpec | None:
    return _spec(form, field_id)


def field_label(form: FormDefinition | None, field_id: str) -> str:
    return labels.field_label(form.spec if form else None, field_id)
