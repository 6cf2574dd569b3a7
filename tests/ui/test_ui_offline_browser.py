"""The review UI makes no request outside the machine (an offline product on LGWAN): every
page is loaded in Debian's chromium, every request the page makes is recorded, and any host
other than 127.0.0.1 / localhost fails the test. Headings and body text use the Japanese UI
font stack (never a handwriting font the machine happens to have).

Needs ``/usr/bin/chromium`` (``scripts/setup.sh --dev`` installs it); skipped otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from form_schemas.registry import FormRegistry
from tests.ui.browser_app import PASSWORD, Serve, log_in, new_page, seeded_store

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TITLES = (
    "確認キュー", "履歴", "スキャンの提出", "集計", "CSV 出力", "帳票定義", "帳票作成", "利用者",
)  # fmt: skip
WATER = {"user_name": "山田\u3000太郎", "phone": "03-1234-5678", "filed_on": "2024-04-01"}


def _seed(data: Path, registry: FormRegistry, page_result: Callable[..., Any]) -> int:
    with seeded_store(data) as (store, town):
        store.users.add(
            "kanri", password=PASSWORD, role="administrator", tenants=["town-a"], actor="test"
        )
        page = page_result(registry, "water_service", WATER, {"user_name": "low_confidence"})
        src, _ = town.register_source("cd" * 32, "水道届_0001.pdf", 1000)
        png = registry.get("water_service").template_path.read_bytes()
        (doc_id,) = town.save_result(src.id, [page], {1: png})
        return doc_id


@pytest.fixture
def server(
    tmp_path: Path, registry: FormRegistry, make_page: Callable[..., Any], serve: Serve
) -> tuple[str, int]:
    data = tmp_path / "data"
    doc_id = _seed(data, registry, make_page)
    return serve(data), doc_id


def _font(page: Page, selector: str) -> str:
    """The computed font-family of the first element matching ``selector``."""
    script = "s => getComputedStyle(document.querySelector(s)).fontFamily"
    return str(page.evaluate(script, selector))


def _rendered_fonts(page: Page, selector: str) -> set[str]:
    """The fonts chromium actually drew the first ``selector``'s text with (DevTools)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {str(f["familyName"]) for f in used}


def _after(page: Page, selector: str) -> tuple[str, str]:
    """What an element says through CSS (its ``::after`` content) and its own font size."""
    script = """s => { const e = document.querySelector(s);
        return [getComputedStyle(e, '::after').content, getComputedStyle(e).fontSize]; }"""
    content, size = page.evaluate(script, selector)
    return str(content), str(size)


def test_no_page_asks_any_other_host(server: tuple[str, int], browser: Browser) -> None:
    """Login, every page of an administrator (the review page on a document, with its
    crop), the sign-in again: no request goes anywhere but the app's own host. Headings and
    text use the Japanese font stack; the uploader speaks Japanese."""
    from playwright.sync_api import expect

    base, doc_id = server
    requested: list[str] = []
    page = new_page(browser)
    page.on("request", lambda r: requested.append(r.url))
    log_in(page, base, "kanri")
    expect(page.get_by_role("heading", name="確認キュー")).to_be_visible()
    fonts = {"h1": _font(page, "h1"), "p": _font(page, "[data-testid='stCaptionContainer']")}
    page.get_by_role("button", name=re.compile("^開く")).click()
    expect(page.get_by_role("heading", name="確認・修正")).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()
    fonts["h4"] = _font(page, "h4")
    drawn = _rendered_fonts(page, "h1") | _rendered_fonts(page, "h4")
    nav = page.get_by_test_id("stSidebarNav")
    for title in TITLES:
        nav.get_by_role("link", name=title, exact=True).click()
        heading = page.get_by_role("heading", level=1, name=re.compile("^" + re.escape(title)))
        expect(heading).to_be_visible()
        if title == "履歴":
            page.get_by_label("書類番号").fill(str(doc_id))
            page.keyboard.press("Enter")
            expect(page.get_by_text(f"書類 {doc_id}")).to_be_visible()
        if title == "スキャンの提出":
            expect(page.get_by_test_id("stFileUploaderDropzoneInstructions")).to_be_visible()
            button = "[data-testid='stFileUploaderDropzone'] button p"
            note = "[data-testid='stFileUploaderDropzoneInstructions'] span"
            uploader = (_after(page, button), _after(page, note))
        page.wait_for_timeout(800)  # late requests: favicon, fonts, images
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_label("ログインID")).to_be_visible()
    page.wait_for_timeout(800)
    outside = sorted({u for u in requested if urlsplit(u).hostname not in LOCAL_HOSTS})
    outside = [u for u in outside if not u.startswith(("data:", "blob:"))]
    assert len(requested) > 20, requested
    assert outside == [], f"requests left the machine: {outside}"
    for where, family in fonts.items():
        assert family.startswith('"Noto Sans CJK JP"'), (where, family)
    assert drawn == {"Noto Sans CJK JP"}, drawn  # never YOzAFb or another fallback
    (button_text, button_size), (note_text, note_size) = uploader
    assert button_text == '"ファイルを選ぶ"' and button_size == "0px"
    assert "MB まで" in note_text and note_size == "0px"
