"""確認キュー: own municipality only, filters, counts, paging, opening a document."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ocr_pipeline.store import DocumentStatus

if TYPE_CHECKING:
    from tests.ui.conftest import OpenApp, UiWorld


def _ids(at: Any) -> list[int]:
    return [r["書類番号"] for r in at.dataframe[0].value.to_dict("records")]


def test_the_queue_shows_this_town_only_with_counts(open_app: OpenApp, ui: UiWorld) -> None:
    at = open_app("rev-a")
    assert _ids(at) == [ui.water_a, ui.furusato_a]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["要確認"] == "2" and metrics["承認済"] == "0"
    at = open_app("rev-b")
    assert _ids(at) == [ui.water_b]
    assert {m.label: m.value for m in at.metric}["要確認"] == "1"


def test_filters_order_and_paging(open_app: OpenApp, ui: UiWorld) -> None:
    extra = [
        ui.add_document("town-a", "water_service", {}, {"phone": "low_confidence"})
        for _ in range(3)
    ]
    at = open_app("rev-a")
    at.selectbox(key="q_form").select("water_service").run()
    assert _ids(at) == [ui.water_a, *extra]
    at.radio(key="q_order").set_value("hardest").run()
    assert _ids(at)[0] == ui.water_a  # two open fields before one
    at.selectbox(key="q_status").select(DocumentStatus.APPROVED).run()
    assert "該当する書類はありません" in at.info[0].value
    at.selectbox(key="q_status").select(None).run()  # すべて
    today = ui.town("town-a").get_document(ui.water_a).created_at + timedelta(hours=9)
    at.date_input(key="q_days").set_value((today.date(), today.date())).run()
    assert len(_ids(at)) == 4
    at.date_input(key="q_days").set_value(
        (today.date() - timedelta(days=3), today.date() - timedelta(days=1))
    ).run()
    assert "該当する書類はありません" in at.info[0].value


def test_a_page_of_fifty_at_a_time(open_app: OpenApp, ui: UiWorld) -> None:
    town = ui.town("town-a")
    for n in range(55):
        ui.add_document("town-a", "water_service", {}, {"phone": "low_confidence"}, name=f"{n}.pdf")
    at = open_app("rev-a")
    assert len(_ids(at)) == 50
    assert "全 2 ページ、57 件" in at.number_input(key="q_page").label
    at.number_input(key="q_page").set_value(2).run()
    assert len(_ids(at)) == 7 and town.count_documents() == 57


def test_opening_a_document_goes_to_the_review(open_app: OpenApp, ui: UiWorld) -> None:
    at = open_app("rev-a")
    at.selectbox(key="q_open").select(ui.furusato_a)
    at.button(key="q_open_button").click().run()
    assert [t.value for t in at.title] == ["確認・修正"]
    assert at.query_params["doc"] == str(ui.furusato_a)
    assert f"書類 {ui.furusato_a}" in at.subheader[0].value
