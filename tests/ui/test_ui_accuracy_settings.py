"""The sampling audit and learning in the review UI: a drawn field looks to the reviewer like
any unsure one; 集計 shows the weekly corrections, the measured error rate of accepted fields
with its interval and the training examples; 設定 sets the rate, the training opt-in, the
municipality's reader model and its retention period (administrators only, each change
logged)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from streamlit.testing.v1 import AppTest

from ocr_pipeline.store import FieldState
from review_ui.plain import md
from tests.sample_records import WATER_VALUES
from tests.ui.app_pages import goto

if TYPE_CHECKING:
    from tests.ui.conftest import Helpers, OpenApp, UiWorld


def _sampled_document(ui: UiWorld) -> int:
    """A 水道 document of town A saved with every accepted field drawn (rate 1), and
    ``user_name`` unsure as the pipeline left it."""
    ui.town("town-a").set_audit_rate(1.0, actor="user:admin-a")
    return ui.add_document("town-a", "water_service", WATER_VALUES, {"user_name": "low_confidence"})


def _model(root: Path, tenant: str, model_id: str, before: float, after: float) -> None:
    """A municipality model's folder as ``formocr train reader`` writes it (manifest only)."""
    folder = root / "data" / "models" / tenant / model_id
    folder.mkdir(parents=True)
    manifest = {
        "id": model_id,
        "tenant": tenant,
        "created": "2026-12-03T09:00:00+00:00",
        "files": {},
        "accuracy_before": {"all": before, "digits": before},
        "accuracy_after": {"all": after, "digits": after},
        "examples": {"digits": 240, "kana": 60},
        "held_out": {"digits": 60, "kana": 15},
    }
    (folder / "model.json").write_text(json.dumps(manifest), encoding="utf-8")


def _figures(at: AppTest, timeout: float = 30.0) -> AppTest:
    deadline = time.monotonic() + timeout
    while not at.metric:
        assert time.monotonic() < deadline, "the figures did not come"
        time.sleep(0.1)
        at.run()
    return at


def test_a_drawn_field_looks_like_an_unsure_one(open_app: OpenApp, ui: UiWorld, h: Helpers) -> None:
    doc_id = _sampled_document(ui)
    view = ui.town("town-a").get_document(doc_id)
    assert all(f.status is FieldState.REVIEW for f in view.fields.values())
    at = open_app("rev-a")
    goto(at, "review")
    at.query_params["doc"] = str(doc_id)
    at.run()
    assert not at.exception
    heading = next(m.value for m in at.markdown if m.value.startswith("####"))
    assert "届出日" in heading and f"要確認 1 / {len(view.fields)}" in heading
    assert at.warning[0].value == "- 読み取りの確信度が低い"  # as for any unsure field
    reading = next(m.value for m in at.markdown if m.value.startswith("読み取り"))
    assert ":orange-background[" in reading  # its weakest character marked, as usual
    shown = h.text(at)
    assert "抜き取り" not in shown and "自動確定" not in shown


