"""Fixtures of the distributed-mode tests: a real PostgreSQL schema and a real Redis database.

Each test gets a fresh schema and a Redis database of its own (:mod:`tests.servers`: skipped
without the servers, failed when ``scripts/test.sh`` requires them).

- ``pg_url`` / ``redis_url``; ``dsettings``: settings with ``task_backend = celery``, both
  URLs and ``data_dir`` in ``tmp_path``; ``dstore``: its migrated store, with a settable clock.
- ``queue_file(store, paths, tenant, name, **spec)``: a fake scan recorded, archived and
  queued as the intake does it; its work item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline.settings import Settings, load_settings
from ocr_pipeline.store import Store, WorkItem
from ocr_pipeline.watch import WatchPaths
from tests.servers import postgres_schema, redis_database
from tests.unit.watch.watch_fakes import scan_bytes


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_database() as url:
        yield url


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
