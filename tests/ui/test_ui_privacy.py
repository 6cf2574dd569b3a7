"""Residents' data on the review screen: the whole page hides 個人番号 zones and fields marked
sensitive until a logged reveal; images are drawn inline (no ``/media`` URL); a blind entrant
sees no reading of what they key; a hidden field opens on its 表示 button; a failing page
shows a Japanese message with a reference (logged with the traceback); document numbers are
ASCII digits; text from users and files is shown as plain text."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from form_schemas.registry import FormDefinition
from form_schemas.spec import BBox
from ocr_pipeline.errors import OutputUnwritableError
from ocr_pipeline.store import Action
from review_ui import field_panel, reviewing, services
from review_ui.auditcsv import BLIND
from review_ui.plain import md
from tests.sample_records import FURUSATO_VALUES as FURUSATO
from tests.ui.app_pages import goto

if TYPE_CHECKING:
    from tests.ui.conftest import Helpers, OpenApp, UiWorld

VALUE = "値（Enter で確定）"


def _open(open_app: OpenApp, login: str, doc_id: int | str) -> AppTest:
    at = open_app(login)
    goto(at, "review")
    at.query_params["doc"] = str(doc_id)
    return at.run()


def _zone_mean(png: bytes, bbox: BBox) -> float:
    """Mean grey level inside the box, within the coloured outline drawn on it (0: black)."""
    img = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.float64)
    x0, y0, x1, y1 = bbox
    return float(img[y0 + 8 : y1 - 8, x0 + 8 : x1 - 8].mean())


def _page_image(at: AppTest, h: Helpers) -> bytes:
    """The whole-page image (the largest inline image on the page)."""
    return max(h.images(at), key=len)


def _all_text(at: AppTest) -> str:
    """Every text, alert and markdown on the page (details lists included)."""
    return "\n".join(
        str(el.value) for kind in ("error", "warning", "markdown") for el in getattr(at, kind)
    )


def _reveals(ui: UiWorld, doc_id: int) -> list[tuple[str | None, str]]:
    trail = ui.town("town-a").audit_trail(doc_id)
    return [(e.field_id, e.actor) for e in trail if e.action is Action.REVEALED]


def test_the_whole_page_blacks_out_the_my_number_until_a_logged_reveal(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    zone = ui.registry.get("furusato_onestop").spec.field("my_number").outline()
    at = _open(open_app, "rev-a", ui.furusato_a)
    at.button(key="rv_page").click().run()
    assert not at.exception
    page = _page_image(at, h)
    assert _zone_mean(page, zone) < 5  # black: not one digit legible
    assert any("黒: 隠している項目" in el.value for el in h.elements(at.main, "html"))
    assert _reveals(ui, ui.furusato_a) == []  # looking at the page reveals nothing
    at.button(key=f"rv_page_reveal_{ui.furusato_a}_my_number").click().run()
    assert _reveals(ui, ui.furusato_a) == [("my_number", "user:rev-a")]
    assert _zone_mean(_page_image(at, h), zone) > 200  # the (blank) boxes, as scanned


def _with_sensitive_phone(monkeypatch: pytest.MonkeyPatch) -> None:
    """水道's 電話番号 marked ``sensitive: true`` (as an administrator would in form.yaml)."""
    real = services.form

    def form(form_id: str) -> FormDefinition | None:
        found = real(form_id)
        if found is None or form_id != "water_service":
            return found
        fields = tuple(
            f.model_copy(update={"sensitive": True}) if f.id == "phone" else f
            for f in found.spec.fields
        )
        return dataclasses.replace(found, spec=found.spec.model_copy(update={"fields": fields}))

    monkeypatch.setattr(services, "form", form)


