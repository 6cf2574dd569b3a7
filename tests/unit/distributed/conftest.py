"""Fixtures of the distributed-mode tests: a real PostgreSQL schema and a real Redis database.

PostgreSQL comes from ``FORMOCR_TEST_POSTGRES_URL`` and Redis from ``FORMOCR_TEST_REDIS_URL``
(``scripts/postgres.sh`` and ``scripts/redis.sh`` start servers and print them). Without one
the tests that need it are skipped, unless ``FORMOCR_REQUIRE_POSTGRES=1`` /
``FORMOCR_REQUIRE_REDIS=1`` (``scripts/test.sh`` sets both), which makes the skip a failure.

Each test gets a fresh schema and a Redis database (1-15) that it claims with a marker key
and empties afterwards, so that tests of other checkouts on the same servers are not
disturbed.

- ``pg_url`` / ``redis_url``; ``dsettings``: settings with ``task_backend = celery``, both
  URLs and ``data_dir`` in ``tmp_path``; ``dstore``: its migrated store, with a settable clock.
- ``queue_file(store, paths, tenant, name, **spec)``: a fake scan recorded, archived and
  queued as the intake does it; its work item.
"""

from __future__ import annotations

import hashlib
import os
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline.settings import Settings, load_settings
from ocr_pipeline.store import Store, WorkItem
from ocr_pipeline.watch import WatchPaths
from tests.pg_schema import fresh_schema
from tests.unit.watch.watch_fakes import scan_bytes

PG_BASE_URL = os.environ.get("FORMOCR_TEST_POSTGRES_URL")
PG_REQUIRED = os.environ.get("FORMOCR_REQUIRE_POSTGRES") == "1"
REDIS_BASE_URL = os.environ.get("FORMOCR_TEST_REDIS_URL")
REDIS_REQUIRED = os.environ.get("FORMOCR_REQUIRE_REDIS") == "1"
CLAIM_KEY = "formocr:test:claimed-by"


def need(url: str | None, required: bool, what: str, env: str, script: str) -> str:
    if url:
        return url
    if required:
        pytest.fail(f"{what} is required (FORMOCR_REQUIRE_...=1) but {env} is not set")
    pytest.skip(f"needs {what}: set {env} ({script} starts a server and prints it)")


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = need(PG_BASE_URL, PG_REQUIRED, "PostgreSQL", "FORMOCR_TEST_POSTGRES_URL",
                "scripts/postgres.sh")  # fmt: skip
    with fresh_schema(base, "dist") as url:
        yield url


def claim_redis_db(base: str) -> tuple[str, Any]:
    """A Redis database of the server at ``base`` that nobody uses, claimed; its URL."""
    import redis

    dbs = list(range(1, 16))
    random.shuffle(dbs)
    root = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    for db in dbs:
        url = f"{root}/{db}"
        client = redis.Redis.from_url(url)
        if client.dbsize() == 0 and client.set(CLAIM_KEY, uuid.uuid4().hex, nx=True):
            return url, client
        client.close()
    pytest.fail(f"no free Redis database on {root}")


@pytest.fixture
def redis_url() -> Iterator[str]:
    base = need(REDIS_BASE_URL, REDIS_REQUIRED, "Redis", "FORMOCR_TEST_REDIS_URL",
                "scripts/redis.sh")  # fmt: skip
    url, client = claim_redis_db(base)
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def dsettings(pg_url: str, redis_url: str, no_formocr_env: Path) -> Settings:
    return load_settings(
        data_dir=no_formocr_env / "data",
        database_url=pg_url,
        task_backend="celery",
        broker_url=redis_url,
        lease_seconds=30.0,
    )


class Clock:
    """The store's clock; ``advance`` moves it on."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def dstore(dsettings: Settings, clock: Clock) -> Iterator[Store]:
    store = Store.from_settings(dsettings, migrate=True, clock=clock)
    yield store
    store.close()


@pytest.fixture
def dpaths(dsettings: Settings) -> WatchPaths:
    paths = WatchPaths.from_settings(dsettings)
    paths.create()
    return paths


QueueFile = Callable[..., WorkItem]


@pytest.fixture
def queue_file(dstore: Store, dpaths: WatchPaths) -> QueueFile:
    def make(name: str, tenant: str = "town-a", **spec: Any) -> WorkItem:
        data = scan_bytes(spec.pop("pages", ("ok",)), name, **spec)
        sha = hashlib.sha256(data).hexdigest()
        target = dpaths.archive_file(tenant, sha, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        town = dstore.for_tenant(tenant)
        town.ensure_tenant()
        source, _ = town.register_source(sha, name, len(data), enqueue=False)
        town.archive(source.id, str(target))
        return town.enqueue(source.id)

    return make
