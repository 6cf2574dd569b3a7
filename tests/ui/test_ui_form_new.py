"""帳票作成 without a browser: fitting a drawn box inside the printed lines, straightening an
uploaded blank form, test-reading a filled sample with the real OCR, and the page itself
(AppTest) making and saving a form."""

from __future__ import annotations

import io
import random
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from form_schemas.draft import FormDraft, add_box, add_field
from form_schemas.registry import FormRegistry, load_form
from form_schemas.spec import FieldType
from ocr_pipeline.engines import create_engine
from ocr_pipeline.settings import Settings
from ocr_pipeline.synth import Degrade, Style, SynthOptions, render_page
from review_ui import services
from review_ui.snap import snap_box
from review_ui.template_scan import find_tilt, read_template, rotate
from review_ui.tryout import try_read
from tests.ui.app_pages import goto

if TYPE_CHECKING:
    from tests.ui.conftest import OpenApp, UiWorld


def _writing_spaces(registry: FormRegistry) -> list[tuple[str, tuple[int, int, int, int]]]:
    form = registry.get("water_service")
    return [(f.id, s.bbox) for f in form.fields for s in f.all_segments()]


def test_a_roughly_drawn_box_fits_inside_the_printed_lines(registry: FormRegistry) -> None:
    form = registry.get("water_service")
    gray = np.asarray(cv2.imread(str(form.template_path), cv2.IMREAD_GRAYSCALE), np.uint8)
    rnd = random.Random(5)
    for field_id, true in _writing_spaces(registry):
        for _ in range(4):
            drawn = tuple(v + rnd.randint(-8, 8) for v in true)
            got = snap_box(gray, drawn)  # type: ignore[arg-type]  # a 4-tuple built by tuple()
            assert max(abs(a - b) for a, b in zip(got, true, strict=True)) <= 2, (field_id, drawn)
    # Where there is no line near, the box stays as drawn.
    empty = (20, 20, 200, 120)
    assert snap_box(gray, empty) == empty


def _png(gray: np.ndarray[Any, Any]) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(gray).save(buf, "PNG", dpi=(200, 200))
    return buf.getvalue()


def test_an_uploaded_blank_form_is_straightened(registry: FormRegistry) -> None:
    form = registry.get("water_service")
    gray = np.asarray(cv2.imread(str(form.template_path), cv2.IMREAD_GRAYSCALE), np.uint8)
    tilted = rotate(gray, -0.8)  # turned by 0.8° counter-clockwise
    template = read_template(_png(tilted), "blank.png")
    assert abs(template.tilt - 0.8) <= 0.1
    assert (template.width, template.height, template.dpi) == (form.width, form.height, 200)
    straight = np.asarray(
        cv2.imdecode(np.frombuffer(template.png, np.uint8), cv2.IMREAD_GRAYSCALE), np.uint8
    )
    assert abs(find_tilt(straight)) <= 0.1
    # A straight scan is left as it is.
    assert read_template(_png(gray), "blank.png").tilt == 0.0


def test_a_filled_sample_is_test_read_with_the_draft(
    registry: FormRegistry, settings: Settings
) -> None:
    water = registry.get("water_service")
    draft = FormDraft(id="water_draft", title="水道（下書き）")
    add_field(draft, field_id="user_name", label="使用者氏名", type_=FieldType.NAME,
              box=water.spec.field("user_name").outline())  # fmt: skip
    kind = water.spec.field("notice_type")
    add_field(draft, field_id="kind", label="届出区分", type_=FieldType.CHOICE,
              box=kind.options[0].bbox, option=("start", "開始"))  # fmt: skip
    add_box(draft, "kind", kind.options[1].bbox, option=("stop", "中止"))
    values = {"user_name": "山田\u3000花子", "notice_type": "stop", "service_address": "東京都"}
    options = SynthOptions(style=Style.PRINT, degrade=Degrade.NONE, seed=3)
    page = render_page(water, values, np.random.default_rng(3), options)
    ok, sample = cv2.imencode(".png", page)
    assert ok
    pages = try_read(
        draft,
        water.template_path.read_bytes(),
        sample=bytes(sample),
        sample_name="sample.png",
        reader=services.form_reader(settings, create_engine(settings)),
        author="kanri",
    )
    (read,) = pages
    assert read.status == "ok"
    by_id = {f.id: f for f in read.fields}
    assert set(by_id) == {"user_name", "kind"}
    assert by_id["user_name"].value.replace("\u3000", " ") == "山田 花子"
    assert by_id["kind"].value == "stop"


