"""The PostgreSQL and Redis servers of the distributed-mode tests, from the environment.

``FORMOCR_TEST_POSTGRES_URL`` and ``FORMOCR_TEST_REDIS_URL`` (``scripts/postgres.sh`` and
``scripts/redis.sh`` start servers and print them). Without one, a test that needs it is
skipped, unless ``FORMOCR_REQUIRE_POSTGRES=1`` / ``FORMOCR_REQUIRE_REDIS=1`` (``scripts/test.sh``
sets both), which makes the skip a failure. Read at import: CLI fixtures clear ``FORMOCR_*``.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.pg_schema import fresh_schema

PG_BASE_URL = os.environ.get("FORMOCR_TEST_POSTGRES_URL")
PG_REQUIRED = os.environ.get("FORMOCR_REQUIRE_POSTGRES") == "1"
REDIS_BASE_URL = os.environ.get("FORMOCR_TEST_REDIS_URL")
REDIS_REQUIRED = os.environ.get("FORMOCR_REQUIRE_REDIS") == "1"
CLAIM_KEY = "formocr:test:claimed-by"


def need(url: str | None, required: bool, env: str, script: str) -> str:
    if url:
        return url
    if required:
        pytest.fail(f"{env} is not set, but the tests must run against a real server")
    pytest.skip(f"needs {env} ({script} starts a server and prints it)")


@contextmanager
def postgres_schema(prefix: str = "dist") -> Iterator[str]:
    """The URL of a fresh schema on the test PostgreSQL, dropped afterwards."""
    base = need(PG_BASE_URL, PG_REQUIRED, "FORMOCR_TEST_POSTGRES_URL", "scripts/postgres.sh")
    with fresh_schema(base, prefix) as url:
        yield url


@contextmanager
def redis_database() -> Iterator[str]:
    """The URL of a database (1-15) of the test Redis that nobody else uses, claimed with a
    marker key and emptied afterwards (tests of other checkouts may share the server)."""
    import redis

    base = need(REDIS_BASE_URL, REDIS_REQUIRED, "FORMOCR_TEST_REDIS_URL", "scripts/redis.sh")
    root = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    dbs = list(range(1, 16))
    random.shuffle(dbs)
    for db in dbs:
        url = f"{root}/{db}"
        client = redis.Redis.from_url(url)
        if client.dbsize() == 0 and client.set(CLAIM_KEY, uuid.uuid4().hex, nx=True):
            try:
                yield url
            finally:
                client.flushdb()
                client.close()
            return
        client.close()
    pytest.fail(f"no free Redis database on {root}")
