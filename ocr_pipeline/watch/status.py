"""How much work is left, for deciding that a run is idle (and for tests and monitoring)."""

from __future__ import annotations

from ..store import Store, WorkState


def backlog(store: Store) -> int:
    """Work items queued or running, over all tenants."""
    total = 0
    for tenant in store.tenants():
        work = store.for_tenant(tenant).counts().work
        total += work.get(WorkState.QUEUED.value, 0) + work.get(WorkState.RUNNING.value, 0)
    return total
