"""Alembic environment of the store. Run through :func:`ocr_pipeline.store.db.upgrade`, which
hands over an open connection (``config.attributes["connection"]``); otherwise the URL in the
configuration is used. Offline (SQL script) mode is not supported."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from ocr_pipeline.store.db import make_engine
from ocr_pipeline.store.models import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs copy the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported; give a database connection")

given = config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()