def test_a_field_marked_sensitive_is_hidden_until_a_logged_reveal(
    open_app: OpenApp, ui: UiWorld, h: Helpers, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_sensitive_phone(monkeypatch)
    zone = ui.registry.get("water_service").spec.field("phone").outline()
    at = _open(open_app, "rev-a", ui.water_a)
    table = at.dataframe[0].value.to_dict("records")
    assert next(r["値"] for r in table if r["項目"] == "電話番号") == "●●-●●●●-●●●●"
    at.button(key="rv_page").click().run()
    assert _zone_mean(_page_image(at, h), zone) < 5
    at.button(key="rv_next").click().run()  # the phone: nothing of it until revealed
    assert not [t for t in at.text_input if t.label == VALUE]
    assert "03-1234-5678" not in h.text(at)
    at.button(key=f"rv_reveal_{ui.water_a}_phone").click().run()
    assert _reveals(ui, ui.water_a) == [("phone", "user:rev-a")]
    (box,) = [t for t in at.text_input if t.label == VALUE]
    assert box.value == "03-1234-5678"
    assert _zone_mean(_page_image(at, h), zone) > 200


def test_images_are_inline_and_never_served_under_media(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    at = _open(open_app, "rev-a", ui.water_a)
    at.button(key="rv_page").click().run()
    shown = h.images(at)  # fails if st.image (a /media URL) draws any of them
    assert len(shown) == 2 and all(p.startswith(b"\x89PNG") for p in shown)
    bodies = [el.value for el in h.elements(at.main, "html")]
    assert not any("/media/" in b for b in bodies)


def _blind_second_entrant(open_app: OpenApp, ui: UiWorld) -> AppTest:
    """rev-a keys the 個人番号; rev-a2 opens the document and reveals it to key it."""
    first = _open(open_app, "rev-a", ui.furusato_a)
    first.button(key=f"rv_reveal_{ui.furusato_a}_my_number").click().run()
    (box,) = [t for t in first.text_input if t.label == VALUE]
    box.input("463009968008")
    next(b for b in first.button if b.label == "確定").click().run()
    at = _open(open_app, "rev-a2", ui.furusato_a)
    at.button(key=f"rv_reveal_{ui.furusato_a}_my_number").click().run()
    return at


def test_a_blind_entrant_sees_no_reading_of_the_fields_being_keyed(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    at = _blind_second_entrant(open_app, ui)
    assert "二重入力（2 人目）" in at.warning[0].value
    table = at.dataframe[0].value.to_dict("records")
    values = {r["項目"]: r["値"] for r in table}
    assert values["寄附金額"] == field_panel.BLIND_VALUE  # not 65000
    assert values["個人番号"] == field_panel.BLIND_VALUE  # revealed, still not shown
    assert values["氏名"] == FURUSATO["name"]  # a field not keyed blind is listed
    page = h.text(at) + "\n".join(str(r) for r in table)
    for secret in ("463009968008", "65000", "65,000"):
        assert secret not in page
    (box,) = [t for t in at.text_input if t.label == VALUE]
    assert box.value == ""


def test_the_history_hides_values_of_fields_keyed_blind(open_app: OpenApp, ui: UiWorld) -> None:
    _blind_second_entrant(open_app, ui)
    at = open_app("rev-a2")
    goto(at, "audit")
    at.query_params["doc"] = str(ui.furusato_a)
    at.run()
    rows = at.dataframe[0].value.to_dict("records")
    shown = " ".join(str(v) for r in rows for v in r.values())
    assert "65000" not in shown and "65,000" not in shown
    assert any(r["項目"] == "寄附金額" and r["変更後"] == BLIND for r in rows)
    assert any(r["項目"] == "氏名" and FURUSATO["name"] in r["変更後"] for r in rows)


def test_a_hidden_field_opens_on_its_reveal_button_with_the_keyboard_on_it(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    at = _open(open_app, "rev-a", ui.furusato_a)
    assert "「表示」を押してから、画像を見て" in at.warning[0].value
    assert "Enter または Alt+M" in at.info[0].value
    scripts = [el.value for el in h.elements(at.main, "html") if "<script>" in el.value]
    button = json.dumps("個人番号を表示")
    assert any("querySelectorAll('button')" in s and button in s for s in scripts)
    assert not any("aria-label" in s for s in scripts)  # no value box to focus yet
    at.button(key=f"rv_reveal_{ui.furusato_a}_my_number").click().run()
    assert len(h.images(at)) == 1  # the crop
    scripts = [el.value for el in h.elements(at.main, "html") if "<script>" in el.value]
    assert any("aria-label" in s and json.dumps(VALUE) in s for s in scripts)


def test_a_failing_page_shows_a_japanese_message_with_a_logged_reference(
    open_app: OpenApp,
    ui: UiWorld,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_: object) -> frozenset[str]:
        raise RuntimeError("boom in /srv/formocr/secret_path.py")

    at = open_app("rev-a")
    monkeypatch.setattr(reviewing, "blind_fields", broken)
    goto(at, "review")
    at.query_params["doc"] = str(ui.water_a)
    with caplog.at_level(logging.ERROR, logger="review_ui.failure"):
        at.run()
    assert not at.exception  # nothing of Streamlit's own error display
    assert not at.title and not at.subheader  # the half-drawn page is replaced by the message
    (error,) = at.error
    assert "エラーが発生したため" in error.value
    reference = re.search(r"参照番号: ([0-9a-f]{8})", error.value)
    assert reference is not None
    assert "secret_path" not in error.value and "RuntimeError" not in error.value
    (record,) = [r for r in caplog.records if reference.group(1) in r.getMessage()]
    assert record.exc_info is not None and "secret_path" in str(record.exc_info[1])


@pytest.mark.parametrize(
    "exc",
    [RuntimeError("boom /srv/x.py"), OutputUnwritableError("/srv/formocr/x.db", "disk full")],
)
def test_a_failing_button_shows_the_japanese_message_not_streamlits(
    open_app: OpenApp,
    ui: UiWorld,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    exc: Exception,
) -> None:
    at = _open(open_app, "rev-a", ui.furusato_a)

    def broken(*_: object, **__: object) -> None:
        raise exc

    monkeypatch.setattr(type(ui.town("town-a")), "log_reveal", broken)
    with caplog.at_level(logging.ERROR, logger="review_ui.failure"):
        at.button(key=f"rv_reveal_{ui.furusato_a}_my_number").click().run()
    assert not at.exception
    assert "参照番号" in at.error[0].value and "/srv/" not in _all_text(at)
    assert any("reference" in r.getMessage() for r in caplog.records)
    assert not [t for t in at.text_input if t.label == VALUE]  # not revealed


@pytest.mark.parametrize("doc", ["¹", "²3", "٣", "1e3", "-1", "1" * 19])
def test_a_document_number_that_is_not_ascii_digits_is_refused_in_japanese(
    open_app: OpenApp, ui: UiWorld, doc: str
) -> None:
    at = _open(open_app, "rev-a", doc)
    assert not at.exception
    assert at.error[0].value == "書類番号は数字（0〜9）で指定してください。"
    at = open_app("rev-a")
    goto(at, "audit").run()
    at.text_input(key="au_doc").input(doc).run()
    assert not at.exception
    assert at.error[0].value == "書類番号は数字（0〜9）で入力してください。"


def test_fullwidth_digits_are_read_as_the_number(open_app: OpenApp, ui: UiWorld) -> None:
    wide = str(ui.water_a).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    at = _open(open_app, "rev-a", wide)
    assert not at.error and f"書類 {ui.water_a}" in at.subheader[0].value
    at = open_app("rev-a")
    goto(at, "audit").run()
    at.text_input(key="au_doc").input(wide).run()
    assert not at.error and at.dataframe


MARKUP = "**x** [a](http://x) # h"


def test_reasons_names_and_labels_are_plain_text(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    doc = ui.add_document(
        "town-a",
        "water_service",
        {"phone": "03-1234-5678"},
        {"phone": "low_confidence"},
        name=f"{MARKUP}.pdf",
    )
    town = ui.town("town-a")
    town.return_document(
        doc, actor="user:rev-a", expected_version=town.get_document(doc).version, reason=MARKUP
    )
    at = _open(open_app, "rev-a", doc)
    assert at.warning[0].value == f"返戻理由: {md(MARKUP)}"
    assert f"ファイル: {md(MARKUP + '.pdf')}" in at.caption[0].value
    text = h.text(at)
    assert "**x**" not in text and "](http" not in text


# -- the parts -------------------------------------------------------------------------------


def test_blacked_out_fills_the_zones_and_their_margin_only() -> None:
    from review_ui import images

    white = io.BytesIO()
    Image.new("RGB", (400, 200), "white").save(white, "PNG")
    out = images.blacked_out(white.getvalue(), [(100, 50, 200, 100)])
    grey = np.asarray(Image.open(io.BytesIO(out)).convert("L"))
    m = images.MARGIN // 2
    assert grey[50 - m : 100 + m + 1, 100 - m : 200 + m + 1].max() == 0
    assert grey[:, 300:].min() == 255 and grey[150:, :].min() == 255
    assert images.blacked_out(white.getvalue(), []) == white.getvalue()


@pytest.mark.parametrize(
    ("typed", "number"),
    [("12", 12), (" 7 ", 7), ("１２", 12), ("0", 0), ("9" * 18, int("9" * 18))],
)
def test_whole_number_reads_ascii_and_fullwidth_digits(typed: str, number: int) -> None:
    from review_ui.numbers import whole_number

    assert whole_number(typed) == number


@pytest.mark.parametrize("typed", [None, "", " ", "¹", "1²", "٣", "1.0", "+1", "-1", "9" * 19])
def test_whole_number_refuses_anything_else(typed: str | None) -> None:
    from review_ui.numbers import whole_number

    assert whole_number(typed) is None


def test_md_escapes_markdown_and_keeps_one_line() -> None:
    assert md("**x** [a](http://x)") == r"\*\*x\*\* \[a\]\(http\:\/\/x\)"
    assert md("# h\n- item") == r"\# h \- item"
    assert md("山田　花子") == "山田　花子"
