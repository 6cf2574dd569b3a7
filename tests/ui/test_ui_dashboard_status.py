"""集計 in the distributed mode: this municipality's files waiting and being read, the broker's
queue and the reading workers alive (through ``services.processing_status``); nothing of the
kind with ``task_backend = local``.

The broker is a private ``redis-server`` (:class:`bench.clusterkit.PrivateRedis`) with no
worker attached, so the page must say that no worker answers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from streamlit.testing.v1 import AppTest

from bench.clusterkit import PrivateRedis, have_redis
from tests.ui.app_pages import goto

if TYPE_CHECKING:
    from tests.ui.conftest import OpenApp, UiWorld

REDIS_REQUIRED = os.environ.get("FORMOCR_REQUIRE_REDIS") == "1"


@pytest.fixture
def broker() -> Iterator[str]:
    if not have_redis():
        if REDIS_REQUIRED:
            pytest.fail("FORMOCR_REQUIRE_REDIS=1 but redis-server is not installed")
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis.url
    finally:
        redis.remove()


def _queue(ui: UiWorld, tenant: str, n: int) -> None:
    town = ui.town(tenant)
    for k in range(n):
        name = f"{tenant}-{k}.pdf"
        town.register_source(hashlib.sha256(name.encode()).hexdigest(), name, 100)


def _queued(ui: UiWorld, tenant: str) -> int:
    return ui.town(tenant).counts().work.get("queued", 0)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_dashboard_shows_this_towns_queue_and_the_workers(
    open_app: OpenApp, ui: UiWorld, broker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMOCR_TASK_BACKEND", "celery")
    monkeypatch.setenv("FORMOCR_BROKER_URL", broker)
    _queue(ui, "town-a", 2)
    _queue(ui, "town-b", 6)
    a, b = _queued(ui, "town-a"), _queued(ui, "town-b")
    assert a >= 2 and b > a
    at = goto(open_app("clerk-a"), "dashboard").run()
    assert not at.exception, at.exception
    assert "読み取りの状況" in [h.value for h in at.subheader]
    metrics = _metrics(at)
    assert metrics["読み取り待ち"] == str(a)  # town-a's files only, not town-b's
    assert metrics["読み取り中"] == "0"
    assert metrics["ブローカーの待ち"] == "0"  # no intake ran: nothing was sent
    assert metrics["稼働中の読み取りワーカー"] == "0"
    warnings = " ".join(w.value for w in at.warning)
    assert "応答する読み取りワーカーがありません" in warnings
    assert "受付（formocr watch）が動いていません" in warnings
    assert "接続できない" not in warnings
    at = goto(open_app("rev-b"), "dashboard").run()
    assert _metrics(at)["読み取り待ち"] == str(b)


def test_the_dashboard_says_which_part_cannot_be_reached(
    open_app: OpenApp, ui: UiWorld, broker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMOCR_TASK_BACKEND", "celery")
    # The private Redis refuses these credentials (it has no password).
    monkeypatch.setenv("FORMOCR_BROKER_URL", broker.replace("redis://", "redis://nobody:x@"))
    _queue(ui, "town-a", 1)
    at = goto(open_app("clerk-a"), "dashboard").run()
    assert not at.exception, at.exception
    assert _metrics(at)["読み取り待ち"] == str(_queued(ui, "town-a"))  # the store answers
    assert _metrics(at)["ブローカーの待ち"] == "—"
    warnings = " ".join(w.value for w in at.warning)
    assert "ブローカー（Redis）に接続できない" in warnings
    assert "nobody" not in warnings  # no URL, no detail on the page


def test_no_processing_status_in_the_local_mode(open_app: OpenApp, ui: UiWorld) -> None:
    _queue(ui, "town-a", 2)
    at = goto(open_app("clerk-a"), "dashboard").run()
    assert not at.exception, at.exception
    assert "読み取りの状況" not in [h.value for h in at.subheader]
    assert "読み取り待ち" not in _metrics(at)
