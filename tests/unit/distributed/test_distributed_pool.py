"""The store's pooled PostgreSQL connections: tested before use only after lying idle (a busy
store pays no round trip per transaction), and a dead one never makes a second failure."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from ocr_pipeline.store import StoreUnavailableError
from ocr_pipeline.store.db import PING_AFTER_IDLE_S, Database, upgrade


def end_pool_sessions(url: str, db: Database) -> int:
    """Terminate every session of ``db``'s pool (a server restart, as far as they can tell)."""
    with db.engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    other = create_engine(url)
    with other.begin() as conn:
        n = conn.execute(text("SELECT count(*) FROM pg_terminate_backend(:p)"), {"p": pid})
        ended = int(n.scalar() or 0)
    other.dispose()
    return ended


def one(db: Database) -> int:
    with db.read() as s:
        return int(s.execute(text("SELECT 1")).scalar() or 0)


def test_a_connection_that_died_while_idle_is_replaced_before_use(pg_url: str) -> None:
    upgrade(pg_url)
    db = Database(pg_url)
    try:
        assert one(db) == 1
        assert end_pool_sessions(pg_url, db) == 1
        time.sleep(PING_AFTER_IDLE_S + 0.2)
        assert one(db) == 1  # tested, found dead, replaced: no error
    finally:
        db.dispose()


def test_a_connection_that_died_just_after_use_fails_once_then_the_pool_starts_afresh(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ocr_pipeline.store.db.PING_AFTER_IDLE_S", 600.0)  # however slow
    upgrade(pg_url)
    db = Database(pg_url)
    try:
        assert one(db) == 1
        assert end_pool_sessions(pg_url, db) == 1
        with pytest.raises(StoreUnavailableError):
            one(db)  # used a moment ago: not tested, so its transaction fails
        assert one(db) == 1
    finally:
        db.dispose()
