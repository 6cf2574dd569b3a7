"""帳票作成 in a real browser: an administrator uploads a blank form, drags a rough box over a
writing space (it snaps inside the printed lines), makes it a field, and saves the form, which
then loads like every other form."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from form_schemas.registry import FormRegistry, load_form
from tests.ui.browser_app import PASSWORD, Serve, log_in, new_page, seeded_store

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

WRITING_SPACE = (396, 646, 1530, 740)  # 使用場所 on the 水道 form
ROUGH = (386, 652, 1538, 733)  # what a hand drags: a little off on every side


def _seed(data: Path) -> None:
    with seeded_store(data) as (store, _):
        store.users.add(
            "kanri", password=PASSWORD, role="administrator", tenants=["town-a"], actor="test"
        )


def _drag(page: Page, box: tuple[int, int, int, int], template_width: int) -> None:
    """Drag ``box`` (template pixels) on the canvas with the mouse."""
    image = page.locator("[data-testid='stVegaLiteChart'] svg.marks image").first
    image.wait_for()
    area = image.bounding_box()
    assert area is not None, "the template image is not laid out"
    scale = area["width"] / template_width
    left, top = area["x"], area["y"]
    x0, y0, x1, y1 = (v * scale for v in box)
    page.mouse.move(left + x0, top + y0)
    page.mouse.down()
    page.mouse.move(left + (x0 + x1) / 2, top + (y0 + y1) / 2, steps=5)
    page.mouse.move(left + x1, top + y1, steps=5)
    page.mouse.up()


def test_an_administrator_draws_a_field_and_saves_the_form(
    tmp_path: Path, registry: FormRegistry, serve: Serve, browser: Browser
) -> None:
    from playwright.sync_api import expect

    data = tmp_path / "data"
    _seed(data)
    water = registry.get("water_service")
    base = serve(data)
    page = new_page(browser)
    log_in(page, f"{base}/form_new", "kanri")
    expect(page.get_by_role("heading", name="帳票作成")).to_be_visible()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
        str(water.template_path)
    )
    expect(page.get_by_text(f"原本: {water.width}×{water.height} ピクセル")).to_be_visible()
    page.get_by_label("帳票 ID（半角英小文字・数字・_）").fill("water_copy")
    page.get_by_label("帳票名").fill("水道届（写し）")
    page.keyboard.press("Tab")
    _drag(page, ROUGH, water.width)
    expect(page.get_by_text(re.compile(r"枠 \[396, 646, 1530, 740\]"))).to_be_visible()
    page.get_by_label("項目 ID（半角英小文字・数字・_）").fill("service_address")
    page.get_by_label("項目名（確認画面と CSV の列名）").fill("使用場所")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="追加").click()
    expect(page.get_by_role("button", name="保存")).to_be_enabled()
    page.screenshot(path=str(tmp_path / "form_new.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("に保存しました")).to_be_visible()

    form = load_form(data / "forms" / "water_copy")
    (field,) = form.fields
    assert (field.id, field.label, field.type.value) == ("service_address", "使用場所", "text")
    assert field.outline() == WRITING_SPACE
    assert form.spec.title == "水道届（写し）" and form.spec.template.dpi == 200
    assert "kanri" in (form.folder / "form.yaml").read_text("utf-8")
