"""Fixtures of the review UI tests: a data folder with a migrated SQLite store, two
municipalities (town-a, town-b), a user of every role, and documents made with the store API
from made-up readings (no OCR).

- ``ui``: the :class:`UiWorld` (store, settings environment, ids of the documents).
- ``open_app(login)``: an AppTest of ``review_ui/app.py`` logged in as ``login``.
- ``browser`` and ``serve(data)``: for the tests in a real browser (``browser_app``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import streamlit as st
from argon2 import PasswordHasher, profiles
from streamlit.testing.v1 import AppTest

from form_schemas.reasons import Reason
from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldValue
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus
from ocr_pipeline.store import Store, TenantStore, upgrade
from tests.ui.browser_app import Serve, chromium, running_app, skip_unless_browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser
from tests.sample_records import FURUSATO_VALUES as FURUSATO
from tests.sample_records import WATER_VALUES as WATER

APP = Path(__file__).parents[2] / "review_ui" / "app.py"
PASSWORD = "pass-word-123"
USERS = {
    "clerk-a": ("clerk", ("town-a",)),
    "rev-a": ("reviewer", ("town-a",)),
    "rev-a2": ("reviewer", ("town-a",)),
    "rev-a3": ("reviewer", ("town-a",)),
    "admin-a": ("administrator", ("town-a",)),
    "rev-b": ("reviewer", ("town-b",)),
    "boss": ("administrator", ("town-a", "town-b")),
}


def page_result(
    registry: FormRegistry,
    form_id: str,
    values: dict[str, FieldValue],
    review: dict[str, str],
    page: int = 1,
) -> PageResult:
    """A page as the pipeline would read it: ``values`` read with confidence, the fields in
    ``review`` (field id -> reason code) routed to review with a shaky character."""
    spec = registry.get(form_id).spec
    fields = {}
    for f in spec.all_fields():
        value = values.get(f.id)
        raw = "" if value is None else str(value)
        flagged = f.id in review
        confs = [0.98] * len(raw)
        if flagged and raw:
            confs[min(1, len(raw) - 1)] = 0.41
        fields[f.id] = FieldResult(
            id=f.id,
            type=f.type.value,
            value=value,
            confidence=0.41 if flagged else 0.99,
            status=FieldStatus.REVIEW if flagged else FieldStatus.ACCEPTED,
            reasons=[Reason(review[f.id], "")] if flagged else [],
            raw=raw,
            char_confidences=confs,
            bbox=f.outline(),
        )
    return PageResult(
        source=f"{form_id}.pdf",
        page=page,
        status=PageStatus.OK,
        form=form_id,
        form_version=spec.version,
        fields=fields,
    )


@dataclass
class UiWorld:
    """What the UI tests work on."""

    root: Path
    store: Store
    registry: FormRegistry
    water_a: int  # town A, 水道: user_name and phone in review
    furusato_a: int  # town A, ふるさと納税: my_number and donation_amount keyed twice
    water_b: int  # town B, 水道: phone in review
    app: Path = APP

    def town(self, tenant: str) -> TenantStore:
        return self.store.for_tenant(tenant)

    def add_document(
        self,
        tenant: str,
        form_id: str,
        values: dict[str, FieldValue],
        review: dict[str, str],
        *,
        image: bytes | None = None,
        name: str | None = None,
    ) -> int:
        town = self.town(tenant)
        key = name or f"{form_id}-{len(town.list_sources(limit=1000))}.pdf"
        src, _ = town.register_source(hashlib.sha256(key.encode()).hexdigest(), key, 1000)
        page = page_result(self.registry, form_id, values, review)
        png = image if image is not None else self.registry.get(form_id).template_path.read_bytes()
        (doc_id,) = town.save_result(src.id, [page], {1: png})
        return doc_id


def _clean_env(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    for key in list(os.environ):
        if key.startswith("FORMOCR_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(root)
    monkeypatch.setenv("FORMOCR_DATA_DIR", str(root / "data"))


@pytest.fixture
def ui(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry: FormRegistry
) -> Iterator[UiWorld]:
    _clean_env(monkeypatch, tmp_path)
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'formocr.db'}"
    upgrade(url)
    cheap = PasswordHasher.from_parameters(profiles.CHEAPEST)
    store = Store.open(url, data / "images", password_hasher=cheap)
    for tenant, name in (("town-a", "A町"), ("town-b", "B村")):
        store.for_tenant(tenant).ensure_tenant(name)
    for login, (role, tenants) in USERS.items():
        store.users.add(login, password=PASSWORD, role=role, tenants=tenants, actor="test")
    world = UiWorld(tmp_path, store, registry, 0, 0, 0)
    world.water_a = world.add_document(
        "town-a", "water_service", WATER, {"user_name": "low_confidence", "phone": "invalid_phone"}
    )
    world.furusato_a = world.add_document(
        "town-a",
        "furusato_onestop",
        FURUSATO,
        {"my_number": "review_policy", "donation_amount": "review_policy"},
    )
    world.water_b = world.add_document(
        "town-b", "water_service", WATER, {"phone": "low_confidence"}
    )
    try:
        yield world
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        store.close()


OpenApp = Callable[[str], AppTest]


def elements(node: Any, kind: str) -> list[Any]:
    """Every element of type ``kind`` (``"image"``, ``"html"``, ...) under ``node``."""
    found = [node] if kind in (getattr(node, "type", None), type(node).__name__.lower()) else []
    for child in getattr(node, "children", {}).values():
        found.extend(elements(child, kind))
    return found


_INLINE_PNG = re.compile(r"<img src='data:image/png;base64,([A-Za-z0-9+/=]+)'")


def inline_images(at: AppTest) -> list[bytes]:
    """The PNG bytes of every image drawn inline (``review_ui.inline_image``) on the page.
    Resident images are drawn so; ``st.image`` (served under ``/media``) must not appear."""
    assert not elements(at.main, "image"), "an image is served through st.image (/media URL)"
    return [
        base64.b64decode(m.group(1))
        for el in elements(at.main, "html")
        for m in _INLINE_PNG.finditer(el.value)
    ]


def shown_text(at: AppTest) -> str:
    """Everything the page says in text elements, one element a line."""
    parts = []
    for kind in (
        "title",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "metric",
    ):
        for el in getattr(at, kind):
            parts.append(f"{getattr(el, 'label', '')} {el.value}")
    return "\n".join(parts)


@dataclass(frozen=True)
class Helpers:
    """Functions for the tests (conftest modules cannot be imported)."""

    elements: Callable[[Any, str], list[Any]] = elements
    text: Callable[[AppTest], str] = shown_text
    images: Callable[[AppTest], list[bytes]] = inline_images
    log_in: Callable[..., AppTest] = lambda at, login, password=PASSWORD: log_in(
        at, login, password
    )


@pytest.fixture
def make_page() -> Callable[..., PageResult]:
    """:func:`page_result`, for tests that build their own store."""
    return page_result


@pytest.fixture
def h() -> Helpers:
    return Helpers()


def log_in(at: AppTest, login: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="login_id").input(login)
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click()
    return at.run()


@pytest.fixture
def open_app(ui: UiWorld) -> OpenApp:
    """``open_app(login)``: the app, run once, logged in as ``login``."""

    def make(login: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        assert not at.exception, at.exception
        log_in(at, login)
        assert not at.exception, at.exception
        return at

    return make


@pytest.fixture
def browser() -> Iterator[Browser]:
    """A headless Debian chromium for the test (skipped where it or playwright is missing)."""
    skip_unless_browser()
    with chromium() as started:
        yield started


@pytest.fixture
def serve(tmp_path: Path, browser: Browser) -> Iterator[Serve]:
    """``serve(data)``: the review UI over the data folder ``data``, as ``formocr ui`` starts
    it, until the test ends; its base URL. Asks for ``browser`` so that a test without one is
    skipped before anything is set up; the app's log is ``tmp_path / "streamlit.log"``."""
    with ExitStack() as apps:
        yield lambda data: apps.enter_context(running_app(tmp_path, data))
