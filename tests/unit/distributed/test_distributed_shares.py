"""Several intakes sharing the municipalities (``intake_split = tenant``): each holds the
advisory locks of its share, and a dead intake's share is taken over."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocr_pipeline.distributed import IntakeRunner, collect
from ocr_pipeline.distributed.shares import PgShares, fair_share, share_holders
from ocr_pipeline.settings import Settings
from ocr_pipeline.store import Store, WorkState
from ocr_pipeline.watch import WatchOptions
from tests.unit.distributed.test_distributed_leader import NoBroker, end_session
from tests.unit.watch.watch_fakes import FAST, scan_bytes

WAIT = 60.0
TOWNS = ("town-a", "town-b", "town-c", "town-d", "town-e")


class Mono:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def mono() -> Mono:
    """A monotonic clock for the shares (not the store's ``clock``)."""
    return Mono()


@pytest.fixture
def pair(pg_url: str, mono: Mono) -> Iterator[tuple[PgShares, PgShares]]:
    made = [
        PgShares(
            pg_url, f"formocr-intake host-{n}:{n}", check_seconds=0, grace_seconds=3, clock=mono
        )
        for n in (1, 2)
    ]
    yield made[0], made[1]
    for shares in made:
        shares.close()


def towns() -> list[str]:
    return list(TOWNS)


def test_fair_share() -> None:
    assert [fair_share(5, n) for n in (0, 1, 2, 3, 5, 9)] == [5, 5, 3, 2, 1, 1]
    assert fair_share(0, 3) == 0


def test_two_intakes_split_the_towns_and_one_takes_over_the_share_of_a_dead_one(
    pg_url: str, pair: tuple[PgShares, PgShares], mono: Mono
) -> None:
    a, b = pair
    assert a.try_acquire()
    assert share_holders(pg_url, ["town-a"]) == {
        "intakes": 1,
        "municipalities": {"town-a": None},
    }
    assert a.refresh(towns) == frozenset()  # held, but not taken before the grace period
    assert a.held() == frozenset(TOWNS)
    mono.now += 3
    assert a.refresh(towns) == frozenset(TOWNS)
    assert b.try_acquire()
    assert b.intakes() == 2
    assert b.refresh(towns) == frozenset()  # every lock is a's
    a.refresh(towns)  # a keeps its fair share (3 of 5) and lets the others go
    assert len(a.held()) == 3
    b.refresh(towns)
    assert len(b.held()) == 2
    assert a.held().isdisjoint(b.held())
    assert a.held() | b.held() == frozenset(TOWNS)
    takers = share_holders(pg_url, TOWNS)
    assert takers["intakes"] == 2
    assert takers["municipalities"] == {t: (a.label if t in a.held() else b.label) for t in TOWNS}
    mono.now += 3
    assert b.refresh(towns) == b.held()
    end_session(pg_url, a.label)  # a's machine dies
    assert not a.still_leading()
    assert a.refresh(towns) == frozenset()
    b.refresh(towns)
    assert b.held() == frozenset(TOWNS)
    assert b.intakes() == 1
    mono.now += 3
    assert b.refresh(towns) == frozenset(TOWNS)


def test_a_town_added_later_is_taken_and_a_town_gone_is_let_go(
    pair: tuple[PgShares, PgShares], mono: Mono
) -> None:
    a, _ = pair
    a.try_acquire()
    a.refresh(lambda: ["town-a"])
    a.refresh(lambda: ["town-a", "town-new"])
    assert a.held() == {"town-a", "town-new"}
    a.refresh(lambda: ["town-new"])
    assert a.held() == {"town-new"}


def test_an_intake_that_leaves_frees_its_share(
    pg_url: str, pair: tuple[PgShares, PgShares], mono: Mono
) -> None:
    a, b = pair
    a.try_acquire()
    a.refresh(towns)
    b.try_acquire()
    b.refresh(towns)
    assert b.held() == frozenset()
    a.release()
    assert share_holders(pg_url)["intakes"] == 1
    b.refresh(towns)
    assert b.held() == frozenset(TOWNS)


def test_the_list_of_towns_failing_keeps_the_share(pair: tuple[PgShares, PgShares]) -> None:
    a, _ = pair
    a.try_acquire()
    a.refresh(towns)

    def broken() -> list[str]:
        raise OSError("the inbox share is unreachable")

    a.refresh(broken)
    assert a.held() == frozenset(TOWNS)
    assert a.still_leading()


def drop(settings: Settings, tenant: str, name: str) -> None:
    inbox = settings.inbox_path / tenant
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / name).write_bytes(scan_bytes(("ok",), f"{tenant}/{name}"))


