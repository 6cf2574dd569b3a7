"""Residents' data in a real browser (Debian's chromium, the app started as ``formocr ui``
starts it): no ``/media`` URL serves a resident image; a hidden 個人番号 opens on its focused
表示 button (Enter reveals it, then the keyboard is in the value box); the whole page hides
the number until then; a failing page shows the Japanese message with a reference and no
file path, no exception, no "Ask Google"; a 返戻 reason and a file name written as Markdown
show as typed.

Needs ``/usr/bin/chromium`` (``scripts/setup.sh --dev`` installs it); skipped otherwise.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np
import pytest
from PIL import Image

from form_schemas.registry import FormRegistry
from ocr_pipeline.synth import Degrade, Style, SynthOptions, render_page
from tests.sample_records import FURUSATO_VALUES as FURUSATO
from tests.sample_records import WATER_VALUES as WATER
from tests.ui.browser_app import PASSWORD, Serve, log_in, new_page, seeded_store

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

VALUE_LABEL = "値（Enter で確定）"
MARKUP = "**x** [a](http://x) # h :red[y] :smile: $x$"
BREAK_REVIEW = """\
import review_ui.reviewing


def _broken(*_args, **_kwargs):
    raise RuntimeError("forced failure in /srv/formocr/secret_module.py")