def test_an_administrator_makes_a_form_on_the_page(
    open_app: OpenApp, ui: UiWorld, registry: FormRegistry
) -> None:
    water = registry.get("water_service")
    at: AppTest = open_app("admin-a")
    goto(at, "form_new").run()
    assert any("白紙の帳票" in i.value for i in at.info)
    at.session_state["fn_template"] = read_template(
        water.template_path.read_bytes(), "template.png"
    )
    at.run()
    at.text_input(key="fn_id").input("kaigo").run()
    at.text_input(key="fn_title").input("介護保険 要介護認定申請書").run()
    for key, value in zip(
        ("fn_x0", "fn_y0", "fn_x1", "fn_y1"), (396, 934, 1530, 1032), strict=True
    ):
        at.number_input(key=key).set_value(value)
    at.selectbox(key="fn_type").select(FieldType.NAME).run()
    at.text_input(key="fn_field_id").input("applicant").run()
    at.text_input(key="fn_label").input("申請者氏名").run()
    at.checkbox(key="fn_required").check().run()
    at.button(key="fn_add").click().run()
    assert not at.exception and not at.error
    rows = at.dataframe[0].value.to_dict("records")
    assert [(r["ID"], r["種類"], r["必須"], r["足りないもの"]) for r in rows] == [
        ("applicant", "氏名", "はい", "")
    ]
    at.button(key="fn_save").click().run()
    assert any("保存しました" in s.value for s in at.success)
    form = load_form(ui.root / "data" / "forms" / "kaigo")
    assert [(f.id, f.type, f.required, f.outline()) for f in form.fields] == [
        ("applicant", FieldType.NAME, True, (396, 934, 1530, 1032))
    ]
    # Now installed: the forms page lists it, and its id cannot be taken again.
    goto(at, "forms").run()
    assert "kaigo" in [r["ID"] for r in at.dataframe[0].value.to_dict("records")]


def test_only_administrators_reach_the_page(open_app: OpenApp) -> None:
    for login in ("rev-a", "clerk-a"):
        at: AppTest = open_app(login)
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            goto(at, "form_new")


def _draw(at: AppTest, box: tuple[int, int, int, int]) -> None:
    for key, value in zip(("fn_x0", "fn_y0", "fn_x1", "fn_y1"), box, strict=True):
        at.number_input(key=key).set_value(value)
    at.run()


def test_after_each_box_the_page_asks_for_the_next_one(
    open_app: OpenApp, registry: FormRegistry
) -> None:
    """A choice takes a box per option and a date one per part: after each box the page stays
    on the field until it is complete, then offers a new field with empty inputs."""
    water = registry.get("water_service")
    at: AppTest = open_app("admin-a")
    goto(at, "form_new").run()
    at.session_state["fn_template"] = read_template(
        water.template_path.read_bytes(), "template.png"
    )
    at.run()
    kind = water.spec.field("notice_type")
    _draw(at, kind.options[0].bbox)
    at.selectbox(key="fn_type").select(FieldType.CHOICE).run()
    at.text_input(key="fn_field_id").input("kind").run()
    at.text_input(key="fn_label").input("届出区分").run()
    at.text_input(key="fn_opt_code").input("start").run()
    at.text_input(key="fn_opt_label").input("開始").run()
    at.button(key="fn_add").click().run()
    assert at.radio(key="fn_mode").value == "描いた項目に加える"
    assert at.selectbox(key="fn_target").value == "kind"
    assert at.text_input(key="fn_opt_code").value == ""
    assert at.button(key="fn_add").disabled  # no box until the next one is drawn
    _draw(at, kind.options[1].bbox)
    at.text_input(key="fn_opt_code").input("stop").run()
    at.text_input(key="fn_opt_label").input("中止").run()
    at.button(key="fn_add").click().run()
    assert at.radio(key="fn_mode").value == "新しい項目にする"
    assert at.text_input(key="fn_field_id").value == ""
    filed = water.spec.field("filed_on")
    assert filed.parts is not None
    _draw(at, filed.parts.year.bbox)
    at.selectbox(key="fn_type").select(FieldType.WAREKI_DATE).run()
    at.selectbox(key="fn_era").select("reiwa").run()
    at.text_input(key="fn_field_id").input("filed_on").run()
    at.text_input(key="fn_label").input("届出日").run()
    at.button(key="fn_add").click().run()
    assert at.radio(key="fn_part").value == "month"
    _draw(at, filed.parts.month.bbox)
    at.button(key="fn_add").click().run()
    assert at.radio(key="fn_part").value == "day"
    _draw(at, filed.parts.day.bbox)
    at.button(key="fn_add").click().run()
    assert not at.exception and not at.error
    rows = at.dataframe[0].value.to_dict("records")
    assert [(r["ID"], r["足りないもの"]) for r in rows] == [("kind", ""), ("filed_on", "")]
    draft = at.session_state["fn_draft"]
    assert [o.code for o in draft.get("kind").options] == ["start", "stop"]
    assert draft.get("filed_on").era == "reiwa"
    assert list(draft.get("filed_on").parts) == ["year", "month", "day"]
