"""``formocr demo --ui`` makes the demo users of the demo municipality once, and only there."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_pipeline.cli.cmd_demo import DEMO_PASSWORD, DEMO_USERS, TENANT, _demo_users
from ocr_pipeline.settings import Settings
from ocr_pipeline.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.from_settings(Settings(data_dir=tmp_path), migrate=True)
    s.for_tenant(TENANT).ensure_tenant("デモ市")
    return s


def test_demo_users_are_made_once_and_can_log_in(store: Store) -> None:
    first = _demo_users(store)
    again = _demo_users(store)
    assert first == again == [login for login, _, _ in DEMO_USERS]
    users = store.users.list()
    assert sorted(u.login for u in users) == sorted(first)
    assert all(list(u.tenants) == [TENANT] for u in users)
    assert store.users.authenticate("demo-reviewer", DEMO_PASSWORD) is not None
    assert store.users.authenticate("demo-reviewer", "wrong-password") is None


def test_a_changed_demo_password_is_kept(store: Store) -> None:
    _demo_users(store)
    store.users.set_password("demo-admin", "a-better-secret-1", actor="admin")
    _demo_users(store)
    assert store.users.authenticate("demo-admin", DEMO_PASSWORD) is None
