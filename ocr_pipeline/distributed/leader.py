"""One active intake per store: the leader holds a PostgreSQL advisory lock on a session of
its own; the others wait as standby and one of them takes over when the leader's session ends
(its process died, its machine lost the network, the server restarted).

The lock's key is a hash of the database and schema names (``hashtextextended``), so every
intake of one store competes for the same lock, and stores in other schemas of the same
server do not. The leader checks its session every ``CHECK_SECONDS``; when the check fails it
stops leading at once. A new leader waits ``GRACE_SECONDS`` (longer than a check) before it
starts, so that the former one has noticed first. The session's ``application_name`` names the
leader (``formocr-intake host:pid``), which ``formocr status`` shows.

With SQLite (one machine) the intake keeps the watcher's file lock ``ARCHIVE/.watch.lock``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from ..watch.identity import hostname

log = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
GRACE_SECONDS = 3.0
LABEL_PREFIX = "formocr-intake "
KEY_SQL = "hashtextextended('formocr-intake:' || current_database() || ':' || current_schema(), 0)"


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def leader_label() -> str:
    return f"{LABEL_PREFIX}{hostname()}:{os.getpid()}"[:63]


class PgLeadership:
    """The advisory lock of one store, on a connection of its own (not from a pool)."""

    def __init__(self, url: str, label: str | None = None) -> None:
        self.label = label or leader_label()
        self._engine = create_engine(
            url, poolclass=NullPool, connect_args={"application_name": self.label}
        )
        self._conn: Connection | None = None

    @property
    def leading(self) -> bool:
        return self._conn is not None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; False if another intake does. Raises
        SQLAlchemy's errors when the server cannot be reached."""
        if self._conn is not None:
            return True
        conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(conn.execute(text(f"SELECT pg_try_advisory_lock({KEY_SQL})")).scalar())
        except Exception:
            conn.close()
            raise
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def still_leading(self) -> bool:
        """Whether the session holding the lock is alive (the lock lives as long as it)."""
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1")).scalar()
        except Exception as exc:
            log.warning("the intake lock's database session is gone (%s); stepping down", exc)
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(text(f"SELECT pg_advisory_unlock({KEY_SQL})"))
        except Exception as exc:
            log.debug("unlock failed (%s); closing the session frees it", exc)
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                conn.invalidate()

    def close(self) -> None:
        self.release()
        self._engine.dispose()


@dataclass(frozen=True)
class LeaderInfo:
    label: str
    host: str | None
    pid: int | None
    client_addr: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "host": self.host, "pid": self.pid,
                "client_addr": self.client_addr}  # fmt: skip


def pg_leader(url: str) -> LeaderInfo | None:
    """The intake that holds the lock of the store at ``url`` now, if any."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    f"WITH k AS (SELECT {KEY_SQL} AS key) "
                    "SELECT a.application_name, a.client_addr::text FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid, k "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                    "AND l.classid::bigint = ((k.key >> 32) & 4294967295) "
                    "AND l.objid::bigint = (k.key & 4294967295)"
                )
            ).first()
    finally:
        engine.dispose()
    if row is None:
        return None
    return parse_label(str(row[0] or ""), row[1])


def parse_label(label: str, client_addr: str | None = None) -> LeaderInfo:
    host: str | None = None
    pid: int | None = None
    if label.startswith(LABEL_PREFIX):
        where = label[len(LABEL_PREFIX) :]
        host, _, pid_text = where.rpartition(":")
        pid = int(pid_text) if pid_text.isdigit() else None
    return LeaderInfo(label, host or None, pid, client_addr)
