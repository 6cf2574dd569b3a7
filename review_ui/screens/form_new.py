"""帳票作成: an administrator makes a new form from a scan of the blank paper form. Drag a box
over a writing space on the template (it is fitted inside the printed lines), say what the
field is, and so on for every field; test-read a filled sample; save. The form is written as
the same folder (``form.yaml`` + ``template.png``) that ``form_schemas/README.md`` documents,
under ``<data_dir>/forms/``."""

from __future__ import annotations

import base64
import copy
import io
import logging
from typing import Any

import altair as alt
import cv2
import numpy as np
import streamlit as st
from PIL import Image

from form_schemas.draft import (
    DATE_PARTS,
    DraftError,
    DraftField,
    FormDraft,
    add_box,
    add_field,
    check_box,
    remove_field,
    save_form,
)
from form_schemas.spec import BBox, Era, FieldType, ReviewPolicy
from ocr_pipeline.errors import FormocrError
from ocr_pipeline.settings import Settings
from ocr_pipeline.store import User
from review_ui import draft_texts, images, navigation, polling, services, texts
from review_ui.jobs import JobState
from review_ui.plain import md
from review_ui.snap import snap_box
from review_ui.template_scan import Template, read_template
from review_ui.tryout import TriedPage, try_read

log = logging.getLogger(__name__)

SHOWN_WIDTH = 480
KIND = "form_tryout"
ERA_NAME = {"meiji": "明治", "taisho": "大正", "showa": "昭和", "heisei": "平成", "reiwa": "令和"}
TEXT_TYPES = [t for t in FieldType if not t.is_mark and not t.is_date]


@st.cache_data(max_entries=4, show_spinner=False)
def shown_image(png: bytes) -> str:
    """The template, small enough to send to the browser, as a data URL."""
    img = Image.open(io.BytesIO(png)).convert("L")
    img = img.resize((SHOWN_WIDTH, round(img.height * SHOWN_WIDTH / img.width)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@st.cache_data(max_entries=4, show_spinner=False)
def gray_of(png: bytes) -> np.ndarray[Any, np.dtype[np.uint8]]:
    return np.asarray(cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE))


def canvas(template: Template, draft: FormDraft) -> alt.LayerChart | alt.FacetChart:
    """The template with the boxes drawn so far; dragging on it selects a new box."""
    w, h = template.width, template.height
    shown_h = round(h * SHOWN_WIDTH / w)
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, w], nice=False, zero=False), axis=None)
    y = alt.Y("y:Q", scale=alt.Scale(domain=[0, h], nice=False, reverse=True), axis=None)
    brush = alt.selection_interval(name="box", encodings=["x", "y"], clear="dblclick")
    page = (
        alt.Chart(alt.InlineData(values=[{"x": 0, "y": 0, "url": shown_image(template.png)}]))
        .mark_image(width=SHOWN_WIDTH, height=shown_h, align="left", baseline="top")
        .encode(x=x, y=y, url="url:N")
        .add_params(brush)
    )
    rows = [
        {"x": b[0], "y": b[1], "x1": b[2], "y1": b[3], "項目": fid, "部分": what}
        for fid, what, b in draft.boxes()
    ]
    boxes = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_rect(fillOpacity=0.08, fill="#1f77b4", stroke="#1f77b4", strokeWidth=2)
        .encode(x=x, x2="x1:Q", y=y, y2="y1:Q", tooltip=["項目:N", "部分:N"])
    )
    # No automatic sizing and no padding: the plot is the image, pixel for pixel, so that a
    # drag maps to the same template pixels on both axes.
    return alt.layer(page, boxes).properties(
        width=SHOWN_WIDTH, height=shown_h, autosize=alt.AutoSizeParams(type="none"), padding=0
    )


def selected(event: Any) -> BBox | None:
    """The box dragged on the canvas, in template pixels."""
    chosen = (getattr(event, "selection", None) or {}).get("box") or {}
    xs, ys = chosen.get("x"), chosen.get("y")
    if not xs or not ys:
        return None
    return (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))


ADD_NEW, ADD_TO = "新しい項目にする", "描いた項目に加える"
CORNERS = ("fn_x0", "fn_y0", "fn_x1", "fn_y1")


