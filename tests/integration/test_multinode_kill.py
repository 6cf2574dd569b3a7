"""Multi-node kill test (issue 12): three "machines" share only PostgreSQL, the broker and the
shared folder (inbox, archive, quarantine, and ``data_dir``, where the store keeps the page
images); each is a process group with its own working folder running ``formocr watch`` (intake:
one is elected, the others stand by) and ``formocr worker --concurrency 2``. While they read
more than 100 files of two municipalities, whole nodes are killed with SIGKILL at random
(seeded) at least ``KILLS`` times and started again after a random pause; the Redis broker is
killed and started again empty once (every message lost) and PostgreSQL is stopped at once (``-m
immediate``, crash recovery) and started again once. Then the nodes are left to finish, stopped,
and ``bench/watch_audit.py`` accounts for every file as after the single-machine crash test:
read once, nothing lost, nothing duplicated; and every page image the store records can be read
from the shared folder.

PostgreSQL and Redis are private to the test (their own folders and ports,
:mod:`bench.clusterkit`); the shared server of ``scripts/postgres.sh`` is never touched. The
engine is :mod:`bench.noocr` (reads nothing, instantly): the test is about coordination.

It runs for ``task_backend = celery`` (skipped without redis-server, Celery and ``formocr
worker`` unless ``FORMOCR_REQUIRE_REDIS=1``) and for ``local``, where each node runs ``formocr
watch --workers 2``: the node holding the archive's lock reads, the others stand by; and for
``celery+shares``, ``celery`` with ``intake_split = tenant``: every node's intake takes its
share of the two municipalities, and a killed node's share is taken over. Select it with ``-m
distributed``. About 3 minutes per backend on 2 quiet cores, 6-7 at a load of 10-15.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pytest

from bench import noocr
from bench.clusterkit import (
    BACKENDS,
    Node,
    PrivatePostgres,
    PrivateRedis,
    backend_missing,
    node_env,
    roles,
    shared_env,
)
from bench.watch_audit import Dropped
from bench.watchkit import Scan, group_pids, make_scans
from ocr_pipeline.settings import Settings, load_settings
from ocr_pipeline.store import Store, WorkState
from ocr_pipeline.store.keys import new_key
from ocr_pipeline.watch import drop_file

pytestmark = pytest.mark.distributed

ROOT = Path(__file__).parents[2]
SEED = 20261203
TENANTS = ("town-a", "town-b")
NODES = 3
KILLS = 21
WAVES = (0, 4, 8, 12, 16)
"""Kill counts at which the next share of the files is dropped."""
HIT_SHARE = 0.7
"""Share of kills aimed at a node holding a file."""
AIM_SECONDS = 30.0
"""How long an aimed kill waits for a node to hold a file (after that it takes any node)."""
REDIS_RESTART_AT = 7
POSTGRES_RESTART_AT = 14
WATCH_ARGS = ("--settle", "0.5", "--rescan", "2")
FINISH_TIMEOUT = 900.0
"""Seconds the nodes may take to finish after the last kill (well under a minute when all
is well; a file that never finishes shows up in the audit)."""
# Read at import: the fixtures clear FORMOCR_* from the environment.
REDIS_REQUIRED = os.environ.get("FORMOCR_REQUIRE_REDIS") == "1"
PG_REQUIRED = os.environ.get("FORMOCR_REQUIRE_POSTGRES") == "1"


@dataclass
class Installation:
    """The private servers, the shared folder and the nodes of one run."""

    tmp: Path
    backend: str
    postgres: PrivatePostgres
    redis: PrivateRedis | None
    shared: dict[str, str]
    nodes: list[Node] = field(default_factory=list)
    events: Counter[str] = field(default_factory=Counter)

    def formocr(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = node_env(self.shared, self.tmp / "harness")
        return subprocess.run(
            [sys.executable, "-m", "ocr_pipeline", *args],
            cwd=self.tmp, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip

    def settings_env(self) -> dict[str, str]:
        return node_env(self.shared, self.tmp / "harness")


def _skip_or_fail(reason: str, required: bool) -> None:
    if required:
        pytest.fail(f"{reason}, but the run requires it")
    pytest.skip(reason)


@pytest.fixture(params=[*BACKENDS, "celery+shares"])
def installation(request: pytest.FixtureRequest, no_formocr_env: Path) -> Iterator[Installation]:
    backend, _, shares = str(request.param).partition("+")
    missing = backend_missing(backend)
    if missing is not None:
        _skip_or_fail(missing, PG_REQUIRED if backend == "local" else REDIS_REQUIRED)
    tmp = no_formocr_env
    postgres = PrivatePostgres()
    redis = PrivateRedis() if backend == "celery" else None
    inst: Installation | None = None
    try:
        postgres.start()
        if redis is not None:
            redis.start()
        shared = shared_env(
            dict(os.environ), tmp / "shared", backend=backend, database_url=postgres.url,
            broker_url=redis.url if redis else None, secret_key=new_key(),
        )  # fmt: skip
        shared = noocr.environment(shared, tmp / "engines", ROOT)
        # The kills come from the test, not from the files: never quarantine as crashed.
        shared.update(FORMOCR_THREADS="1", FORMOCR_MAX_CRASHES="1000")
        if shares:
            shared["FORMOCR_INTAKE_SPLIT"] = "tenant"
        inst = Installation(tmp, backend, postgres, redis, shared)
        done = inst.formocr("db", "upgrade")
        assert done.returncode == 0, done.stderr
        yield inst
    finally:
        if inst is not None:
            for node in inst.nodes:
                node.kill()
        if redis is not None:
            redis.remove()
        postgres.remove()


def files_in_waves(folder: Path) -> list[list[tuple[str, Scan]]]:
    """More than 100 files (single pages, PDFs of 2-3 pages, two broken ones), alternately of
    each municipality, shuffled into ``len(WAVES)`` waves."""
    scans = make_scans(folder, 112, SEED, bad_every=50)
    tagged = [(TENANTS[k % len(TENANTS)], s) for k, s in enumerate(scans)]
    random.Random(SEED).shuffle(tagged)
    return [tagged[i :: len(WAVES)] for i in range(len(WAVES))]


def drop_wave(inbox: Path, wave: list[tuple[str, Scan]], manifest: list[Dropped]) -> None:
    for tenant, scan in wave:
        record = scan.dropped(tenant, scan.path.name, 0.0)
        landed = drop_file(inbox, tenant, scan.path.name, source=scan.path)
        manifest.append(replace(record, name=landed.name, dropped_at=time.time()))


@dataclass
class Downtime:
    """Killed nodes and when each starts again."""

    inst: Installation
    until: dict[int, float] = field(default_factory=dict)

    def pause(self, seconds: float) -> None:
        """Sleep ``seconds``, starting the nodes whose time has come meanwhile."""
        end = time.monotonic() + seconds
        while True:
            now = time.monotonic()
            for i, at in list(self.until.items()):
                if now >= at:
                    self.inst.nodes[i].start()
                    del self.until[i]
            if now >= end:
                return
            time.sleep(min(0.2, end - now))

    def running(self) -> list[int]:
        return [i for i in range(len(self.inst.nodes)) if i not in self.until]


def kill_nodes(inst: Installation, waves: list[list[tuple[str, Scan]]], rng: random.Random,
               inbox: Path, manifest: list[Dropped]) -> None:  # fmt: skip
    """SIGKILL a running node every 1.5-5 s until ``KILLS`` kills, mostly (``HIT_SHARE``) one
    holding a file (waiting up to ``AIM_SECONDS`` for one: nodes take seconds to start); a
    killed node starts again 0.5-4 s later. Waves of files, the Redis restart and the
    PostgreSQL restart come at their kill counts."""
    down = Downtime(inst)
    kills = 0
    while kills < KILLS:
        down.pause(rng.uniform(1.5, 5.0))
        if inst.events["waves"] < len(WAVES) and kills >= WAVES[inst.events["waves"]]:
            drop_wave(inbox, waves[inst.events["waves"]], manifest)
            inst.events["waves"] += 1
        if kills == REDIS_RESTART_AT and inst.redis is not None and not inst.events["redis"]:
            inst.redis.restart()
            inst.events["redis"] += 1
        if kills == POSTGRES_RESTART_AT and not inst.events["postgres"]:
            inst.postgres.restart()
            inst.events["postgres"] += 1
        while not down.running():  # every node is down: wait for one
            down.pause(0.5)
        busy = holding(inst, down.running())
        if rng.random() < HIT_SHARE:
            deadline = time.monotonic() + AIM_SECONDS
            while not busy and time.monotonic() < deadline:
                down.pause(0.5)
                busy = holding(inst, down.running())
        victim = rng.choice(busy or down.running())
        inst.nodes[victim].kill()
        inst.events["hits"] += victim in busy
        kills += 1
        down.until[victim] = time.monotonic() + rng.uniform(0.5, 4.0)
    down.pause(4.0)
    inst.events["kills"] = kills


def holding(inst: Installation, candidates: list[int]) -> list[int]:
    """The nodes among ``candidates`` with a process holding a work item (running, by the
    process id in its worker id); none while the store cannot be reached."""
    try:
        with Store.from_settings(_settings(inst)) as store:
            pids = {
                int(pid)
                for tenant in store.tenants()
                for item in store.for_tenant(tenant).list_work(WorkState.RUNNING)
                if (pid := (item.worker_id or "::").rsplit(":", 2)[1]).isdigit()
            }
    except Exception:  # the store restarting
        return []
    return [
        i
        for i in candidates
        if (proc := inst.nodes[i].proc) is not None and pids & set(group_pids(proc.pid))
    ]


def _settings(inst: Installation) -> Settings:
    return load_settings(
        data_dir=Path(inst.shared["FORMOCR_DATA_DIR"]), database_url=inst.postgres.url
    )


def finished(inst: Installation, manifest: list[Dropped], inbox: Path) -> bool:
    """Every dropped file is done or quarantined, the inbox is empty and no work is queued or
    running (False while the store cannot be reached)."""
    if any(p.is_file() for t in TENANTS for p in (inbox / t).rglob("*")):
        return False
    want = Counter(d.tenant for d in manifest)
    try:
        with Store.from_settings(_settings(inst)) as store:
            for tenant, n in want.items():
                counts = store.for_tenant(tenant).counts()
                busy = counts.work.get("queued", 0) + counts.work.get("running", 0)
                closed = counts.sources.get("done", 0) + counts.sources.get("quarantined", 0)
                if busy or closed != n:
                    return False
    except Exception:  # the store restarting: not finished yet
        return False
    return True


def missing_images(inst: Installation) -> list[str]:
    """Page images recorded in the store that the review UI (on any machine) cannot read."""
    out = []
    with Store.from_settings(_settings(inst)) as store:
        for tenant in store.tenants():
            town = store.for_tenant(tenant)
            for source in town.list_sources(limit=1000):
                for page in town.source_pages(source.id):
                    if page.image_sha256 is None:
                        continue
                    try:
                        town.page_image(page.image_sha256)
                    except Exception as exc:
                        out.append(f"{tenant}/{source.name} page {page.page_no}: {exc}")
    return out


def test_three_nodes_killed_at_random_lose_and_duplicate_nothing(
    installation: Installation, capsys: pytest.CaptureFixture[str]
) -> None:
    inst = installation
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    waves = files_in_waves(inst.tmp / "files")
    assert sum(len(w) for w in waves) >= 100
    inbox = Path(inst.shared["FORMOCR_INBOX_DIR"])
    for i in range(NODES):
        folder = inst.tmp / f"node-{i}"
        commands = roles(inst.backend, workers=2, intake=True, watch_args=WATCH_ARGS)
        inst.nodes.append(Node(f"node-{i}", folder, node_env(inst.shared, folder), commands))
        inst.nodes[-1].start()
    manifest: list[Dropped] = []
    kill_nodes(inst, waves, random.Random(SEED), inbox, manifest)
    while inst.events["waves"] < len(WAVES):
        drop_wave(inbox, waves[inst.events["waves"]], manifest)
        inst.events["waves"] += 1
    under_kills = time.monotonic() - started
    deadline = time.monotonic() + FINISH_TIMEOUT
    while not finished(inst, manifest, inbox) and time.monotonic() < deadline:
        time.sleep(1.0)
    for node in inst.nodes:
        node.stop()

    path = inst.tmp / "manifest.json"
    path.write_text(json.dumps([asdict(d) for d in manifest]), "utf-8")
    audited = subprocess.run(
        [sys.executable, "-m", "bench.watch_audit", inst.shared["FORMOCR_DATA_DIR"],
         str(path), "--json"],
        cwd=ROOT, env=inst.settings_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert audited.stdout, audited.stderr
    report = json.loads(audited.stdout)
    fig = report["figures"]
    with capsys.disabled():
        print(
            f"\nmulti-node kill test ({inst.backend}, intake_split "
            f"{inst.shared.get('FORMOCR_INTAKE_SPLIT', 'store')}): {fig['files']} files "
            f"({fig['bad_files']} bad), {fig['pages']} pages, {fig['documents']} documents, "
            f"{len(TENANTS)} municipalities; {inst.events['kills']} node kills "
            f"({inst.events['hits']} of a node holding a file), node starts "
            f"{[n.starts for n in inst.nodes]}, Redis restarts {inst.events['redis']}, "
            f"PostgreSQL restarts {inst.events['postgres']}; items claimed more than once "
            f"{fig['reclaimed_items']} (at most {fig['max_attempts']} times); "
            f"{under_kills:.0f} s under kills, {time.monotonic() - started:.0f} s in all; "
            f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
        )
    assert report["problems"] == [], "\n".join(report["problems"][:50])
    assert missing_images(inst) == []
    assert audited.returncode == 0
    assert len(manifest) == sum(len(w) for w in waves)
    assert inst.events["kills"] >= KILLS >= 20
    assert inst.events["hits"] > 0, "no kill hit a node holding a file"
    assert inst.events["postgres"] == 1
    assert inst.events["redis"] == (1 if inst.backend == "celery" else 0)
