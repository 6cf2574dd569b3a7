"""履歴 (every change of a document with who, when, old and new; masked 個人番号; CSV) and
スキャンの提出 (files into the watched inbox, each followed to what became of it)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from ocr_pipeline.results import PageResult, PageStatus
from ocr_pipeline.store import Action, SourceState
from review_ui import auditcsv
from review_ui.field_panel import spec_of
from review_ui.plain import md
from tests.ui.app_pages import goto

if TYPE_CHECKING:
    from tests.ui.conftest import Helpers, OpenApp, UiWorld


def _audit(open_app: OpenApp, login: str, doc_id: int | str) -> Any:
    at = open_app(login)
    goto(at, "audit")
    at.query_params["doc"] = str(doc_id)
    return at.run()


def test_the_trail_lists_every_change_with_who_and_why(open_app: OpenApp, ui: UiWorld) -> None:
    town = ui.town("town-a")
    doc = town.correct_field(
        ui.water_a, "user_name", "山田 花子", actor="user:rev-a", expected_version=1, reason="原本"
    )
    town.mark_unreadable(ui.water_a, "phone", actor="user:rev-a2", expected_version=doc.version)
    at = _audit(open_app, "rev-a", ui.water_a)
    rows = at.dataframe[0].value.to_dict("records")
    events = town.audit_trail(ui.water_a)
    assert len(rows) == len(events)  # every event, none left out
    assert rows[0]["操作"] == "書類の作成"
    fixed = next(r for r in rows if r["操作"] == "修正")
    assert (fixed["項目"], fixed["担当"], fixed["理由・補足"]) == (
        "使用者氏名",
        "rev-a",  # a user without a display name: the login id, never "user:rev-a"
        "原本",
    )
    assert (
        fixed["変更前"] == "山田\u3000太郎（要確認）"
        and fixed["変更後"] == "山田\u3000花子（修正済）"
    )
    assert any(r["操作"] == "判読不能" and r["担当"] == "rev-a2" for r in rows)
    assert at.get("download_button")


def test_my_numbers_are_masked_in_the_trail_and_its_csv(ui: UiWorld) -> None:
    town = ui.town("town-a")
    town.enter_value(ui.furusato_a, "my_number", "463009968008", actor="a", expected_version=1)
    town.enter_value(ui.furusato_a, "my_number", "123456789018", actor="b", expected_version=2)
    town.log_reveal(ui.furusato_a, "my_number", "a")
    form = ui.registry.get("furusato_onestop")
    table = auditcsv.rows(town.audit_trail(ui.furusato_a), lambda f: spec_of(form, f))
    data = auditcsv.to_csv(table)
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    text = data.decode("utf-8-sig")
    for number in ("463009968008", "123456789018"):
        assert number not in text
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [r["操作"] for r in parsed][-3:] == [
        "二重入力（ブラインド）",
        "二重入力の不一致",
        "個人番号の表示",
    ]
    ocr = next(r for r in parsed if r["操作"] == "OCR 読み取り" and r["項目"] == "個人番号")
    assert "●" in ocr["変更後"] or "省略" in ocr["変更後"]


def test_another_towns_trail_is_not_found(open_app: OpenApp, ui: UiWorld, h: Helpers) -> None:
    at = _audit(open_app, "rev-a", ui.water_b)
    assert at.error[0].value == f"書類 {ui.water_b} は見つかりません。番号を確かめてください。"
    assert not at.dataframe and not at.get("download_button")


def test_a_clerk_uploads_into_the_inbox_and_follows_the_file(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    at = open_app("clerk-a")
    at.file_uploader(key="up_files").set_value(
        [("scan one.pdf", b"%PDF-1.4 one", "application/pdf"), ("two.png", b"png", "image/png")]
    )
    at.button(key="up_submit").click().run()
    assert [s.value for s in at.success] == [
        f"{md('scan one.pdf')} を受け付けました（12 B）。",  # a file name is plain text
        f"{md('two.png')} を受け付けました（3 B）。",
    ]
    inbox = Path(ui.root) / "data" / "runtime" / "inbox" / "town-a"
    assert sorted(p.name for p in inbox.iterdir()) == ["scan one.pdf", "two.png"]
    assert (inbox / "scan one.pdf").read_bytes() == b"%PDF-1.4 one"
    town = ui.town("town-a")
    uploads = town.uploads(actor="user:clerk-a")
    assert [u.name for u in uploads] == ["two.png", "scan one.pdf"]
    rows = at.dataframe[0].value.to_dict("records")
    assert {r["状態"] for r in rows} == {"受付待ち（まだ読み取りに回っていません）"}
    # The watcher takes them: one is read, the other refused with a reason for the clerk.
    good, bad = uploads[1], uploads[0]
    src, _ = town.register_source(good.sha256, good.name, good.size, actor="system:watcher")
    town.enqueue(src.id)
    refused, _ = town.register_source(bad.sha256, bad.name, bad.size, actor="system:watcher")
    town.quarantine(refused.id, {"code": "unreadable", "reason": "画像として読めません。"})
    at.run()
    rows = {r["ファイル"]: r for r in at.dataframe[0].value.to_dict("records")}
    assert rows["scan one.pdf"]["状態"] == "処理待ち"
    assert rows["two.png"]["状態"] == "受付不可（隔離）"
    assert rows["two.png"]["理由"] == "画像として読めません。"
    assert f"{md('two.png')}: 受け付けられませんでした。画像として読めません。" in h.text(at)
    events = [e for e in town.uploads()]
    assert len(events) == 2
    actions = {e.action for s in (src, refused) for e in town.source_history(s.id)}
    assert {Action.RECEIVED, Action.QUARANTINED} <= actions
    assert town.get_source(refused.id).state is SourceState.QUARANTINED


def test_uploads_are_per_person_and_per_town(open_app: OpenApp, ui: UiWorld) -> None:
    ui.town("town-a").record_upload("a" * 64, "other.pdf", 1, actor="user:someone")
    ui.town("town-b").record_upload("b" * 64, "b.pdf", 1, actor="user:clerk-a")
    at = open_app("clerk-a")
    assert "まだ提出したファイルはありません" in at.info[0].value
    at = open_app("admin-a")
    goto(at, "upload").run()
    at.toggle(key="up_all").set_value(True).run()
    names = [r["ファイル"] for r in at.dataframe[0].value.to_dict("records")]
    assert names == ["other.pdf"]  # town B's upload is not town A's


def test_a_clerk_is_told_which_pages_of_a_read_file_to_scan_again(
    open_app: OpenApp, ui: UiWorld, h: Helpers, make_page: Any
) -> None:
    town = ui.town("town-a")
    town.record_upload("c" * 64, "batch.tif", 3, actor="user:clerk-a")
    src, _ = town.register_source("c" * 64, "batch.tif", 3, actor="system:watcher")
    good = make_page(ui.registry, "water_service", {}, {})
    damaged = PageResult(
        source="batch.tif",
        page=2,
        status=PageStatus.ERROR,
        reason="page 2 of 3: the TIFF data is damaged or truncated",
    )
    good.page = 1
    town.save_result(src.id, [good, damaged], {1: _png()})
    assert town.get_source(src.id).state is SourceState.DONE
    at = open_app("clerk-a")
    rows = {r["ファイル"]: r for r in at.dataframe[0].value.to_dict("records")}
    assert rows["batch.tif"]["理由"].startswith("2ページ目を読み取れませんでした。")
    assert f"{md('batch.tif')}: 2ページ目を読み取れませんでした。" in h.text(at)
    assert "スキャンし直して" in h.text(at)


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("L", (40, 40), 255).save(buf, "PNG")
    return buf.getvalue()