def wait_queued(store: Store, tenants: tuple[str, ...], n: int = 1) -> None:
    deadline = time.monotonic() + WAIT
    while not all(
        store.work_counts().get(t, {}).get(WorkState.QUEUED.value, 0) >= n for t in tenants
    ):
        assert time.monotonic() < deadline, f"not taken: {store.work_counts()}"
        time.sleep(0.1)


def test_two_intakes_take_every_town_once_and_the_survivor_takes_all_after_a_stop(
    dsettings: Settings, dstore: Store, no_formocr_env: Path
) -> None:
    settings = dsettings.model_copy(update={"intake_split": "tenant"})
    options = WatchOptions(**{**FAST, "workers": 1})
    tenants = TOWNS[:4]
    for tenant in tenants:
        drop(settings, tenant, "first.json")
    states: dict[str, list[str]] = {"one": [], "two": []}
    runners = {
        name: IntakeRunner(settings, options, on_state=states[name].append,
                           dispatcher_factory=NoBroker)  # type: ignore[arg-type]
        for name in states
    }  # fmt: skip
    stops = {name: threading.Event() for name in runners}
    threads = {
        name: threading.Thread(target=runners[name].run, args=(stops[name],), daemon=True)
        for name in runners
    }
    try:
        for thread in threads.values():
            thread.start()
        wait_queued(dstore, tenants)
        deadline = time.monotonic() + WAIT
        while True:  # both settle on a share of two towns each
            shares = [runners[n].shares for n in runners]
            held = [s.held() if s is not None else frozenset() for s in shares]
            if all(len(h) == 2 for h in held):
                break
            assert time.monotonic() < deadline, f"not shared: {held}"
            time.sleep(0.2)
        assert held[0].isdisjoint(held[1])
        stops["one"].set()  # the first goes away: the second takes its towns over
        threads["one"].join(WAIT)
        for tenant in tenants:
            drop(settings, tenant, "second.json")
        wait_queued(dstore, tenants, 2)
        two = runners["two"].shares
        assert two is not None and two.held() == frozenset(tenants)
    finally:
        for stop in stops.values():
            stop.set()
        for thread in threads.values():
            if thread.is_alive():
                thread.join(WAIT)
    assert states == {"one": ["sharing"], "two": ["sharing"]}
    taken = [f for r in runners.values() for f in r.summary.files]
    assert taken == []  # queued files are reported by the readers, not by the intakes
    for tenant in tenants:
        town = dstore.for_tenant(tenant)
        sources = town.list_sources(limit=10)
        assert sorted(s.name for s in sources) == ["first.json", "second.json"]
        assert all(s.state.value == "queued" for s in sources)
        assert not list((settings.inbox_path / tenant).iterdir())


def test_an_intake_whose_session_ends_steps_down_and_joins_again(
    dsettings: Settings, dstore: Store, pg_url: str
) -> None:
    settings = dsettings.model_copy(update={"intake_split": "tenant"})
    options = WatchOptions(**{**FAST, "workers": 1})
    states: list[str] = []
    runner = IntakeRunner(settings, options, on_state=states.append,
                          dispatcher_factory=NoBroker)  # type: ignore[arg-type]  # fmt: skip
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    drop(settings, "town-a", "before.json")
    try:
        thread.start()
        wait_queued(dstore, ("town-a",))
        assert runner.shares is not None
        end_session(pg_url, runner.shares.label)
        deadline = time.monotonic() + WAIT
        while states[-1:] != ["sharing"] or "stepped down" not in states:
            assert time.monotonic() < deadline, f"not sharing again: {states}"
            time.sleep(0.1)
        drop(settings, "town-a", "after.json")
        wait_queued(dstore, ("town-a",), 2)
    finally:
        stop.set()
        thread.join(WAIT)
    assert states == ["sharing", "stepped down", "sharing"]


def test_status_names_the_intake_taking_each_town(
    dsettings: Settings, dstore: Store, pair: tuple[PgShares, PgShares]
) -> None:
    settings = dsettings.model_copy(update={"intake_split": "tenant"})
    for tenant in ("town-a", "town-b"):
        dstore.for_tenant(tenant).ensure_tenant()
    a, _ = pair
    a.try_acquire()
    a.refresh(lambda: ["town-a"])
    out = collect(settings, ping_seconds=0.2)
    assert out["intakes"] == {"intakes": 1, "municipalities": {"town-a": a.label, "town-b": None}}
    assert "intakes" not in collect(dsettings, ping_seconds=0.2)  # intake_split = store