def test_the_dashboard_shows_the_measured_error_rate(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    doc_id = _sampled_document(ui)
    town = ui.town("town-a")
    doc = town.confirm_field(doc_id, "meter_number", actor="user:rev-a", expected_version=1)
    town.correct_field(
        doc_id, "phone", "03-9999-0000", actor="user:rev-a", expected_version=doc.version
    )
    at = open_app("rev-a")
    at = _figures(goto(at, "dashboard").run())
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["自動確定の誤り率（抜き取り検査）"] == "50.00 %"
    assert metrics["確認済みの抜き取り"] == "2 件"
    assert metrics["95 % 信頼区間"] == "9.45 % – 90.55 %"
    assert "抜き取りの割合: 100 %" in h.text(at)
    (weeks,) = [d for d in at.dataframe if "抜き取り" in d.value.columns]
    (week,) = weeks.value.to_dict("records")
    assert (week["抜き取り"], week["確認済み"], week["誤り"], week["修正"]) == (11, 2, 1, 1)
    assert len(h.elements(at.main, "vega_lite_chart")) >= 4  # two of them weekly
    assert metrics["学習に使える例"] == "2 件"  # the two fields a person decided
    assert metrics["学習への利用"].startswith("使わない")
    other = _figures(goto(open_app("rev-b"), "dashboard").run())
    assert {m.label: m.value for m in other.metric}["確認済みの抜き取り"] == "0 件"


def test_an_administrator_sets_the_rate_and_it_is_logged(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    at = goto(open_app("admin-a"), "settings").run()
    assert not at.exception
    at.number_input(key="st_audit_rate").set_value(2.0)
    at.button(key="st_audit_save").click().run()
    assert not at.exception
    assert "2 % にしました" in at.success[0].value
    town = ui.town("town-a")
    assert town.audit_rate() == 0.02 and ui.town("town-b").audit_rate() == 0.0
    (event,) = town.settings_events()
    assert event.actor == "user:admin-a"
    changes = at.dataframe[0].value.to_dict("records")
    assert changes[0]["変更前"] == "抜き取り 0 %" and changes[0]["変更後"] == "抜き取り 2 %"
    again = goto(open_app("admin-a"), "settings").run()  # a new session shows what is stored
    assert again.number_input(key="st_audit_rate").value == 2.0


def test_an_administrator_sets_the_retention_period_and_it_is_logged(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    at = goto(open_app("admin-a"), "settings").run()
    assert not at.exception
    assert at.number_input(key="st_retention_days").value == 0  # the default: forever
    at.number_input(key="st_retention_days").set_value(1825)
    at.button(key="st_retention_save").click().run()
    assert not at.exception
    assert "保存期間を 1,825 日にしました" in at.success[0].value
    assert ui.town("town-a").retention_days() == 1825
    assert ui.town("town-b").retention_days() == 0
    (event,) = ui.town("town-a").settings_events()
    assert event.actor == "user:admin-a"
    changes = at.dataframe[0].value.to_dict("records")
    assert changes[0]["変更前"] == "保存期間無期限" and changes[0]["変更後"] == "保存期間 1,825 日"
    again = goto(open_app("admin-a"), "settings").run()
    assert again.number_input(key="st_retention_days").value == 1825


def test_opt_in_and_the_switch_of_models(open_app: OpenApp, ui: UiWorld, h: Helpers) -> None:
    _model(ui.root, "town-a", "a-20261203", 0.80, 0.88)
    _model(ui.root, "town-b", "b-20261203", 0.70, 0.75)
    town = ui.town("town-a")
    at = goto(open_app("admin-a"), "settings").run()
    assert not at.exception
    at.toggle(key="st_opt_in").set_value(True).run()
    assert town.training_opt_in() and not ui.town("town-b").training_opt_in()
    (row,) = at.dataframe[0].value.to_dict("records")
    assert (row["モデル"], row["正解率（前）"], row["正解率（後）"]) == (
        "a-20261203",
        "80.0 %",
        "88.0 %",
    )
    assert row["学習した例"] == 300 and row["使用中"] == ""
    assert at.selectbox(key="st_model").options == ["（標準のモデル）", "a-20261203"]
    at.selectbox(key="st_model").set_value("a-20261203")
    at.button(key="st_model_switch").click().run()
    assert not at.exception and f"{md('a-20261203')} にしました" in at.success[0].value
    assert town.reader_model() == "a-20261203" and ui.town("town-b").reader_model() is None
    assert at.dataframe[0].value.to_dict("records")[0]["使用中"] == "●"
    at.selectbox(key="st_model").set_value("（標準のモデル）")
    at.button(key="st_model_switch").click().run()
    assert town.reader_model() is None
    events = town.settings_events()
    assert [e.action.value for e in events] == ["training_opt_in", "reader_model", "reader_model"]
    assert {e.actor for e in events} == {"user:admin-a"}
    log = at.dataframe[1].value.to_dict("records")
    assert [r["変更後"] for r in log] == ["標準のモデル", "モデル a-20261203", "学習に使う"]


@pytest.mark.parametrize("login", ["rev-a", "clerk-a"])
def test_only_administrators_reach_the_settings(open_app: OpenApp, ui: UiWorld, login: str) -> None:
    at = open_app(login)
    assert "設定" not in [p.get("page_name") for p in at._registered_pages.values()]
    with pytest.raises(ValueError, match="Could not find a navigation page 'settings'"):
        goto(at, "settings")
    town = ui.town("town-a")
    assert town.audit_rate() == 0.0 and town.settings_events() == []
    assert not town.training_opt_in() and town.reader_model() is None
