"""The parts of the review screen: one flagged field (its crop beside the value in a focused
input, the reasons, the keys), the whole page with the field boxes, and the list of all
fields. Store calls happen in :mod:`.reviewing`; this module draws."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import streamlit as st
from PIL import Image

from form_schemas.reasons import ReasonCode
from form_schemas.registry import FormDefinition
from form_schemas.sensitivity import mask
from form_schemas.spec import BBox, FieldSpec
from ocr_pipeline.errors import FormocrError
from ocr_pipeline.store import Document, EntryStatus, FieldView

from . import images, inline_image, labels, reviewing, services, texts, values
from .plain import md
from .reviewing import Mode

log = logging.getLogger(__name__)

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


@st.cache_data(max_entries=64, show_spinner=False)
def _masked_png(ref: PageRef, hidden: tuple[BBox, ...]) -> bytes:
    """The page with the ``hidden`` zones blacked out."""
    unregistered = ref.size if ref.matrix is None else None  # then scale to the template
    return images.blacked_out(_page_png(ref), hidden, unregistered)


@st.cache_resource(max_entries=8, show_spinner=False)
def _page_pixels(ref: PageRef, hidden: tuple[BBox, ...]) -> Image.Image:
    """The page (with the ``hidden`` zones blacked out) decoded once for all its crops
    (decoding a page PNG costs far more than cropping it; a resource, so it is shared and
    never copied)."""
    return images.decoded(_masked_png(ref, hidden) if hidden else _page_png(ref))


@st.cache_data(max_entries=512, show_spinner=False)
def _crop(ref: PageRef, bbox: tuple[int, int, int, int], hidden: tuple[BBox, ...]) -> bytes:
    unregistered = ref.size if ref.matrix is None else None  # then scale to the template
    return images.crop_decoded(_page_pixels(ref, hidden), bbox, unregistered)


def is_hidden(spec: FieldSpec | None, view: FieldView) -> bool:
    """A 個人番号 or a field the form marks sensitive: masked until a logged reveal."""
    return values.is_hidden(spec, view.type)


def _hidden_views(
    tenant: str, doc: Document, form: FormDefinition | None, page_no: int
) -> list[FieldView]:
    """The fields of page ``page_no`` to keep out of sight: hidden and not revealed."""
    return [
        v
        for v in doc.fields.values()
        if v.page_no == page_no
        and v.bbox is not None
        and is_hidden(_spec(form, v.field_id), v)
        and not reviewing.is_revealed(tenant, doc.id, v.field_id)
    ]


def _hidden_zones(
    tenant: str, doc: Document, form: FormDefinition | None, page_no: int
) -> tuple[BBox, ...]:
    return tuple(v.bbox for v in _hidden_views(tenant, doc, form, page_no) if v.bbox)


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
    # Only the hidden zones that reach into this crop are blacked out (a page without any is
    # cropped as stored, without decoding and encoding it once more).
    reach = 2 * images.MARGIN
    x0, y0, x1, y1 = view.bbox
    hidden = tuple(
        z
        for z in _hidden_zones(tenant, doc, form, view.page_no)
        if z[0] < x1 + reach and z[2] > x0 - reach and z[1] < y1 + reach and z[3] > y0 - reach
    )
    try:
        png = _crop(ref, view.bbox, hidden)
    except (FormocrError, ValueError) as exc:
        log.warning("page image of document %s cannot be read: %s", doc.id, exc)
        st.error("ページ画像を読めません。管理者に連絡してください。")
        return
    inline_image.show(png, "読み取った欄（黒: 隠している項目）" if hidden else "読み取った欄")


def field_title(form: FormDefinition | None, view: FieldView) -> str:
    """A field's heading: its name (a table cell: table, row, column) and type, escaped for
    Markdown (labels come from form.yaml)."""
    return md(labels.field_title(form.spec if form else None, view.field_id, view.type))


def reasons(view: FieldView, mode: Mode, entry: EntryStatus | None, masked: bool = False) -> None:
    lines = [
        f"- {texts.reason(r.code)}"
        + (
            f"（{texts.readings_note(r.detail)}）"
            if r.code == ReasonCode.READERS_DISAGREE and r.detail and mode != "blind"
            else ""
        )
        for r in view.reasons
    ]
    if mode == "blind":
        n = entry.count if entry else 0
        first = "「表示」を押してから、" if masked else ""
        lines.append(
            f"- 二重入力（{n + 1} 人目）: {first}画像を見て値を入力してください。読み取り結果と"
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
        st.markdown(f"{n} 人目（{md(who)}）: **{md(mask(text) if masked else text)}**")


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
    _focus("input", f"e.getAttribute('aria-label')==={json.dumps(label)}", "el.select();", nonce)


def focus_button(text: str, nonce: str) -> None:
    """Put the keyboard on the button that says ``text`` (Enter or Space presses it). The
    button's first line is its label (the shortcut hint follows on the next)."""
    _focus("button", f"e.innerText.trim().split('\\n')[0].trim()==={json.dumps(text)}", "", nonce)


