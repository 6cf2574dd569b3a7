"""One active intake per store, elected through a PostgreSQL advisory lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ocr_pipeline.distributed import IntakeRunner
from ocr_pipeline.distributed.leader import PgLeadership, pg_leader
from ocr_pipeline.settings import Settings
from ocr_pipeline.store import Store, WorkState
from ocr_pipeline.watch import WatchOptions
from tests.servers import postgres_schema
from tests.unit.watch.watch_fakes import FAST, scan_bytes

WAIT = 60.0


def end_session(url: str, label: str) -> None:
    """What the death of an intake's machine does to its lock: the session ends."""
    engine = create_engine(url)
    with engine.begin() as conn:
        ended = conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 "WHERE application_name = :label"), {"label": label},
        ).all()  # fmt: skip
    engine.dispose()
    assert ended == [(True,)]


@pytest.fixture
def leaders(pg_url: str) -> Iterator[tuple[PgLeadership, PgLeadership]]:
    a = PgLeadership(pg_url, "formocr-intake host-a:101")
    b = PgLeadership(pg_url, "formocr-intake host-b:202")
    yield a, b
    a.close()
    b.close()


def test_a_second_intake_waits_and_takes_over_when_the_first_session_ends(
    pg_url: str, leaders: tuple[PgLeadership, PgLeadership]
) -> None:
    a, b = leaders
    assert pg_leader(pg_url) is None
    assert a.try_acquire()
    assert not b.try_acquire()
    assert a.still_leading()
    info = pg_leader(pg_url)
    assert info is not None and (info.host, info.pid) == ("host-a", 101)
    end_session(pg_url, a.label)
    assert not a.still_leading()
    assert b.try_acquire()
    info = pg_leader(pg_url)
    assert info is not None and (info.host, info.pid) == ("host-b", 202)
    assert not a.try_acquire()


def test_a_leader_that_stops_lets_the_next_one_lead(
    leaders: tuple[PgLeadership, PgLeadership],
) -> None:
    a, b = leaders
    assert a.try_acquire()
    a.release()
    assert b.try_acquire()


def test_intakes_of_stores_in_other_schemas_do_not_compete(pg_url: str) -> None:
    with postgres_schema() as other:
        a, b = PgLeadership(pg_url), PgLeadership(other)
        try:
            assert a.try_acquire()
            assert b.try_acquire()
        finally:
            a.close()
            b.close()


class NoBroker:
    """A dispatcher that only records what was queued when it ran."""

    def __init__(self, _settings: Settings) -> None:
        self.ticks = 0

    def tick(self, store: Store) -> None:
        self.ticks += 1


def wait_for(event: threading.Event, what: str) -> None:
    assert event.wait(WAIT), f"{what} within {WAIT:.0f} s"


def test_the_standby_intake_takes_files_once_the_leader_is_gone(
    dsettings: Settings, dstore: Store, no_formocr_env: Path
) -> None:
    options = WatchOptions(**{**FAST, "workers": 1})
    states: dict[str, list[str]] = {"first": [], "second": []}
    runners = {
        name: IntakeRunner(dsettings, options, on_state=states[name].append,
                           dispatcher_factory=NoBroker)  # type: ignore[arg-type]
        for name in states
    }  # fmt: skip
    stops = {name: threading.Event() for name in runners}
    threads = {
        name: threading.Thread(target=runners[name].run, args=(stops[name],), daemon=True)
        for name in runners
    }
    try:
        threads["first"].start()
        wait_for(runners["first"].ready, "the first intake leads")
        threads["second"].start()
        wait_for(runners["second"].standby, "the second intake waits")
        stops["first"].set()  # the first goes away
        threads["first"].join(WAIT)
        wait_for(runners["second"].ready, "the second intake leads")
        inbox = dsettings.inbox_path / "town-a"
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / "late.json").write_bytes(scan_bytes(("ok",), "late"))
        deadline = time.monotonic() + WAIT
        while not dstore.work_counts().get("town-a", {}).get(WorkState.QUEUED.value):
            assert time.monotonic() < deadline, "the file was not taken"
            time.sleep(0.1)
    finally:
        for stop in stops.values():
            stop.set()
        for thread in threads.values():
            if thread.is_alive():
                thread.join(WAIT)
    assert states["first"] == ["leading"]
    assert states["second"] == ["standby", "leading"]
    assert not runners["first"].standby.is_set()


def test_a_leader_whose_session_ends_steps_down_and_the_standby_leads(
    dsettings: Settings, dstore: Store, pg_url: str
) -> None:
    options = WatchOptions(**{**FAST, "workers": 1})
    states: list[str] = []
    runner = IntakeRunner(dsettings, options, on_state=states.append,
                          dispatcher_factory=NoBroker)  # type: ignore[arg-type]  # fmt: skip
    other = PgLeadership(pg_url, "formocr-intake other-host:7")
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    try:
        thread.start()
        wait_for(runner.ready, "the intake leads")
        info = pg_leader(pg_url)
        assert info is not None
        end_session(pg_url, info.label)
        deadline = time.monotonic() + WAIT
        while not other.try_acquire():  # the other machine's intake takes over
            assert time.monotonic() < deadline, "the lock was not free"
            time.sleep(0.2)
        wait_for(runner.standby, "the former leader waits")
        assert not runner.ready.is_set()
        other.close()  # the other one goes: the first leads again
        deadline = time.monotonic() + WAIT
        while "leading" not in states[states.index("stepped down") :]:
            assert time.monotonic() < deadline, f"not leading again: {states}"
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(WAIT)
        other.close()
    assert states[:3] == ["leading", "stepped down", "standby"]
