"""The review UI in a real browser: Debian's chromium driven by Playwright against the app
started with ``streamlit run`` (as ``formocr ui`` starts it) on a free localhost port.

A reviewer logs in, opens the queue, and works through a document from the keyboard only:
corrects the name the machine misread, accepts the phone number, approves. An administrator
follows a link to the document's history (logging in on the way, the link keeps its place),
exports the approved record, and the CSV is checked. A screenshot of the review page is
saved as ``artifacts/review_page.png``; the keystrokes of the keyboard-only pass are written to
``artifacts/review_keystrokes.json``.

Needs ``/usr/bin/chromium`` (``scripts/setup.sh --dev`` installs it); skipped otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from PIL import Image

from form_schemas.registry import FormRegistry
from ocr_pipeline.store import DocumentStatus, Store
from ocr_pipeline.synth import Degrade, Style, SynthOptions, render_page
from tests.ui.browser_app import PASSWORD, Serve, log_in, new_page, seeded_store, wait_idle

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parents[2] / "artifacts"
VALUE_LABEL = "値（Enter で確定）"
ON_PAPER = {
    "filed_on": "2024-04-01",
    "notice_type": "start",
    "effective_on": "2024-04-10",
    "service_address": "東京都千代田区千代田１－１",
    "meter_number": "12345678",
    "user_kana": "ヤマダ\u3000ハナコ",
    "user_name": "山田\u3000花子",
    "phone": "03-1234-5678",
    "payment_method": "invoice",
}
MISREAD = {"user_name": "山田\u3000太郎"}  # what the machine read, unsure of 太郎
CORRECTED = "山田 花子"


def _page_png(registry: FormRegistry) -> bytes:
    """The 水道 form filled in by hand, in template pixels (as registered pages are stored)."""
    options = SynthOptions(style=Style.HAND, degrade=Degrade.NONE, seed=7)
    page = render_page(registry.get("water_service"), ON_PAPER, np.random.default_rng(7), options)
    rgb = page[:, :, ::-1] if page.ndim == 3 else page
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, "PNG")
    return buf.getvalue()


def _seed(data: Path, registry: FormRegistry, page_result: Callable[..., Any]) -> int:
    """A store with town-a, a reviewer, an administrator and one document to review."""
    with seeded_store(data) as (store, town):
        store.users.add(
            "sato", password=PASSWORD, role="reviewer", tenants=["town-a"], actor="test",
            display_name="佐藤 確認",
        )  # fmt: skip
        store.users.add(
            "kanri", password=PASSWORD, role="administrator", tenants=["town-a"], actor="test"
        )
        values = {**ON_PAPER, **MISREAD, "mailing_postal_code": None, "mailing_address": None}
        page = page_result(
            registry,
            "water_service",
            values,
            {"user_name": "low_confidence", "phone": "invalid_phone"},
        )
        src, _ = town.register_source("ab" * 32, "水道届_0001.pdf", 123456)
        (doc_id,) = town.save_result(src.id, [page], {1: _page_png(registry)})
        return doc_id


@pytest.fixture
def server(
    tmp_path: Path, registry: FormRegistry, make_page: Callable[..., Any], serve: Serve
) -> tuple[str, Path, int]:
    """``(base URL, data folder, document id)`` of a running review UI."""
    data = tmp_path / "data"
    doc_id = _seed(data, registry, make_page)
    return serve(data), data, doc_id


class Keys:
    """The keyboard, counting every key press (a chord such as Alt+A counts as one)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.log: list[str] = []

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=20)
        self.log.extend(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.log.append(key)


def _focused_label(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement?.getAttribute('aria-label')")  # type: ignore[no-any-return]  # evaluate() gives Any


def _wait_focus(page: Page, label: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while _focused_label(page) != label:
        if time.monotonic() > deadline:
            raise AssertionError(f"the keyboard is in {_focused_label(page)!r}, not {label!r}")
        time.sleep(0.1)


def _review_by_keyboard(page: Page, base: str) -> Keys:
    """Log in, open the first document of the queue, correct the name, accept the phone
    number and approve, the keyboard only after logging in."""
    from playwright.sync_api import expect

    log_in(page, base, "sato")
    queue = page.get_by_role("heading", name="確認キュー")
    expect(queue).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^開く"))).to_be_visible()
    queue.click()  # the page itself has the keyboard, no widget
    keys = Keys(page)
    keys.press("Alt+O")  # open the first document of the queue
    expect(page.get_by_role("heading", name="確認・修正")).to_be_visible()
    expect(page.get_by_text("使用者氏名（氏名）")).to_be_visible()
    _wait_focus(page, VALUE_LABEL)
    expect(page.get_by_text("読み取りの確信度が低い")).to_be_visible()
    expect(page.get_by_text("Press Enter", exact=False)).not_to_be_visible()  # English hint
    page.wait_for_timeout(500)  # let the crop image settle
    page.screenshot(path=str(ARTIFACTS / "review_page.png"), full_page=True)
    keys.type(CORRECTED)  # the box's text is selected: typing replaces it
    _ime_enter(page)
    page.wait_for_timeout(1500)
    expect(page.get_by_text("修正しました")).not_to_be_visible()  # not taken half-typed
    keys.press("Enter")
    expect(page.get_by_text("修正しました")).to_be_visible()
    expect(page.get_by_text("電話番号（電話番号）")).to_be_visible()
    _wait_focus(page, VALUE_LABEL)
    keys.press("Enter")  # the phone number as read is right: accept it
    expect(page.get_by_text("確認しました")).to_be_visible()
    expect(page.get_by_text("内容を確かめて承認してください")).to_be_visible()
    wait_idle(page)  # the reviewer reads the page before approving (see wait_idle)
    keys.press("Alt+A")
    expect(page.get_by_text("承認しました")).to_be_visible()
    return keys


def _ime_enter(page: Page) -> None:
    """The Enter that commits an IME conversion (かな → 漢字), as the browser sends it: a
    keydown with ``isComposing`` set. It must not confirm the field."""
    page.evaluate(
        """() => {
        const el = document.activeElement;
        for (const type of ['keydown', 'keypress', 'keyup']) {
            el.dispatchEvent(new KeyboardEvent(type, {
                key: 'Enter', code: 'Enter', keyCode: 13, which: 13,
                isComposing: true, bubbles: true, cancelable: true,
            }));
        }
    }"""
    )


def _export(page: Page, base: str, doc_id: int) -> str:
    """Follow a link to the document's history (logging in on the way), then export the
    approved record as the administrator and download the CSV."""
    from playwright.sync_api import expect

    log_in(page, f"{base}/audit?doc={doc_id}", "kanri")
    expect(page.get_by_role("heading", name="履歴")).to_be_visible()
    expect(page.get_by_text(f"書類 {doc_id}")).to_be_visible()
    page.get_by_role("link", name="CSV 出力").click()
    expect(page.get_by_role("heading", name="CSV 出力")).to_be_visible()
    page.get_by_label("出力プロファイル（取込先のシステム）").click()
    page.get_by_role("option", name="water_service_utf8", exact=False).click()
    expect(page.get_by_text("1 件", exact=True)).to_be_visible()
    page.get_by_role("button", name="出力する").click()
    expect(page.get_by_text("1 件を")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="出力したファイルをダウンロード").click()
    return Path(info.value.path()).read_bytes().decode("utf-8-sig")


def test_keyboard_only_review_approve_and_export(
    server: tuple[str, Path, int], browser: Browser
) -> None:
    base, data, doc_id = server
    ARTIFACTS.mkdir(exist_ok=True)
    keys = _review_by_keyboard(new_page(browser), base)
    text = _export(new_page(browser), base, doc_id)

    with Store.open(f"sqlite:///{data / 'formocr.db'}", data / "images") as store:
        doc = store.for_tenant("town-a").get_document(doc_id)
    assert doc.status is DocumentStatus.EXPORTED
    assert doc.fields["user_name"].value == "山田\u3000花子"
    assert doc.fields["user_name"].updated_by == "user:sato"
    # Alt+O; the name: 5 characters and Enter; the phone: Enter; Alt+A.
    assert len(keys.log) == 1 + len(CORRECTED) + 1 + 1 + 1
    per_field = {"user_name (corrected)": len(CORRECTED) + 1, "phone (accepted)": 1}
    (ARTIFACTS / "review_keystrokes.json").write_text(
        json.dumps(
            {"keys": keys.log, "total": len(keys.log), "per_field": per_field},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2  # header and the one record
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["使用者名"] == "山田\u3000花子" and record["連絡先電話番号"] == "03-1234-5678"
    assert record["受付番号"] == str(doc_id)