def next_step(entry: DraftField) -> dict[str, Any]:
    """The inputs for the next box after one was added to ``entry``: the same field while it
    lacks boxes (the next date part, another option), else a fresh new field."""
    fresh: dict[str, Any] = dict.fromkeys(CORNERS, 0) | {"fn_opt_code": "", "fn_opt_label": ""}
    if draft_texts.missing(entry):
        lacking = [p for p in DATE_PARTS if p not in entry.parts]
        step = fresh | {"fn_mode": ADD_TO, "fn_target": entry.id}
        return step | ({"fn_part": lacking[0]} if lacking else {})
    return fresh | {
        "fn_mode": ADD_NEW,
        "fn_field_id": "",
        "fn_label": "",
        "fn_required": False,
        "fn_double": False,
        "fn_part": "year",
    }


def show_tryout(pages: list[TriedPage]) -> None:
    """What the test reading read on each page of the sample, field by field."""
    for page in pages:
        if page.status != "ok":
            st.warning(
                f"{page.page} ページ目は読めませんでした（{page.status}: {md(page.reason)}）"
            )
            continue
        st.dataframe(
            [
                {
                    "項目": f.label,
                    "読み取り": f.value,
                    "確信度": texts.confidence(f.confidence),
                    "判定": "自動確定" if f.status == "accepted" else "要確認",
                    "理由": "、".join(texts.reason(r) for r in f.reasons),
                }
                for f in page.fields
            ],
            hide_index=True,
            width="stretch",
        )


def render() -> None:
    """The 帳票作成 page (run by the navigation, review_ui.navigation)."""
    user = services.require(*navigation.ADMINS)
    settings = services.settings()
    state = st.session_state
    st.title("帳票作成")
    st.caption(
        "白紙の帳票のスキャンに、記入欄の枠をマウスで囲んで描き、項目の種類を選びます。"
        "記入済みの見本で試し読みしてから保存します。"
    )
    # Inputs set by the last 追加 (a widget's value can only be set before it is drawn).
    for key, value in state.pop("fn_next", {}).items():
        state[key] = value
    template = blank_form()
    draft: FormDraft = state.setdefault("fn_draft", FormDraft(dpi=template.dpi))
    note = f"{template.width}×{template.height} ピクセル、{template.dpi} dpi"
    if template.tilt:
        note += f"、傾き {template.tilt:+.2f}° を補正しました"
    st.caption(f"原本: {note}")
    c1, c2, c3 = st.columns([2, 3, 1])
    draft.id = c1.text_input("帳票 ID（半角英小文字・数字・_）", key="fn_id").strip()
    draft.title = c2.text_input("帳票名", key="fn_title")
    draft.version = int(c3.number_input("版", min_value=1, value=1, step=1, key="fn_version"))
    draw_box(template, draft)
    fields_table(draft)
    problems = draft_texts.unsaved(draft, (template.width, template.height))
    try_out(user, settings, template, draft, ready=not problems)
    save(user, settings, template, draft, problems)


def blank_form() -> Template:
    """1. The blank form: the template made from the uploaded scan (the page stops until there
    is one)."""
    state = st.session_state
    blank = st.file_uploader(
        "白紙の帳票のスキャン（PDF・TIFF・JPEG・PNG、1ページ、200 dpi 推奨）",
        type=["pdf", "tif", "tiff", "jpg", "jpeg", "png"],
        key="fn_blank",
    )
    if blank is not None and state.get("fn_blank_id") != blank.file_id:
        try:
            state["fn_template"] = read_template(blank.getvalue(), blank.name)
        except FormocrError as exc:
            st.error(f"このファイルは帳票の原本として使えません。\n\n{md(exc)}")
            st.stop()
        state["fn_blank_id"] = blank.file_id
        state["fn_draft"] = FormDraft(dpi=state["fn_template"].dpi)
    template: Template | None = state.get("fn_template")
    if template is None:
        st.info("まず白紙の帳票のスキャンを選んでください。")
        st.stop()
        raise RuntimeError("unreachable")  # st.stop() raises; this tells the type checker
    return template


