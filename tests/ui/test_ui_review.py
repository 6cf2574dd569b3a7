"""確認・修正: correcting, confirming and giving up on fields from the value box, approving and
returning, optimistic locking with what changed, tenant isolation by URL, 個人番号 masking with
a logged reveal, and blind double entry by two (and a third) reviewers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from streamlit.testing.v1 import AppTest

from ocr_pipeline.store import Action, DocumentStatus, FieldState
from review_ui.field_panel import BLIND_VALUE
from review_ui.plain import md
from tests.ui.app_pages import goto

if TYPE_CHECKING:
    from tests.ui.conftest import Helpers, OpenApp, UiWorld

VALUE = "値（Enter で確定）"


def _open(open_app: OpenApp, login: str, doc_id: int) -> AppTest:
    at = open_app(login)
    goto(at, "review")
    at.query_params["doc"] = str(doc_id)
    return at.run()


def _value_box(at: AppTest) -> Any:
    (box,) = [t for t in at.text_input if t.label == VALUE]
    return box


def _confirm(at: AppTest) -> AppTest:
    (ok,) = [b for b in at.button if b.label == "確定"]
    return ok.click().run()


def _heading(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("####"))


def test_a_flagged_field_is_shown_with_its_crop_reading_and_reasons(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    at = _open(open_app, "rev-a", ui.water_a)
    assert "使用者氏名（氏名）" in _heading(at) and "要確認 1 / 2" in _heading(at)
    assert "読み取りの確信度が低い" in at.warning[0].value
    reading = next(m.value for m in at.markdown if m.value.startswith("読み取り"))
    assert ":orange-background[**田**]" in reading  # the shaky character is marked
    assert _value_box(at).value == "山田\u3000太郎"
    assert len(h.images(at)) == 1  # the field's crop, inline (no /media URL)
    assert "Alt+U" in h.text(at) and "Enter" in h.text(at)
    assert h.elements(at.main, "html"), "the script that puts the keyboard in the value box"


def test_correct_confirm_and_approve(open_app: OpenApp, ui: UiWorld) -> None:
    town = ui.town("town-a")
    at = _open(open_app, "rev-a", ui.water_a)
    _value_box(at).input("山田 花子")
    at = _confirm(at)
    assert "修正しました" in at.success[0].value
    doc = town.get_document(ui.water_a)
    name = doc.fields["user_name"]
    assert (name.value, name.status, name.updated_by) == (
        "山田\u3000花子",
        FieldState.CORRECTED,
        "user:rev-a",
    )
    assert "電話番号" in _heading(at)  # the next flagged field
    at = _confirm(at)  # unchanged: confirmed as read
    assert town.get_document(ui.water_a).fields["phone"].status is FieldState.CONFIRMED
    assert "内容を確かめて承認してください" in at.success[-1].value
    at.button(key="rv_approve").click().run()
    doc = town.get_document(ui.water_a)
    assert doc.status is DocumentStatus.APPROVED
    trail = [(e.action, e.field_id, e.actor) for e in town.audit_trail(ui.water_a)]
    assert trail[-3:] == [
        (Action.CORRECTED, "user_name", "user:rev-a"),
        (Action.CONFIRMED, "phone", "user:rev-a"),
        (Action.APPROVED, None, "user:rev-a"),
    ]


def test_a_value_that_fails_its_checks_is_refused_in_japanese(
    open_app: OpenApp, ui: UiWorld
) -> None:
    at = _open(open_app, "rev-a", ui.water_a)
    at.button(key="rv_next").click().run()
    assert "電話番号" in _heading(at)
    _value_box(at).input("12345")
    at = _confirm(at)
    assert "確定できません" in at.error[0].value
    assert "電話番号の形式が正しくない" in at.error[0].value
    assert ui.town("town-a").get_document(ui.water_a).fields["phone"].needs_review


def test_unreadable_and_return_with_a_reason(open_app: OpenApp, ui: UiWorld) -> None:
    town = ui.town("town-a")
    at = _open(open_app, "rev-a", ui.water_a)
    (give_up,) = [b for b in at.button if b.label == "判読不能"]
    at = give_up.click().run()
    assert town.get_document(ui.water_a).fields["user_name"].status is FieldState.UNREADABLE
    at.text_input(key=f"rv_return_reason_{ui.water_a}").input("氏名が読めないため本人に確認")
    (send_back,) = [b for b in at.button if b.label == "返戻する"]
    at = send_back.click().run()
    doc = town.get_document(ui.water_a)
    assert doc.status is DocumentStatus.RETURNED
    assert doc.return_reason == "氏名が読めないため本人に確認"
    assert "返戻理由" in at.warning[0].value


def test_a_second_writer_sees_what_changed_and_overwrites_nothing(
    open_app: OpenApp, ui: UiWorld
) -> None:
    first = _open(open_app, "rev-a", ui.water_a)
    second = _open(open_app, "rev-a2", ui.water_a)
    _value_box(second).input("山田 次郎")
    _confirm(second)
    _value_box(first).input("山田 花子")  # typed on the page as it was before
    first = _confirm(first)
    warning = first.warning[0].value
    assert "ほかの人がこの書類を変更しました" in warning
    assert f"{md('rev-a2')}: {md('「使用者氏名」')}修正" in warning and "user:" not in warning
    assert ui.town("town-a").get_document(ui.water_a).fields["user_name"].value == "山田\u3000次郎"
    table = first.dataframe[0].value.to_dict("records")  # the page shows the current value
    assert next(r["値"] for r in table if r["項目"] == "使用者氏名") == "山田\u3000次郎"


@pytest.mark.parametrize("doc", ["other town", "no such", "not a number"])
def test_another_towns_document_is_not_found_by_url(
    open_app: OpenApp, ui: UiWorld, h: Helpers, doc: str
) -> None:
    wanted = {"other town": str(ui.water_b), "no such": "99999", "not a number": "1;drop"}[doc]
    at = open_app("rev-a")
    goto(at, "review")
    at.query_params["doc"] = wanted
    at.run()
    text = h.text(at)
    assert "東京都" not in text and "山田" not in text
    assert not [t for t in at.text_input if t.label == VALUE]
    if doc == "not a number":
        assert "キューから書類を選ぶ" in at.info[0].value
    else:
        assert at.error[0].value == f"書類 {wanted} は見つかりません。番号を確かめてください。"
    assert ui.town("town-b").get_document(ui.water_b).version == 1


def test_a_my_number_is_hidden_until_revealed_and_the_reveal_is_logged(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    town = ui.town("town-a")
    at = _open(open_app, "rev-a", ui.furusato_a)
    assert "個人番号（個人番号）" in _heading(at)
    assert "463009968008" not in h.text(at)
    assert not [t for t in at.text_input if t.label == VALUE] and not h.images(at)
    table = at.dataframe[0].value.to_dict("records")
    assert next(r["値"] for r in table if r["項目"] == "個人番号") == BLIND_VALUE  # keyed blind
    at.button(key=f"rv_reveal_{ui.furusato_a}_my_number").click().run()
    events = [e for e in town.audit_trail(ui.furusato_a) if e.action is Action.REVEALED]
    assert [(e.field_id, e.actor) for e in events] == [("my_number", "user:rev-a")]
    assert _value_box(at).value == ""  # blind: the reading is not offered
    assert "二重入力（1 人目）" in at.warning[0].value
    assert "463009968008" not in h.text(at)  # the reading stays hidden from a blind typist


def _enter(open_app: OpenApp, login: str, doc_id: int, typed: str) -> AppTest:
    at = _open(open_app, login, doc_id)
    at.button(key=f"rv_reveal_{doc_id}_my_number").click().run()
    _value_box(at).input(typed)
    return _confirm(at)


def test_double_entry_by_two_reviewers_who_agree(open_app: OpenApp, ui: UiWorld) -> None:
    town = ui.town("town-a")
    at = _enter(open_app, "rev-a", ui.furusato_a, "4630 0996 8008")
    assert "別の担当者の入力と照合されます" in at.success[0].value
    assert "寄附金額" in _heading(at)  # my_number is no longer this reviewer's to do
    assert any("個人番号（個人番号）: ほかの担当者の入力待ち" in c.value for c in at.caption)
    at = _enter(open_app, "rev-a2", ui.furusato_a, "463009968008")
    assert "二人の入力が一致し" in at.success[0].value
    field = town.get_document(ui.furusato_a).fields["my_number"]
    assert (field.status, field.updated_by) == (FieldState.CONFIRMED, "user:rev-a2")


def test_a_mismatch_goes_to_a_third_reviewer(open_app: OpenApp, ui: UiWorld, h: Helpers) -> None:
    town = ui.town("town-a")
    _enter(open_app, "rev-a", ui.furusato_a, "463009968008")
    at = _enter(open_app, "rev-a2", ui.furusato_a, "123456789018")
    assert "三人目の担当者が確定します" in at.success[0].value
    at = _open(open_app, "rev-a", ui.furusato_a)  # a typist cannot decide
    assert "寄附金額" in _heading(at)
    at = _open(open_app, "rev-a3", ui.furusato_a)
    at.button(key=f"rv_reveal_{ui.furusato_a}_my_number").click().run()
    text = h.text(at)
    assert f"1 人目（{md('rev-a')}）: **463009968008**" in text
    assert f"2 人目（{md('rev-a2')}）: **123456789018**" in text
    _value_box(at).input("463009968008")
    at = _confirm(at)
    field = town.get_document(ui.furusato_a).fields["my_number"]
    assert (field.value, field.updated_by) == ("463009968008", "user:rev-a3")


def test_the_whole_page_with_field_boxes_on_demand(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    at = _open(open_app, "rev-a", ui.water_a)
    assert len(h.images(at)) == 1
    at.button(key="rv_page").click().run()
    assert len(h.images(at)) == 2
    at.button(key="rv_page").click().run()
    assert len(h.images(at)) == 1


def test_next_document_moves_through_the_queue(open_app: OpenApp, ui: UiWorld) -> None:
    at = _open(open_app, "rev-a", ui.water_a)
    at.button(key="rv_next_doc").click().run()
    assert at.query_params["doc"] == str(ui.furusato_a)
    assert f"書類 {ui.furusato_a}" in at.subheader[0].value
