"""集計, CSV 出力 (in the background, through the export ledger), 帳票定義 and 利用者."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from streamlit.testing.v1 import AppTest

from ocr_pipeline.store import Action, DocumentStatus, Role
from tests.ui.app_pages import goto

if TYPE_CHECKING:
    from tests.ui.conftest import Helpers, OpenApp, UiWorld


def _page(open_app: OpenApp, login: str, name: str) -> AppTest:
    at = open_app(login)
    return goto(at, name).run()


def _approve(ui: UiWorld, tenant: str, doc_id: int) -> None:
    town = ui.town(tenant)
    doc = town.get_document(doc_id)
    for field in [f for f in doc.fields.values() if f.needs_review]:
        doc = town.confirm_field(
            doc_id, field.field_id, actor="user:x", expected_version=doc.version
        )
    town.approve(doc_id, actor="user:x", expected_version=doc.version)


def _figures(at: AppTest, timeout: float = 30.0) -> AppTest:
    """Run the dashboard until its figures (computed in the background) are there."""
    deadline = time.monotonic() + timeout
    while not at.metric:
        assert "集計しています" in at.info[0].value
        assert time.monotonic() < deadline, "the figures did not come"
        time.sleep(0.1)
        at.run()
    return at


def test_the_dashboard_counts_this_town(open_app: OpenApp, ui: UiWorld, h: Helpers) -> None:
    _approve(ui, "town-a", ui.water_a)
    straight = ui.add_document("town-a", "water_service", {}, {})
    at = _figures(_page(open_app, "clerk-a", "dashboard"))
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["要確認"], metrics["承認待ち"], metrics["承認済"]) == ("1", "1", "1")
    assert metrics["ストレート処理率"] == "33%"  # 1 of 3 documents: nobody touched it
    assert "A町" in at.title[0].value
    table = at.dataframe[0].value.to_dict("records")
    phone = next(r for r in table if r["項目の種類"] == "電話番号" and r["帳票"].startswith("水道"))
    assert phone["確認済"] == 1 and phone["自動確定"] == 1
    assert ui.town("town-a").get_document(straight).status is DocumentStatus.READY
    charts = h.elements(at.main, "vega_lite_chart")
    assert len(charts) >= 2  # documents by status, throughput (no corrections yet)
    at = _figures(_page(open_app, "rev-b", "dashboard"))
    assert {m.label: m.value for m in at.metric}["要確認"] == "1"


def _wait_for_export(at: AppTest, timeout: float = 30.0) -> AppTest:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        if at.success or at.error:
            return at
        time.sleep(0.2)
    raise AssertionError("the export did not finish")


def test_an_export_runs_in_the_background_and_is_logged(open_app: OpenApp, ui: UiWorld) -> None:
    _approve(ui, "town-a", ui.water_a)
    _approve(ui, "town-b", ui.water_b)
    at = _page(open_app, "admin-a", "export")
    at.selectbox(key="ex_profile").select_index(
        [o for o in at.selectbox(key="ex_profile").options].index(
            next(o for o in at.selectbox(key="ex_profile").options if "water_service_utf8" in o)
        )
    ).run()
    assert {m.label: m.value for m in at.metric}["出力待ち（承認済・未出力）"] == "1 件"
    at.button(key="ex_run").click().run()
    at = _wait_for_export(at)
    assert "1 件を" in at.success[0].value
    town = ui.town("town-a")
    (entry,) = town.export_log()
    assert entry.actor == "user:admin-a" and entry.document_count == 1
    assert town.get_document(ui.water_a).status is DocumentStatus.EXPORTED
    assert ui.town("town-b").get_document(ui.water_b).status is DocumentStatus.APPROVED
    path = Path(ui.root) / "data" / "exports" / entry.file_name
    text = path.read_bytes().decode("utf-8")
    assert "山田" in text and "town-a" in entry.file_name
    assert at.get("download_button")
    log = at.dataframe[0].value.to_dict("records")
    assert [r["番号"] for r in log] == [entry.id]
    actions = [e.action for e in town.audit_trail(ui.water_a)]
    assert actions[-1] is Action.EXPORTED


def test_the_export_log_is_the_towns_own(open_app: OpenApp, ui: UiWorld) -> None:
    _approve(ui, "town-b", ui.water_b)
    at = _page(open_app, "boss", "export")  # administrator of both, working for town A
    assert "まだ出力の記録はありません" in at.info[-1].value
    at.selectbox(key="auth_tenant").select("town-b").run()
    at.selectbox(key="ex_profile").select_index(
        next(
            i
            for i, o in enumerate(at.selectbox(key="ex_profile").options)
            if "water_service_utf8" in o
        )
    ).run()
    at.button(key="ex_run").click().run()
    _wait_for_export(at)
    assert len(ui.town("town-b").export_log()) == 1 and ui.town("town-a").export_log() == []


def test_forms_are_listed_with_their_zones(open_app: OpenApp, h: Helpers) -> None:
    at = _page(open_app, "admin-a", "forms")
    ids = [r["ID"] for r in at.dataframe[0].value.to_dict("records")]
    assert ids == sorted(ids) and set(ids) >= {"water_service", "furusato_onestop"}
    assert h.elements(at.main, "image")
    at.selectbox(key="fm_form").select_index(ids.index("furusato_onestop")).run()
    fields = at.dataframe[1].value.to_dict("records")
    my_number = next(r for r in fields if r["ID"] == "my_number")
    assert (my_number["二重入力"], my_number["目視確認"]) == ("はい", "必ず")
    assert (
        my_number["秘匿"] == "はい" and next(r for r in fields if r["ID"] == "name")["秘匿"] == ""
    )


def test_an_administrator_adds_and_stops_a_user_of_the_town(open_app: OpenApp, ui: UiWorld) -> None:
    at = _page(open_app, "admin-a", "users")
    logins = [r["ログインID"] for r in at.dataframe[0].value.to_dict("records")]
    assert "rev-b" not in logins and "rev-a" in logins
    at.text_input(key="us_login").input("tanaka")
    at.text_input(key="us_name").input("田中 一郎")
    at.selectbox(key="us_role").select(Role.REVIEWER)
    at.text_input(key="us_password").input("初期パスワード1234")
    at.button(key="us_add_submit").click().run()
    assert "tanaka を追加しました" in at.success[0].value
    user = ui.store.users.get("tanaka")
    assert (user.role, user.tenants, user.display_name) == (Role.REVIEWER, ("town-a",), "田中 一郎")
    at.selectbox(key="us_who").select_index(
        next(i for i, o in enumerate(at.selectbox(key="us_who").options) if "tanaka" in o)
    )
    at.button(key="us_toggle").click().run()
    assert ui.store.users.get("tanaka").disabled
    # An administrator of two towns is not theirs to manage.
    assert not any("boss" in o for o in at.selectbox(key="us_who").options)
