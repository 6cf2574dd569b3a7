"""A fresh PostgreSQL schema for one test, on the server ``scripts/postgres.sh`` starts: the
store tests and the crash test each get an empty database this way and drop it afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def fresh_schema(base_url: str, prefix: str = "t") -> Iterator[str]:
    """The URL of an empty schema on the server of ``base_url`` (its ``search_path``),
    dropped with everything in it when the block ends."""
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            # A test that left a connection hanging must fail here, not hang the run.
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