def draw_box(template: Template, draft: FormDraft) -> None:
    """2. Draw a box on the template, 3. say what it is, and add it to the draft."""
    state = st.session_state
    st.subheader("枠を描く")
    left, right = st.columns([3, 2])
    with left:
        event = st.altair_chart(
            canvas(template, draft), on_select="rerun", key="fn_canvas", width="content", theme=None
        )
        st.caption(
            "記入欄をドラッグで囲みます（ダブルクリックで取り消し）。青い枠は描いた項目です。"
        )
    with right:
        fit = st.toggle("罫線の内側に合わせる", value=True, key="fn_fit")
        dragged = selected(event)
        if dragged is not None and dragged != state.get("fn_dragged"):
            state["fn_dragged"] = dragged
            try:
                box = check_box(dragged, (template.width, template.height))
            except DraftError as exc:
                st.warning(draft_texts.error(exc))
            else:
                if fit:
                    box = snap_box(gray_of(template.png), box)
                for key, value in zip(CORNERS, box, strict=True):
                    state[key] = value
        cols = st.columns(4)
        coords = [
            int(col.number_input(label, min_value=0, step=1, key=key))
            for col, label, key in zip(cols, ("左", "上", "右", "下"), CORNERS, strict=True)
        ]
        current: BBox | None = None
        try:
            current = check_box(
                (coords[0], coords[1], coords[2], coords[3]), (template.width, template.height)
            )
        except DraftError:
            st.caption("枠はまだありません。")
        if current is not None:
            st.image(images.crop_field(template.png, current), caption=f"枠 {list(current)}")

        describe_box(draft, current)


def describe_box(draft: FormDraft, current: BBox | None) -> None:
    """3. What the drawn box ``current`` is: a new field or a part of one drawn before; 追加
    adds it to the draft."""
    mode = st.radio("この枠を", [ADD_NEW, ADD_TO], horizontal=True, key="fn_mode")
    adding_new = mode == ADD_NEW or not draft.fields
    if adding_new:
        type_, field_id, label = new_field_inputs()
        target_type = type_
    else:
        field_id = st.selectbox("加える項目", draft.field_ids(), key="fn_target")
        target_type = draft.get(field_id).type
    boxes, part, era = box_inputs(target_type, adding_new)
    option = None
    if target_type is FieldType.CHOICE or (
        target_type is FieldType.WAREKI_DATE and not adding_new and not draft.get(field_id).era
    ):
        a, b = st.columns(2)
        code = a.text_input("選択肢のコード（CSV に出る値）", key="fn_opt_code")
        shown = b.text_input("選択肢の表示名（例: 開始）", key="fn_opt_label")
        option = (code, shown)
    if adding_new:
        required, double, sensitive, review = policy_inputs()
    add = st.button(
        "追加", type="primary", disabled=current is None, shortcut="Alt+A", key="fn_add"
    )
    if not add or current is None:
        return
    try:
        if adding_new:
            add_field(
                draft,
                field_id=field_id,
                label=label,
                type_=type_,
                box=current,
                boxes=boxes,
                required=required,
                review="always" if double else review,
                double_entry=double,
                sensitive=sensitive,
                era=era,
                part=part,
                option=option,
            )
        else:
            add_box(draft, field_id, current, boxes=boxes, part=part, option=option)
    except DraftError as exc:
        st.error(draft_texts.error(exc))
    else:
        st.session_state["fn_next"] = next_step(draft.get(field_id))
        st.rerun()


def new_field_inputs() -> tuple[FieldType, str, str]:
    """The type, id and label of a new field."""
    type_: FieldType = (
        st.selectbox(
            "種類",
            list(FieldType),
            format_func=lambda t: texts.field_type(t.value),
            key="fn_type",
        )
        or FieldType.TEXT
    )
    a, b = st.columns(2)
    field_id = a.text_input("項目 ID（半角英小文字・数字・_）", key="fn_field_id").strip()
    label = b.text_input("項目名（確認画面と CSV の列名）", key="fn_label")
    return type_, field_id, label


def box_inputs(target_type: FieldType, adding_new: bool) -> tuple[int, str, str | None]:
    """What the box is in a field of ``target_type``: its comb's box count (text-like fields),
    which part of a date, and the printed era (a new 和暦 date)."""
    boxes, part, era = 0, "year", None
    if target_type in TEXT_TYPES:
        boxes = int(
            st.number_input(
                "1 文字ずつの升目の数（升目がなければ 0）",
                min_value=0,
                max_value=64,
                value=12 if target_type is FieldType.MYNUMBER else 0,
                key="fn_boxes",
            )
        )
    if target_type.is_date:
        part = st.radio(
            "日付の部分",
            DATE_PARTS,
            format_func=lambda p: draft_texts.PART[p],
            horizontal=True,
            key="fn_part",
        )
    if adding_new and target_type is FieldType.WAREKI_DATE:
        era = st.selectbox(
            "印刷された元号",
            [None, *(e.value for e in Era)],
            format_func=lambda e: "（丸で囲む）" if e is None else ERA_NAME[e],
            key="fn_era",
        )
    return boxes, part, era


