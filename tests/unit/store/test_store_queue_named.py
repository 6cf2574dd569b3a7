"""The queue as the distributed mode uses it: claiming a named item, finding what to send
(``queued_after``), the depth per tenant (``work_counts``) and leases that ran out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from ocr_pipeline.store import NotFoundError, Store, TenantStore, WorkState

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit


def _queue(town: TenantStore, kit: Kit, n: int, tag: str = "") -> list[int]:
    sources = [
        town.register_source(kit.sha(f"{tag} file {i}"), f"{i}.pdf", 1)[0].id for i in range(n)
    ]
    return [w.id for w in town.list_work(WorkState.QUEUED) if w.source_file_id in sources]


def test_a_named_item_is_claimed_only_while_claimable(
    town_a: TenantStore, town_b: TenantStore, kit: Kit, clock: Any
) -> None:
    first, second = _queue(town_a, kit, 2)
    got = town_a.claim_item(second, "w1", 60)
    assert got is not None and (got.id, got.worker_id, got.attempts) == (second, "w1", 1)
    assert town_a.claim_item(second, "w2", 60) is None  # held under a live lease
    assert town_b.claim_item(first, "w2", 60) is None  # not town B's
    assert town_a.claim_item(first + second + 100, "w2", 60) is None  # no such item
    clock.advance(61)
    again = town_a.claim_item(second, "w2", 60)  # the lease ran out
    assert again is not None and (again.worker_id, again.attempts) == ("w2", 2)
    town_a.complete(second, "w2")
    assert town_a.claim_item(second, "w3", 60) is None  # done
    assert town_a.get_work(second).state is WorkState.DONE
    assert town_a.get_work(first).state is WorkState.QUEUED
    with pytest.raises(NotFoundError):
        town_b.get_work(first)


def test_queued_items_of_every_tenant_are_listed_after_a_mark(
    store: Store, town_a: TenantStore, town_b: TenantStore, kit: Kit
) -> None:
    a = _queue(town_a, kit, 2, "a")
    b = _queue(town_b, kit, 1, "b")
    listed = store.queued_after(0)
    assert [(w.tenant_id, w.id) for w in listed] == sorted(
        [("town-a", i) for i in a] + [("town-b", i) for i in b], key=lambda p: p[1]
    )
    assert [w.id for w in store.queued_after(listed[0].id, limit=1)] == [listed[1].id]
    assert [w.id for w in store.queued_after(0, tenants={"town-b"})] == b  # an intake's share
    assert store.queued_after(0, tenants=set()) == []
    town_a.claim_item(a[1], "w", 60)
    assert a[1] not in [w.id for w in store.queued_after(0)]


def test_work_counts_and_expired_leases_cover_every_tenant(
    store: Store, town_a: TenantStore, town_b: TenantStore, kit: Kit, clock: Any
) -> None:
    a = _queue(town_a, kit, 3, "a")
    _queue(town_b, kit, 1, "b")
    town_a.claim_item(a[0], "w", 30)
    town_a.claim_item(a[1], "w", 90)
    town_a.complete(a[1], "w")
    assert store.work_counts() == {
        "town-a": {"queued": 1, "running": 1, "done": 1},
        "town-b": {"queued": 1},
    }
    assert store.expired_leases() == []
    clock.advance(31)
    assert [w.id for w in store.expired_leases()] == [a[0]]