def _focus(tag: str, test: str, then: str, nonce: str) -> None:
    script = (
        "<script>(function(){let n=0;const t=setInterval(function(){"
        f"const el=Array.from(window.parent.document.querySelectorAll('{tag}'))"
        f".find(function(e){{return {test};}});"
        f"if(el){{el.focus();{then}clearInterval(t);}}if(++n>60)clearInterval(t);}},50);}})();"
        f"</script><span data-nonce='{nonce}'></span>"
    )
    st.html(script, unsafe_allow_javascript=True)


def reveal_label(spec: FieldSpec | None, view: FieldView) -> str:
    """The reveal button's text: 個人番号を表示, or 「label」を表示 for another hidden field."""
    if values.is_masked_type(view.type):
        return "個人番号を表示"
    return f"「{spec.label if spec else view.field_id}」を表示"


def reveal_button(
    doc: Document, spec: FieldSpec | None, view: FieldView, key: str, shortcut: str | None
) -> None:
    """The button that shows a hidden field after recording that it was shown."""
    st.button(
        md(reveal_label(spec, view)),
        shortcut=shortcut,
        on_click=reviewing.reveal,
        args=(doc.id, view.field_id),
        key=key,
    )


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
    hidden = _hidden_views(tenant, doc, form, page_no)
    try:
        masked = _masked_png(ref, tuple(v.bbox for v in hidden if v.bbox))
    except (FormocrError, ValueError) as exc:
        log.warning("page image of document %s cannot be read: %s", doc.id, exc)
        st.error("ページ画像を読めません。管理者に連絡してください。")
        return
    png = images.page_with_boxes(masked, boxes, ref.size if ref.matrix is None else None)
    caption = "赤: 今の項目　橙: 要確認　緑: 確定済（番号は全項目一覧の番号）"
    if hidden:
        caption += "　黒: 隠している項目（表示すると記録が残ります）"
        with st.container(horizontal=True):
            for v in hidden:
                spec = _spec(form, v.field_id)
                reveal_button(doc, spec, v, f"rv_page_reveal_{doc.id}_{v.field_id}", None)
    inline_image.show(png, caption, alt="ページ全体")


BLIND_VALUE = "（二重入力中のため表示しません）"


def all_fields(
    tenant: str, doc: Document, form: FormDefinition | None, blind: frozenset[str] = frozenset()
) -> None:
    """Every field with its value (個人番号 masked unless revealed), state and who set it.
    The fields in ``blind`` (being keyed blind) show no value at all, revealed or not."""
    rows = []
    names = services.user_names()
    for n, view in enumerate(doc.fields.values(), 1):
        spec = _spec(form, view.field_id)
        revealed = reviewing.is_revealed(tenant, doc.id, view.field_id)
        rows.append(
            {
                "番号": n,
                "項目": labels.field_label(form.spec if form else None, view.field_id),
                "値": BLIND_VALUE
                if view.field_id in blind
                else values.shown(spec, view.type, view.value, revealed),
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
