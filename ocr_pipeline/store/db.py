"""Connecting to the database, transactions, and schema migrations.

The embedded default is a SQLite file ``<data_dir>/formocr.db`` in WAL mode with foreign keys
on, ``synchronous=FULL`` (a committed transaction survives a power cut) and a busy timeout.
SQLite write transactions start with ``BEGIN IMMEDIATE``: they take the write lock up front and
wait for it (busy timeout) instead of failing when a read turns into a write. A shared
installation gives a PostgreSQL URL (``postgresql+psycopg://user:pw@host/db``) in the
``database_url`` setting (``FORMOCR_DATABASE_URL``).

The schema is made and changed only by the Alembic migrations in ``migrations/``
(:func:`upgrade`); nothing calls ``create_all``. :class:`Database` refuses a database whose
schema is not at this version's head, with the remedy.

A new migration, after changing :mod:`.models`::

    from alembic import command
    command.revision(alembic_config(url), "what changed", autogenerate=True)
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..settings import Settings
from .errors import StoreUnavailableError
from .keys import KEY_FILE, Keyring

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
DB_FILE = "formocr.db"
BUSY_TIMEOUT_S = 30.0
_BEGIN = "formocr_sqlite_begin"
_MIGRATION_LOCK = 0x666F726D6F6372  # "formocr": the advisory lock taken while migrating
PING_AFTER_IDLE_S = 1.0
_USED = "formocr_used"


def database_url(settings: Settings) -> str:
    """The URL of the store: the ``database_url`` setting, else the SQLite file in data_dir."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{(settings.data_dir / DB_FILE).resolve()}"


def safe_url(url: str) -> str:
    """``url`` with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable database URL>"


def _sqlite_wal(cur: sqlite3.Cursor) -> None:
    """Switch the file to WAL unless it is already. Changing the journal mode needs the file
    to itself, and SQLite answers "database is locked" at once rather than through the busy
    timeout when another connection is busy with it (services starting together on a new
    store): wait and retry until the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _sqlite_begin)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    cur.execute("PRAGMA foreign_keys = ON")
    _sqlite_wal(cur)
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN " + conn.get_execution_options().get(_BEGIN, "DEFERRED"))


def _to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # readable Japanese in the database


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created. Connects lazily."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreUnavailableError(
            "<unparsable>",
            f"not a database URL: {exc}",
            "set FORMOCR_DATABASE_URL to e.g. "
            "postgresql+psycopg://user:password@host:5432/formocr, or unset it for SQLite",
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, connect_args={"timeout": BUSY_TIMEOUT_S}, json_serializer=_to_json
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(parsed, json_serializer=_to_json)
    _ping_when_idle(engine)
    # A list of rows given to an INSERT without RETURNING (a file's fields, its audit events)
    # goes as one multi-row statement, not one statement per row (psycopg2's default; the
    # psycopg 3 dialect leaves it off).
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use if it lay idle for ``PING_AFTER_IDLE_S`` (the
    server may have restarted meanwhile; a dead one is replaced), not when it was used just
    before: a store busy with files would otherwise pay one more round trip per transaction.
    A connection lost within that second fails its transaction, as one lost during it does:
    :class:`StoreUnavailableError`, and the pool starts afresh."""

    def used(_dbapi: Any, record: Any, *_: Any) -> None:
        record.info[_USED] = time.monotonic()

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get(_USED)
        if last is not None and time.monotonic() - last < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError(f"the pooled connection is gone: {exc}") from exc

    event.listen(engine, "connect", used)
    event.listen(engine, "checkin", used)
    event.listen(engine, "checkout", checkout)


def alembic_config(url: str) -> Config:
    """Alembic configuration for ``url`` with the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest migration this version of formocr ships."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def _unavailable(url: str, exc: Exception) -> StoreUnavailableError:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()
    return StoreUnavailableError(safe_url(url), text[0] if text else type(exc).__name__)


def default_keyring(url: str) -> Keyring:
    """``FORMOCR_SECRET_KEY``, else (SQLite) ``secret.key`` in the database's folder, which is
    ``data_dir``; a PostgreSQL store without the variable has no key file to fall back on."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return Keyring(None)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Keyring(Path(str(parsed.database)).parent / KEY_FILE)
    return Keyring(None)


def upgrade(url: str, revision: str = "head", keys: Keyring | None = None) -> None:
    """Bring the schema of the database at ``url`` to ``revision`` (idempotent; safe to run
    from several processes at once: SQLite's write lock or a PostgreSQL advisory lock makes
    them take turns). ``keys`` seal the 個人番号 a database of an older version holds in
    clear (migration 0003), only read when there are such values; by default
    ``FORMOCR_SECRET_KEY``, else the key file beside a SQLite database."""
    keys = keys or default_keyring(url)
    engine = make_engine(url)
    try:
        with engine.execution_options(**{_BEGIN: "IMMEDIATE"}).begin() as conn:
            if conn.dialect.name == "postgresql":
                # Services starting together: one migrates, the others wait and find it done.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            cfg.attributes["keys"] = keys
            command.upgrade(cfg, revision)
    except OperationalError as exc:
        raise _unavailable(url, exc) from exc
    finally:
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (``None``: an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class Database:
    """An engine and its sessions. ``read()`` and ``write()`` give a session inside one
    transaction, committed when the block ends and rolled back on an exception; database
    failures come out as :class:`StoreUnavailableError`."""

    def __init__(self, url: str, migrate: bool = False, keys: Keyring | None = None) -> None:
        self.url = url
        if migrate:
            upgrade(url, keys=keys)
        self.engine = make_engine(url)
        self.backend = self.engine.dialect.name
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(**{_BEGIN: "IMMEDIATE"})
        self._writer = sessionmaker(self._write_engine, expire_on_commit=False)
        self._check_schema()

    def _check_schema(self) -> None:
        try:
            found = current_revision(self.engine)
        except OperationalError as exc:
            self.engine.dispose()
            raise _unavailable(self.url, exc) from exc
        wanted = head_revision()
        if found != wanted:
            self.engine.dispose()
            raise StoreUnavailableError(
                safe_url(self.url),
                f"the schema is at migration {found or '(none: empty database)'}, "
                f"this formocr needs {wanted}",
                "upgrade the schema (formocr db upgrade, i.e. ocr_pipeline.store.db.upgrade); "
                "if the database is newer, upgrade formocr instead",
            )

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgresql"

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._session(self._reader) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._session(self._writer) as session:
            yield session

    @contextmanager
    def write_rows(self) -> Iterator[Connection]:
        """A write transaction on a plain connection, without an ORM session: for the paths
        every file takes, written as Core statements. Committed, rolled back and failing as
        :meth:`write` does."""
        with self._failures(), self._write_engine.begin() as conn:
            yield conn

    @contextmanager
    def _session(self, maker: sessionmaker[Session]) -> Iterator[Session]:
        with self._failures(), maker() as session, session.begin():
            yield session

    @contextmanager
    def _failures(self) -> Iterator[None]:
        """Database failures as :class:`StoreUnavailableError`."""
        try:
            yield
        except OperationalError as exc:
            raise _unavailable(self.url, exc) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise _unavailable(self.url, exc) from exc
            raise

    def dispose(self) -> None:
        self.engine.dispose()
