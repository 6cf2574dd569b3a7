"""What the broker holds: messages waiting in each tenant's queue (Redis ``LLEN``).

Messages a worker has taken but not yet acknowledged are not counted: they are in the
store as ``running`` (or about to be)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .app import queue_name


def redis_client(url: str, timeout: float = 5.0) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


def queue_depths(client: Any, tenants: Iterable[str]) -> dict[str, int]:
    """Messages waiting in the queue of each of ``tenants``."""
    names = list(tenants)
    pipe = client.pipeline(transaction=False)
    for tenant in names:
        pipe.llen(queue_name(tenant))
    return {t: int(n) for t, n in zip(names, pipe.execute(), strict=True)}
