"""The review UI in a real browser: the app started with ``streamlit run`` (as ``formocr ui``
starts it) on a free localhost port, and Debian's chromium driven by Playwright.

Needs ``/usr/bin/chromium`` and the playwright package (``scripts/setup.sh --dev`` installs
both); the tests that use it are skipped otherwise, with the reason.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from argon2 import PasswordHasher, profiles

from ocr_pipeline.cli.cmd_ui import streamlit_command
from ocr_pipeline.store import Store, TenantStore, upgrade

if TYPE_CHECKING:  # playwright is a dev dependency; without it the tests are skipped
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "browser-pass-123"
START_TIMEOUT = 60.0

Serve = Callable[[Path], str]
"""``serve(data)``: the review UI started over the data folder ``data``; its base URL."""


@contextmanager
def seeded_store(data: Path, *, cheap: bool = True) -> Iterator[tuple[Store, TenantStore]]:
    """A new SQLite store in ``data`` (the app's ``formocr.db`` and ``images``) holding the
    municipality town-a (A町). ``cheap``: users' passwords hashed at argon2's cheapest
    setting (tests); otherwise as the app hashes them (a login costs what it will)."""
    url = f"sqlite:///{data / 'formocr.db'}"
    upgrade(url)
    hasher = PasswordHasher.from_parameters(profiles.CHEAPEST) if cheap else None
    with Store.open(url, data / "images", password_hasher=hasher) as store:
        town = store.for_tenant("town-a")
        town.ensure_tenant("A町")
        yield store, town


def skip_unless_browser() -> None:
    """Skip the calling test unless Debian's chromium and the playwright package are here."""
    if not CHROMIUM.is_file():
        pytest.skip(
            f"{CHROMIUM} is not installed: the browser test needs Debian's chromium "
            "(run scripts/setup.sh --dev as root, or apt-get install chromium)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright package is not installed (scripts/setup.sh --dev installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(workdir: Path, data: Path) -> Iterator[str]:
    """The review UI over the data folder ``data`` while the block runs; its base URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMOCR_")}
    env["FORMOCR_DATA_DIR"] = str(data)
    log_path = workdir / "streamlit.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        streamlit_command(port, "127.0.0.1"), env=env, cwd=workdir, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("streamlit did not start: " + log_path.read_text())
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Debian chromium (a Playwright ``Browser``)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a shared CI machine can be slow to rerun a page
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser) -> Page:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="ja-JP")
    page.set_default_timeout(30_000)
    return page


def log_in(page: Page, base: str, login: str) -> None:
    page.goto(base)
    page.get_by_label("ログインID").fill(login)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.keyboard.press("Enter")


def wait_idle(page: Page, timeout_ms: float = 30_000) -> None:
    """Wait until the app's script (or fragment) run has ended: what a person sees once the
    page has settled. Under load, a shortcut pressed while a run is still drawing the page can
    come before the button it belongs to (Alt+A pressed as soon as the text above 承認 showed
    did nothing, 1 run in 3 with two busy cores)."""
    page.wait_for_function(
        """() => document.querySelector("[data-testid='stApp']")
            ?.getAttribute('data-test-script-state') === 'notRunning'""",
        polling=10,
        timeout=timeout_ms,
    )
