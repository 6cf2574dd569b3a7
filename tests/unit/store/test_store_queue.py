"""The durable work queue: FIFO claims, leases that run out and are claimed again, heartbeats,
no item held by two workers at once (threads with their own connections), and a worker killed
with SIGKILL whose work is resumed without duplicates."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.store import (
    ConflictError,
    LeaseLostError,
    NotFoundError,
    SourceState,
    Store,
    TenantStore,
    WorkState,
)

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit


def _queue(town: TenantStore, kit: Kit, n: int) -> list[int]:
    return [town.register_source(kit.sha(f"file {i}"), f"{i}.pdf", 1)[0].id for i in range(n)]


def test_items_are_claimed_oldest_first_then_none(town_a: TenantStore, kit: Kit) -> None:
    sources = _queue(town_a, kit, 3)
    claimed = [town_a.claim_next("w1", 60) for _ in range(3)]
    assert [c.source_file_id for c in claimed if c] == sources
    assert town_a.claim_next("w1", 60) is None
    assert all(c and c.state is WorkState.RUNNING and c.attempts == 1 for c in claimed)
    assert town_a.get_source(sources[0]).state is SourceState.PROCESSING


def test_an_expired_lease_is_claimed_again(town_a: TenantStore, kit: Kit, clock: Any) -> None:
    _queue(town_a, kit, 1)
    first = town_a.claim_next("w1", lease_seconds=60)
    assert first is not None
    clock.advance(59)
    assert town_a.claim_next("w2", 60) is None
    clock.advance(2)
    again = town_a.claim_next("w2", 60)
    assert again is not None
    assert (again.id, again.worker_id, again.attempts) == (first.id, "w2", 2)
    with pytest.raises(LeaseLostError):
        town_a.heartbeat(first.id, "w1", 60)
    with pytest.raises(LeaseLostError):
        town_a.complete(first.id, "w1")
    assert town_a.complete(again.id, "w2").state is WorkState.DONE
    assert town_a.get_source(again.source_file_id).state is SourceState.DONE


def test_heartbeats_keep_the_lease(town_a: TenantStore, kit: Kit, clock: Any) -> None:
    _queue(town_a, kit, 1)
    item = town_a.claim_next("w1", 60)
    assert item is not None
    for _ in range(5):
        clock.advance(50)
        town_a.heartbeat(item.id, "w1", 60)
        assert town_a.claim_next("w2", 60) is None
    assert town_a.release_expired_leases() == 0


def test_release_expired_leases_requeues(
    store: Store, town_a: TenantStore, kit: Kit, clock: Any
) -> None:
    _queue(town_a, kit, 2)
    a, b = town_a.claim_next("w1", 60), town_a.claim_next("w1", 600)
    assert a and b
    clock.advance(61)
    assert town_a.release_expired_leases() == 1
    states = {w.id: (w.state, w.worker_id) for w in town_a.list_work()}
    assert states == {a.id: (WorkState.QUEUED, None), b.id: (WorkState.RUNNING, "w1")}
    assert town_a.get_source(a.source_file_id).state is SourceState.QUEUED
    clock.advance(600)
    assert store.release_expired_leases() == 1


def test_fail_keeps_the_error(town_a: TenantStore, kit: Kit) -> None:
    _queue(town_a, kit, 1)
    item = town_a.claim_next("w1", 60)
    assert item is not None
    error = {"error": "MemoryError", "page": 3}
    failed = town_a.fail(item.id, "w1", error)
    assert (failed.state, failed.last_error) == (WorkState.FAILED, error)
    assert town_a.claim_next("w1", 60) is None
    assert town_a.list_work(WorkState.FAILED) == [failed]
    with pytest.raises(NotFoundError):
        town_a.complete(item.id + 1000, "w1")


def test_fail_with_retry_puts_the_item_back(town_a: TenantStore, kit: Kit) -> None:
    (source_id,) = _queue(town_a, kit, 1)
    item = town_a.claim_next("w1", 60)
    assert item is not None
    back = town_a.fail(item.id, "w1", {"error": "shutting down"}, retry=True)
    assert (back.state, back.worker_id) == (WorkState.QUEUED, None)
    assert town_a.get_source(source_id).state is SourceState.QUEUED
    again = town_a.claim_next("w2", 60)
    assert again is not None and (again.id, again.attempts) == (item.id, 2)


def test_failed_and_quarantined_files_can_be_queued_again(town_a: TenantStore, kit: Kit) -> None:
    failed_src, bad_src, fine_src = _queue(town_a, kit, 3)
    item = town_a.claim_next("w1", 60)
    assert item is not None and item.source_file_id == failed_src
    town_a.fail(item.id, "w1", {"error": "model missing"})
    assert town_a.get_source(failed_src).error == {"error": "model missing"}
    town_a.quarantine(bad_src, {"reason": "encrypted"}, "quarantine/b.pdf")
    for src in (failed_src, bad_src):
        out = town_a.requeue(src, actor="admin")
        assert (out.state, out.error) == (SourceState.QUEUED, None)
    assert town_a.get_source(bad_src).stored_path == "quarantine/b.pdf"
    assert {w.state for w in town_a.list_work()} == {WorkState.QUEUED}
    assert town_a.source_history(bad_src)[-1].old == {
        "state": "quarantined",
        "error": {"reason": "encrypted"},
    }
    with pytest.raises(ConflictError):
        town_a.requeue(fine_src, actor="admin")


@pytest.mark.parametrize(("lease", "worker"), [(0, "w"), (100000, "w"), (60, "")])
def test_bad_leases_are_refused(town_a: TenantStore, lease: float, worker: str) -> None:
    with pytest.raises(BadArgumentsError):
        town_a.claim_next(worker, lease)


def test_a_shared_worker_pool_claims_across_tenants(
    store: Store, town_a: TenantStore, town_b: TenantStore, kit: Kit
) -> None:
    _queue(town_a, kit, 1)
    _queue(town_b, kit, 1)
    got = [store.claim_next("pool", 60), store.claim_next("pool", 60), store.claim_next("p", 60)]
    assert [g.tenant_id if g else None for g in got] == ["town-a", "town-b", None]


def test_no_item_is_claimed_twice_by_concurrent_workers(
    open_store: Callable[[], Store], town_a: TenantStore, kit: Kit
) -> None:
    """Four workers, each with its own Store (own engine and connections), race for 60 items."""
    _queue(town_a, kit, 60)
    claimed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    stores = [open_store().for_tenant("town-a") for _ in range(4)]
    start = threading.Barrier(len(stores))

    def work(n: int, town: TenantStore) -> None:
        try:
            start.wait()
            while (item := town.claim_next(f"w{n}", 300)) is not None:
                town.complete(item.id, f"w{n}")
                with lock:
                    claimed.append(item.id)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(n, t), daemon=True) for n, t in enumerate(stores)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert len(claimed) == 60
    assert Counter(claimed).most_common(1)[0][1] == 1
    assert {w.state for w in town_a.list_work()} == {WorkState.DONE}


_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from ocr_pipeline.results import PageResult, PageStatus
    from ocr_pipeline.store import Store

    url, images = sys.argv[1], Path(sys.argv[2])
    town = Store.open(url, images).for_tenant("town-a")
    item = town.claim_next("doomed-worker", lease_seconds=120)
    page = PageResult("a.pdf", 1, PageStatus.OK, form="water_service", form_version=1)
    town.save_result(item.source_file_id, [page], {})
    print(item.id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # dies before complete(): the lease stays behind
    """
)


def test_a_killed_worker_is_resumed_without_duplicates(
    migrated_url: str, town_a: TenantStore, kit: Kit, clock: Any, tmp_path: Path
) -> None:
    (source_id,) = _queue(town_a, kit, 1)
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, migrated_url, str(tmp_path / "images")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    item_id = int(child.stdout.strip())
    (held,) = town_a.list_work()
    assert (held.id, held.state, held.worker_id) == (item_id, WorkState.RUNNING, "doomed-worker")
    assert town_a.claim_next("restarted", 60) is None  # the lease still runs
    clock.now = held.lease_until  # the store's clock; the child used the real one
    assert held.lease_until is not None
    clock.advance(1)
    again = town_a.claim_next("restarted", 60)
    assert again is not None and (again.id, again.attempts) == (item_id, 2)
    page = kit.water(1)
    first_ids = [d.id for d in town_a.list_documents()]
    assert town_a.save_result(source_id, [page], {}) == first_ids  # already saved: no duplicate
    town_a.complete(again.id, "restarted")
    assert len(town_a.list_documents()) == 1
    assert town_a.get_source(source_id).state is SourceState.DONE
