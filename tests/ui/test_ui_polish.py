"""The rough edges a new user hits: uploads the watcher would never read, "None" on screen,
table cells without their row, 履歴 in JSON and login ids, confidences as "1" beside "0.72"."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from streamlit.testing.v1 import AppTest

from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldValue
from ocr_pipeline.watch.layout import scan_tenant
from review_ui import auditcsv, inbox, labels
from review_ui.field_panel import spec_of
from review_ui.plain import md
from tests.ui.app_pages import goto

if TYPE_CHECKING:
    from tests.ui.conftest import Helpers, OpenApp, UiWorld

VALUE = "値（Enter で確定）"
NOT_READ = [
    ".hidden.png",
    "..\\..\\win.png",
    "sub/dir.png",
    "bell\x07.pdf",
    "rtl\u202egnp.pdf",
    "~$scan.pdf",
    "scan.pdf.tmp",
    "scan.pdf~",
    "Thumbs.db",
    "notes.txt",
    "noext",
    " ",
]


def _open(open_app: OpenApp, login: str, page: str, **params: str) -> AppTest:
    at = open_app(login)
    goto(at, page)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


@pytest.mark.parametrize("name", NOT_READ)
def test_names_the_watcher_would_not_read_are_refused(name: str) -> None:
    assert inbox.refusal(name) is not None


@pytest.mark.parametrize("name", ["scan.pdf", "申請書 1.PNG", "a.b.tiff", "x.jpeg", "y.JPG"])
def test_names_the_watcher_reads_are_accepted(name: str, tmp_path: Path) -> None:
    assert inbox.refusal(name) is None
    saved = inbox.save_upload(tmp_path, "town-a", name, b"data")
    taken = [e.name for e in scan_tenant(tmp_path / "town-a", "town-a", ())]
    assert taken == [saved.name] == [name]  # the watcher takes what the upload accepted


def test_upload_refuses_unread_names_in_japanese_and_keeps_the_others(
    open_app: OpenApp, ui: UiWorld, h: Helpers
) -> None:
    at = _open(open_app, "clerk-a", "upload")
    files = [(n, b"%PDF-1.4", "application/pdf") for n in NOT_READ[:5]]
    at.file_uploader(key="up_files").set_value([*files, ("good.pdf", b"%PDF-1.4", "x")])
    at.button(key="up_submit").click().run()
    assert [s.value for s in at.success] == [f"{md('good.pdf')} を受け付けました（8 B）。"]
    errors = [e.value for e in at.error]
    assert len(errors) == 5 and all("受け付けられません" in e for e in errors)
    assert any("フォルダの区切り" in e for e in errors)
    assert any("制御文字" in e and md("bell?.pdf") in e for e in errors)
    assert any(e.startswith(md(".hidden.png") + ": ") and "読み取られません" in e for e in errors)
    folder = Path(ui.root) / "data" / "runtime" / "inbox" / "town-a"
    assert [p.name for p in folder.iterdir()] == ["good.pdf"]
    assert [u.name for u in ui.town("town-a").uploads(actor="user:clerk-a")] == ["good.pdf"]
    rows = at.dataframe[0].value.to_dict("records")
    assert rows[0]["ページ数"] == "" and rows[0]["提出者"] == "clerk-a"
    assert "None" not in str(rows) and "None" not in h.text(at)


def test_the_page_count_is_shown_once_known(open_app: OpenApp, ui: UiWorld) -> None:
    town = ui.town("town-a")
    town.record_upload("d" * 64, "late.pdf", 3, actor="user:clerk-a")
    at = _open(open_app, "clerk-a", "upload")
    table = at.dataframe[0].value.to_dict("records") + at.dataframe[1].value.to_dict("records")
    assert all(str(r["ページ数"]) != "None" for r in table)
    assert {str(r["ページ数"]) for r in at.dataframe[1].value.to_dict("records")} <= {"", "1"}


def test_table_cells_are_titled_with_table_row_and_column(registry: FormRegistry) -> None:
    form = registry.get("resident_move").spec
    assert labels.field_label(form, "members.1.kana") == "異動する人 2行目 フリガナ"
    assert labels.field_title(form, "members.1.kana", "kana") == "異動する人 2行目 フリガナ"
    assert labels.field_title(form, "members.0.birth_date", "wareki_date") == (
        "異動する人 1行目 生年月日（日付（和暦））"
    )
    assert labels.field_label(form, "head_name") != "head_name"
    assert labels.field_label(None, "x.1.y") == "x.1.y"


def test_a_table_cell_under_review_and_in_a_conflict_says_its_row(
    open_app: OpenApp, ui: UiWorld
) -> None:
    values: dict[str, FieldValue] = {
        "members.1.kana": "ヤマダ\u3000ハナコ",
        "members.1.name": "山田\u3000花子",
    }
    doc_id = ui.add_document(
        "town-a", "resident_move", values, {"members.1.kana": "low_confidence"}
    )
    first = _open(open_app, "rev-a", "review", doc=str(doc_id))
    second = _open(open_app, "rev-a2", "review", doc=str(doc_id))
    heading = next(m.value for m in first.markdown if m.value.startswith("####"))
    assert "異動する人 2行目 フリガナ" in heading and "フリガナ（フリガナ）" not in heading
    for at, typed in ((second, "ヤマダ ハルコ"), (first, "ヤマダ ハナエ")):
        (box,) = [t for t in at.text_input if t.label == VALUE]
        box.input(typed)
        (ok,) = [b for b in at.button if b.label == "確定"]
        ok.click().run()
    warning = first.warning[0].value
    assert f"{md('rev-a2')}: {md('「異動する人 2行目 フリガナ」')}修正" in warning
    listed = first.dataframe[0].value.to_dict("records")
    assert "異動する人 2行目 フリガナ" in [r["項目"] for r in listed]


def test_the_trail_is_in_japanese_with_names_and_no_personal_number(
    open_app: OpenApp, ui: UiWorld
) -> None:
    ui.store.users.add(
        "yamada", password="pass-word-123", role="reviewer", tenants=["town-a"], actor="test",
        display_name="山田 確認",
    )  # fmt: skip
    town = ui.town("town-a")
    doc = town.correct_field(
        ui.water_a, "user_name", "山田 花子", actor="user:yamada", expected_version=1,
        reason="本人に確認（番号 4630 0996 8008 を照合）",
    )  # fmt: skip
    town.return_document(ui.water_a, actor="user:yamada", expected_version=doc.version, reason="印")
    at = _open(open_app, "rev-a", "audit", doc=str(ui.water_a))
    rows = at.dataframe[0].value.to_dict("records")
    created = rows[0]
    assert created["操作"] == "書類の作成" and created["担当"] == "OCR 読み取り"
    assert created["変更後"] == "帳票: 水道使用開始・中止届、第 1 版、状態: 要確認、ページ: 1"
    fixed = next(r for r in rows if r["操作"] == "修正")
    assert fixed["担当"] == "山田 確認"
    assert "463009968008" not in fixed["理由・補足"].replace(" ", "")
    assert "●●●● ●●●● ●●●●" in fixed["理由・補足"]
    returned = next(r for r in rows if r["操作"] == "返戻")
    assert returned["変更後"] == "状態: 返戻、理由: 印"
    for row in rows:
        for cell in row.values():
            assert "{" not in cell and "user:" not in cell and "system:" not in cell, row


def test_double_entries_in_the_trail_hide_the_personal_number(ui: UiWorld) -> None:
    town = ui.town("town-a")
    town.enter_value(ui.furusato_a, "my_number", "463009968008", actor="user:a", expected_version=1)
    town.enter_value(ui.furusato_a, "my_number", "123456789018", actor="user:b", expected_version=2)
    form = ui.registry.get("furusato_onestop")
    table = auditcsv.rows(
        town.audit_trail(ui.furusato_a), lambda f: spec_of(form, f), names={"a": "甲"}
    )
    text = str(table)
    assert "463009968008" not in text and "123456789018" not in text
    assert {"甲", "b", "OCR 読み取り"} <= {r["担当"] for r in table}


def test_confidences_always_have_two_decimals(
    open_app: OpenApp, ui: UiWorld, make_page: Any
) -> None:
    town = ui.town("town-a")
    town.confirm_field(ui.water_a, "user_name", actor="user:rev-a", expected_version=1)
    page = make_page(ui.registry, "water_service", {"phone": "0312345678"}, {"phone": "x"})
    page.fields["phone"].confidence = 1.0  # sent to review by a rule, read with certainty
    src, _ = town.register_source("e" * 64, "sure.pdf", 10)
    town.save_result(
        src.id, [page], {1: ui.registry.get("water_service").template_path.read_bytes()}
    )
    at = _open(open_app, "rev-a", "queue")
    shown = [str(r["最低確信度"]) for r in at.dataframe[0].value.to_dict("records")]
    assert "1.00" in shown and "0.41" in shown
    assert all(re.fullmatch(r"\d\.\d\d", s) for s in shown), shown
    at = _open(open_app, "rev-a", "review", doc=str(ui.water_a))
    listed = [r["確信度"] for r in at.dataframe[0].value.to_dict("records")]
    assert all(re.fullmatch(r"\d\.\d\d", c) for c in listed), listed
    assert "0.99" in listed and "0.41" in listed
    reading = next(m.value for m in at.markdown if m.value.startswith("読み取り"))
    assert "（確信度 0.41）" in reading


def test_enter_in_the_fragment_saves_and_moves_to_the_next_field(
    open_app: OpenApp, ui: UiWorld
) -> None:
    """The field panel is a fragment (Enter reruns it alone): the value is still saved, the
    next field comes with its own box, and the rest of the page follows the document."""
    at = _open(open_app, "rev-a", "review", doc=str(ui.water_a))
    (box,) = [t for t in at.text_input if t.label == VALUE]
    box.input("山田 花子")
    (ok,) = [b for b in at.button if b.label == "確定"]
    ok.click().run()
    doc = ui.town("town-a").get_document(ui.water_a)
    assert doc.fields["user_name"].value == "山田\u3000花子" and doc.version == 2
    heading = next(m.value for m in at.markdown if m.value.startswith("####"))
    assert "電話番号" in heading and "要確認 1 / 1" in heading
    assert "修正しました。" in at.success[0].value
    assert "版: 2" in at.caption[0].value  # the part above the panel is not stale
    (ok,) = [b for b in at.button if b.label == "確定"]
    ok.click().run()
    assert "内容を確かめて承認してください" in at.success[-1].value
    assert [b for b in at.button if b.label == "承認"]


@pytest.mark.parametrize(
    ("page", "with_doc"),
    [
        ("queue", False),
        ("review", True),
        ("audit", True),
        ("upload", False),
        ("dashboard", False),
        ("export", False),
        ("forms", False),
        ("users", False),
    ],
)
def test_no_page_says_none(
    open_app: OpenApp, ui: UiWorld, h: Helpers, page: str, with_doc: bool
) -> None:
    """Nothing unknown is shown as Python's "None" (in text or in a table's cells)."""
    ui.town("town-a").record_upload("f" * 64, "waiting.pdf", 5, actor="user:admin-a")
    params = {"doc": str(ui.water_a)} if with_doc else {}
    at = _open(open_app, "admin-a", page, **params)
    assert not at.exception, at.exception
    assert "None" not in h.text(at)
    for frame in at.dataframe:
        cells = frame.value.astype(str).to_numpy().ravel().tolist()
        assert "None" not in cells, (page, frame.value)
