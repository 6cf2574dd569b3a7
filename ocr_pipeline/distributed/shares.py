"""Several intakes at once, each taking the files of its share of the municipalities
(``intake_split = tenant``), so that taking files is not one process's work.

Every running intake of a store holds, on a database session of its own:

- a **shared** advisory lock on the store's presence key: how many hold it is how many
  intakes run (counted in ``pg_locks``);
- an **exclusive** advisory lock per municipality it takes (the key is a hash of the database,
  schema and tenant names): no two intakes ever take the same municipality's files.

Every ``CHECK_SECONDS`` (:meth:`PgShares.refresh`, in the watcher's thread, between two files)
an intake counts the intakes ``n`` and the municipalities it knows ``m`` (folders in the inbox
and tenants in the store) and keeps ``ceil(m / n)`` of them: it lets go of those above that
and tries the locks of free ones up to it, each intake in its own order (a hash of its label
and the tenant) so that they rarely try the same lock. A municipality newly held is taken from
only after ``GRACE_SECONDS`` (longer than a check), so that an intake whose session ended has
noticed first. When an intake dies its session ends, its locks with it, the others count one
intake fewer and take its municipalities over.

An intake whose session fails holds nothing any more: :meth:`still_leading` is False, and the
intake stops its watcher and joins again (as the store-wide leader of :mod:`.leader` does).
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from .leader import CHECK_SECONDS, GRACE_SECONDS, leader_label

log = logging.getLogger(__name__)

STORE_SQL = "current_database() || ':' || current_schema()"
PRESENCE_KEY_SQL = f"hashtextextended('formocr-intakes:' || {STORE_SQL}, 0)"
TENANT_KEY_SQL = f"hashtextextended('formocr-intake:' || {STORE_SQL} || ':' || :tenant, 0)"
_HOLDERS_SQL = (
    f"WITH k AS (SELECT {PRESENCE_KEY_SQL} AS key) "
    "SELECT count(*) FROM pg_locks l, k "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
    "AND l.classid::bigint = ((k.key >> 32) & 4294967295) "
    "AND l.objid::bigint = (k.key & 4294967295)"
)


def fair_share(tenants: int, intakes: int) -> int:
    """How many of ``tenants`` municipalities one of ``intakes`` intakes keeps."""
    return math.ceil(tenants / max(1, intakes))


class PgShares:
    """One intake's locks, on a connection of its own (not from a pool); thread-safe."""

    def __init__(
        self,
        url: str,
        label: str | None = None,
        *,
        check_seconds: float = CHECK_SECONDS,
        grace_seconds: float = GRACE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label or leader_label()
        self.check_seconds = check_seconds
        self.grace_seconds = grace_seconds
        self._clock = clock
        self._engine = create_engine(
            url, poolclass=NullPool, connect_args={"application_name": self.label}
        )
        self._conn: Connection | None = None
        self._held: dict[str, float] = {}
        """Tenant -> when its lock was taken (this process's clock)."""
        self._lock = threading.Lock()
        self._next_check = 0.0
        self._active: frozenset[str] = frozenset()

    # -- joining and leaving -------------------------------------------------------------

    def try_acquire(self) -> bool:
        """Join the store's intakes (always possible: nobody waits). Raises SQLAlchemy's
        errors when the server cannot be reached."""
        with self._lock:
            if self._conn is not None:
                return True
            conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                conn.execute(text(f"SELECT pg_advisory_lock_shared({PRESENCE_KEY_SQL})"))
            except Exception:
                conn.close()
                raise
            self._conn = conn
            self._next_check = 0.0
            return True

    def still_leading(self) -> bool:
        """Whether the session holding the locks is alive."""
        with self._lock:
            return self._alive()

    def release(self) -> None:
        """Let go of every lock (ending the session frees them in any case)."""
        with self._lock:
            conn, self._conn = self._conn, None
            self._held.clear()
            self._active = frozenset()
            if conn is None:
                return
            try:
                conn.execute(text("SELECT pg_advisory_unlock_all()"))
            except Exception as exc:
                log.debug("unlock failed (%s); closing the session frees the locks", exc)
            _close(conn)

    def close(self) -> None:
        self.release()
        self._engine.dispose()

    # -- the share -----------------------------------------------------------------------

    def active(self) -> frozenset[str]:
        """The municipalities this intake takes now (held for ``grace_seconds`` at least)."""
        return self._active

    def held(self) -> frozenset[str]:
        """Every municipality whose lock this intake holds (some maybe not active yet)."""
        return frozenset(self._held)

    def refresh(self, tenants: Callable[[], Collection[str]]) -> frozenset[str]:
        """At most every ``check_seconds``: take this intake's fair share of the
        municipalities ``tenants()`` gives (every one known); the ones it takes now
        (:meth:`active`). A session that fails holds nothing: the empty set."""
        with self._lock:
            now = self._clock()
            if now >= self._next_check:
                self._next_check = now + self.check_seconds
                self._check(tenants, now)
            self._active = frozenset(
                t for t, since in self._held.items() if now - since >= self.grace_seconds
            )
            return self._active

    def _check(self, tenants: Callable[[], Collection[str]], now: float) -> None:
        try:
            known = sorted(set(tenants()))
        except Exception as exc:  # the inbox or the store cannot be listed: keep the share
            log.warning("the municipalities cannot be listed (%s); the share stays", exc)
            return
        try:
            self._balance(known, now)
        except Exception as exc:
            log.warning("the intake's share cannot be checked (%s); taking nothing", exc)
            self._drop()

    def intakes(self) -> int:
        """How many intakes of this store run (hold the presence lock)."""
        with self._lock:
            return self._count()

    def _count(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute(text(_HOLDERS_SQL)).scalar() or 0)

    def _balance(self, tenants: list[str], now: float) -> None:
        if not self._alive():
            return
        assert self._conn is not None
        want = fair_share(len(tenants), self._count())
        known = set(tenants)
        extra = [t for t in self._held if t not in known]
        keep = sorted((t for t in self._held if t in known), key=self._order)
        extra += keep[want:]
        for tenant in extra:
            self._conn.execute(text(f"SELECT pg_advisory_unlock({TENANT_KEY_SQL})"),
                               {"tenant": tenant})  # fmt: skip
            del self._held[tenant]
            log.info("intake %s lets go of municipality %s", self.label, tenant)
        for tenant in sorted(known - set(self._held), key=self._order):
            if len(self._held) >= want:
                break
            got = self._conn.execute(text(f"SELECT pg_try_advisory_lock({TENANT_KEY_SQL})"),
                                     {"tenant": tenant}).scalar()  # fmt: skip
            if got:
                self._held[tenant] = now
                log.info("intake %s takes municipality %s", self.label, tenant)

    def _order(self, tenant: str) -> str:
        return hashlib.sha256(f"{self.label}\0{tenant}".encode()).hexdigest()

    def _alive(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1")).scalar()
        except Exception as exc:
            log.warning("the intake's database session is gone (%s); taking nothing", exc)
            self._drop()
            return False
        return True

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        self._held.clear()
        self._active = frozenset()
        if conn is not None:
            _close(conn)


def _close(conn: Connection) -> None:
    try:
        conn.close()
    except Exception:
        conn.invalidate()


_TAKERS_SQL = (
    f"SELECT t.tenant, a.application_name FROM unnest(CAST(:tenants AS text[])) AS t(tenant) "
    f"LEFT JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
    f"AND l.classid::bigint = ((({TENANT_KEY_SQL.replace(':tenant', 't.tenant')}) >> 32) "
    "& 4294967295) "
    f"AND l.objid::bigint = (({TENANT_KEY_SQL.replace(':tenant', 't.tenant')}) & 4294967295) "
    "LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
)


def share_holders(url: str, tenants: Collection[str] = ()) -> dict[str, Any]:
    """For ``formocr status`` (``intake_split = tenant``): how many intakes run, and which
    one takes each of ``tenants`` (its label; ``None`` while none does)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            running = int(conn.execute(text(_HOLDERS_SQL)).scalar() or 0)
            rows = conn.execute(text(_TAKERS_SQL), {"tenants": sorted(tenants)}).all()
    finally:
        engine.dispose()
    return {"intakes": running, "municipalities": {str(t): label for t, label in rows}}