review_ui.reviewing.blind_fields = _broken
"""


def _png(registry: FormRegistry, form_id: str, values: dict[str, Any]) -> bytes:
    """The form filled in by hand, in template pixels (as registered pages are stored)."""
    options = SynthOptions(style=Style.HAND, degrade=Degrade.NONE, seed=11)
    page = render_page(registry.get(form_id), values, np.random.default_rng(11), options)
    rgb = page[:, :, ::-1] if page.ndim == 3 else page
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, "PNG")
    return buf.getvalue()


def _seed(data: Path, registry: FormRegistry, page_result: Callable[..., Any]) -> dict[str, int]:
    """town-a, a reviewer, a ふるさと納税 document (個人番号 keyed twice) and a returned
    水道 document whose file name and 返戻 reason are Markdown."""
    with seeded_store(data) as (store, town):
        store.users.add(
            "sato", password=PASSWORD, role="reviewer", tenants=["town-a"], actor="test"
        )
        review = {"my_number": "review_policy", "donation_amount": "review_policy"}
        page = page_result(registry, "furusato_onestop", FURUSATO, review)
        src, _ = town.register_source("cd" * 32, "ふるさと_0001.pdf", 1000)
        (furusato,) = town.save_result(
            src.id, [page], {1: _png(registry, "furusato_onestop", FURUSATO)}
        )
        page = page_result(registry, "water_service", WATER, {"phone": "low_confidence"})
        src, _ = town.register_source("ef" * 32, f"{MARKUP}.pdf", 1000)
        (water,) = town.save_result(src.id, [page], {1: _png(registry, "water_service", WATER)})
        version = town.get_document(water).version
        town.return_document(water, actor="user:sato", expected_version=version, reason=MARKUP)
    return {"furusato": furusato, "water": water}


@pytest.fixture
def seeded(
    tmp_path: Path, registry: FormRegistry, make_page: Callable[..., Any], browser: Browser
) -> tuple[Path, dict[str, int]]:
    data = tmp_path / "data"
    return data, _seed(data, registry, make_page)


@pytest.fixture
def server(seeded: tuple[Path, dict[str, int]], serve: Serve) -> tuple[str, dict[str, int]]:
    data, docs = seeded
    return serve(data), docs


def _focused(page: Page) -> dict[str, str | None]:
    return page.evaluate(  # type: ignore[no-any-return]  # evaluate() gives Any
        "() => ({tag: document.activeElement?.tagName,"
        " label: document.activeElement?.getAttribute('aria-label'),"
        " text: document.activeElement?.innerText})"
    )


def _wait(page: Page, check: Callable[[], bool], what: str, timeout_ms: int = 30_000) -> None:
    for _ in range(timeout_ms // 100):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{what}: focused {_focused(page)}")


def test_no_media_url_and_a_hidden_number_opens_on_its_reveal_button(
    server: tuple[str, dict[str, int]], browser: Browser
) -> None:
    from playwright.sync_api import expect

    base, docs = server
    page = new_page(browser)
    responses: list[tuple[str, str]] = []
    page.on("response", lambda r: responses.append((r.url, r.headers.get("content-type", ""))))
    log_in(page, f"{base}/review?doc={docs['furusato']}", "sato")
    expect(page.get_by_text("個人番号（個人番号）")).to_be_visible()
    expect(page.get_by_text("Enter または Alt+M")).to_be_visible()
    expect(page.get_by_label(VALUE_LABEL)).to_have_count(0)
    _wait(
        page,
        lambda: (_focused(page)["text"] or "").startswith("個人番号を表示"),
        "reveal button focus",
    )
    page.keyboard.press("Alt+P")  # the whole page: the number is blacked out
    expect(page.get_by_alt_text("ページ全体")).to_be_visible()
    expect(page.get_by_text("黒: 隠している項目", exact=False)).to_be_visible()
    page.get_by_role("button", name="個人番号を表示").first.focus()
    page.keyboard.press("Enter")  # the reveal (logged), then the crop and the value box
    expect(page.get_by_alt_text("読み取った欄")).to_be_visible()
    _wait(page, lambda: _focused(page)["label"] == VALUE_LABEL, "value box focus")
    images = page.locator("img[src^='data:image/png;base64,']")
    expect(images).to_have_count(2)  # the crop and the whole page, inline
    page.wait_for_timeout(500)
    served = page.evaluate("() => Array.from(document.images).map(i => i.src)")
    # Streamlit serves st.image bytes at /media/<id>.<ext> (its own fonts are /static/media).
    media = [(u, t) for u, t in responses if urlparse(u).path.startswith("/media/")]
    assert media == [], media
    assert not [s for s in served if not s.startswith("data:")], served
    own = ("/static/", "/favicon.png")  # Streamlit's bundle and the tab icon
    images_served = [u for u, t in responses if t.startswith("image/")]
    assert not [u for u in images_served if not urlparse(u).path.startswith(own)]


def test_a_failing_page_shows_the_japanese_message_and_no_details(
    tmp_path: Path,
    seeded: tuple[Path, dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    serve: Serve,
    browser: Browser,
) -> None:
    from playwright.sync_api import expect

    data, docs = seeded
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(BREAK_REVIEW, encoding="utf-8")
    paths = [str(hook), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    base = serve(data)
    page = new_page(browser)
    log_in(page, f"{base}/review?doc={docs['furusato']}", "sato")
    expect(page.get_by_text("エラーが発生したため", exact=False)).to_be_visible()
    text = page.inner_text("body")
    reference = re.search(r"参照番号: ([0-9a-f]{8})", text)
    assert reference is not None, text
    for leak in ("secret_module", "/srv/", ".py", "Traceback", "RuntimeError", "Google", "ChatGPT"):
        assert leak not in text
    log = (tmp_path / "streamlit.log").read_text(encoding="utf-8")
    assert reference.group(1) in log and "Traceback" in log and "secret_module" in log


def test_markdown_in_a_return_reason_and_a_file_name_shows_as_typed(
    server: tuple[str, dict[str, int]], browser: Browser
) -> None:
    from playwright.sync_api import expect

    base, docs = server
    page = new_page(browser)
    log_in(page, f"{base}/review?doc={docs['water']}", "sato")
    expect(page.get_by_text(f"返戻理由: {MARKUP}")).to_be_visible()
    expect(page.get_by_text(f"{MARKUP}.pdf", exact=False)).to_be_visible()
    main = page.locator("section.stMain, [data-testid='stMain']").first
    assert main.locator("a[href^='http://x']").count() == 0
    assert main.locator("strong", has_text=re.compile("^x$")).count() == 0
    assert main.locator("h1", has_text=re.compile("^h$")).count() == 0