def policy_inputs() -> tuple[bool, bool, bool, str]:
    """A new field's 必須, 二重入力, 秘匿 and 目視確認 (review policy)."""
    a, b, hide, c = st.columns([1, 1, 1, 2])
    required = a.checkbox("必須", key="fn_required")
    double = b.checkbox("二重入力", key="fn_double")
    sensitive = hide.checkbox(
        "秘匿（表示を記録）",
        key="fn_sensitive",
        help="個人番号と同じく隠して表示し、表示したことを履歴に残します。",
    )
    review = (
        c.selectbox(
            "目視確認",
            list(ReviewPolicy),
            format_func=lambda r: texts.REVIEW_POLICY[r],
            key="fn_review",
        )
        or ReviewPolicy.AUTO
    )
    return required, double, sensitive, review.value


def fields_table(draft: FormDraft) -> None:
    """4. The fields so far, and removing one."""
    st.subheader("項目")
    if draft.fields:
        st.dataframe(
            [
                {
                    "番号": n,
                    "ID": e.id,
                    "名称": e.label,
                    "種類": texts.field_type(e.type.value),
                    "必須": "はい" if e.required else "",
                    "二重入力": "はい" if e.double_entry else "",
                    "秘匿": "はい" if e.sensitive else "",
                    "足りないもの": "、".join(draft_texts.missing(e)),
                }
                for n, e in enumerate(draft.fields, 1)
            ],
            hide_index=True,
            width="stretch",
        )
        a, b = st.columns([3, 1])
        gone = a.selectbox("削除する項目", draft.field_ids(), key="fn_remove_id")
        if b.button("削除", key="fn_remove"):
            remove_field(draft, gone)
            st.rerun()
    else:
        st.caption("まだ項目がありません。")


def try_out(
    user: User, settings: Settings, template: Template, draft: FormDraft, *, ready: bool
) -> None:
    """5. Test-read a filled sample with the draft (a background job; not before the draft is
    ``ready`` to be saved)."""
    runner = services.jobs()
    owner = (services.current_tenant(user), user.login)
    st.subheader("試し読み")
    sample = st.file_uploader(
        "記入済みの見本のスキャン",
        type=["pdf", "tif", "tiff", "jpg", "jpeg", "png"],
        key="fn_sample",
    )
    job = runner.latest(owner, KIND)
    running = job is not None and job.state is JobState.RUNNING
    if (
        st.button("試し読み", disabled=not ready or sample is None or running, key="fn_try")
        and sample is not None
    ):
        work_draft = copy.deepcopy(draft)  # the job reads it while the page may change it
        data, name, png = sample.getvalue(), sample.name, template.png
        reader = services.form_reader(settings, services.engine())
        job = runner.submit(
            owner,
            KIND,
            lambda: try_read(
                work_draft,
                png,
                sample=data,
                sample_name=name,
                reader=reader,
                author=user.login,
            ),
        )
        running = True
    if job is not None and running:
        polling.wait_for(runner, job.id, owner, "試し読みしています…")
    elif job is not None and job.state is JobState.FAILED:
        st.error(f"試し読みできませんでした。\n\n{md(job.error)}")
    elif job is not None:
        show_tryout(job.result)


def save(
    user: User, settings: Settings, template: Template, draft: FormDraft, problems: list[str]
) -> None:
    """6. Save the form into the drawn-forms folder, where the watcher finds it."""
    st.subheader("保存")
    if problems:
        st.caption("保存する前に: " + "。".join(problems))
    if st.button("保存", type="primary", disabled=bool(problems), key="fn_save"):
        try:
            form = save_form(
                draft,
                template.png,
                settings.drawn_forms_path,
                user.login,
                set(services.forms().ids),
            )
        except DraftError as exc:
            st.error(draft_texts.error(exc))
        else:
            log.info(
                "form %s@%s saved by %s in %s", form.id, form.spec.version, user.login, form.folder
            )
            services.forget_forms()
            st.success(
                f"帳票「{form.spec.title}」（{form.id}）を `{form.folder}` に保存しました。"
                "動いている監視（formocr watch）も、次の見回り"
                f"（{settings.rescan_seconds:g} 秒ごと）からこの帳票を読み取ります。"
            )
