"""A small formocr installation of several "machines" on this one, for the multi-node kill test
and the distributed benchmark: a private PostgreSQL cluster and a private Redis (each with its
own folder and port, so that restarting them touches nobody else's server), a shared folder
(inbox, archive, quarantine: what the machines would mount over NFS/SMB) and nodes.

A node is one process group with its own working folder (``data_dir``, where the store keeps
page images, is on the shared folder like the inbox and archive); it runs the roles
it is given (``formocr watch``, ``formocr worker``), each in a loop that starts it again one
second after it exits, as systemd's ``Restart=always`` would. Killing the group (SIGKILL) is a
power cut of that machine.

With ``task_backend = local`` a node's role is ``formocr watch --workers N``: the one that holds
the archive's lock reads, the others exit (code 6) and are started again a second later, so
they stand by.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.watchkit import group_pids

ROOT = Path(__file__).parents[1]
BACKENDS = ("local", "celery")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bindir() -> Path | None:
    dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return dirs[-1] if dirs and (dirs[-1] / "postgres").exists() else None


def have_postgres() -> bool:
    return _pg_bindir() is not None


def have_redis() -> bool:
    return shutil.which("redis-server") is not None


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a fresh folder, trust on 127.0.0.1 only, its
    own port). As root it runs as the ``postgres`` account (the server refuses root)."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="formocr-pg-")))
    port: int = field(default_factory=free_port)
    settings: tuple[str, ...] = ()
    """More server settings (``name=value``, each given as ``-c``)."""

    def _run(self, *args: str) -> None:
        bindir = _pg_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        command = [str(bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        with open(self.folder / "ctl.log", "ab") as log:
            done = subprocess.run(command, cwd=self.folder, stdout=log, stderr=log, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed; see {self.folder / 'ctl.log'}")

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/formocr"

    def start(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            if os.geteuid() == 0:
                shutil.chown(self.folder, "postgres")
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                      "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        self._pg_ctl("start", "-w", "-l", str(self.folder / "server.log"), "-o",
                     f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                     "-c max_connections=200 -c fsync=on"
                     + "".join(f" -c {c}" for c in self.settings))  # fmt: skip
        if not (self.folder / ".created").exists():
            self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                      "formocr")  # fmt: skip
            (self.folder / ".created").touch()

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), *args)

    def restart(self) -> None:
        """Stop at once, as after a crash (``-m immediate``: recovery from the WAL at start)."""
        self._pg_ctl("stop", "-m", "immediate", "-w")
        self.start()

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "fast", "-w")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class PrivateRedis:
    """A ``redis-server`` of our own on loopback, without persistence: a restart loses every
    message, the worst a broker can do."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="formocr-redis-")))
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with open(self.folder / "redis.log", "ab") as log:
            self.proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--dir", str(self.folder), "--save", "", "--appendonly", "no"],
                stdout=log, stderr=log, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start; see {self.folder / 'redis.log'}")

    def restart(self) -> None:
        """SIGKILL and start again: every message in it is gone."""
        self.stop(signal.SIGKILL)
        self.start()

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(30)
        self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def looped(command: list[str]) -> str:
    """Shell text running ``command`` again one second after each exit (``Restart=always``)."""
    quoted = " ".join(f"'{c}'" for c in command)
    return f"while :; do {quoted}; sleep 1; done"


def roles(
    backend: str,
    *,
    workers: int,
    intake: bool,
    watch_args: tuple[str, ...],
    worker_args: tuple[str, ...] = (),
    intakes: int = 1,
) -> list[str]:
    """The ``formocr`` command lines of one node (``worker_args``, ``intakes``: celery only;
    ``intakes`` processes of ``formocr watch`` when ``intake``)."""
    formocr = [sys.executable, "-m", "ocr_pipeline"]
    if backend == "local":
        return [looped([*formocr, "watch", "--workers", str(workers), *watch_args])]
    out = [looped([*formocr, "worker", "--concurrency", str(workers), *worker_args])]
    if intake:
        out += [looped([*formocr, "watch", *watch_args]) for _ in range(intakes)]
    return out


@dataclass
class Node:
    """One "machine": a process group running ``commands`` (shell text) side by side in its
    own working folder, stderr appended to ``node.log`` there."""

    name: str
    folder: Path
    env: dict[str, str]
    commands: list[str]
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def log(self) -> Path:
        return self.folder / "node.log"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        script = " & ".join(self.commands) + " & wait"
        with open(self.log, "ab") as err:
            self.proc = subprocess.Popen(
                ["bash", "-c", script], cwd=self.folder, env=self.env,
                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,
            )  # fmt: skip
        self.starts += 1

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group (a power cut of this machine)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._wait_group_gone(self.proc.pid)

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM to the group (graceful), SIGKILL after ``timeout``."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        if not self._wait_group_gone(self.proc.pid, timeout):
            self.kill()
        self.proc.wait()

    @staticmethod
    def _wait_group_gone(pgid: int, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while group_pids(pgid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True


def shared_env(
    base: dict[str, str],
    shared: Path,
    *,
    backend: str,
    database_url: str,
    broker_url: str | None,
    secret_key: str,
) -> dict[str, str]:
    """What every node of the installation has in common: no ``FORMOCR_*`` of the caller but
    these, the shared folder's ``data_dir`` (page images), inbox, archive and quarantine, the
    store, the broker and the key that seals the 個人番号 (every machine needs the same)."""
    env = {k: v for k, v in base.items() if not k.startswith("FORMOCR_")}
    env.update(
        FORMOCR_TASK_BACKEND=backend,
        FORMOCR_DATA_DIR=str(shared / "data"),
        FORMOCR_DATABASE_URL=database_url,
        FORMOCR_INBOX_DIR=str(shared / "inbox"),
        FORMOCR_ARCHIVE_DIR=str(shared / "archive"),
        FORMOCR_QUARANTINE_DIR=str(shared / "quarantine"),
        FORMOCR_SECRET_KEY=secret_key,
    )
    if broker_url is not None:
        env["FORMOCR_BROKER_URL"] = broker_url
    return env


def node_env(shared: dict[str, str], folder: Path) -> dict[str, str]:
    """What a node started in its working folder ``folder`` runs with: ``shared``, whose
    ``data_dir`` is on the shared folder (the store keeps page images in ``data_dir/images``:
    a page read on one machine is shown by the review UI on another)."""
    folder.mkdir(parents=True, exist_ok=True)
    return dict(shared)


def backend_missing(backend: str) -> str | None:
    """Why ``backend`` cannot run here (None when it can): PostgreSQL binaries for both;
    for celery also ``redis-server``, Celery and the ``formocr worker`` command."""
    if not have_postgres():
        return "PostgreSQL is not installed (/usr/lib/postgresql/*/bin)"
    if backend == "local":
        return None
    if not have_redis():
        return "redis-server is not installed"
    done = subprocess.run(
        [sys.executable, "-m", "ocr_pipeline", "worker", "--help"],
        capture_output=True, check=False, cwd=ROOT,
    )  # fmt: skip
    if done.returncode != 0:
        return "this formocr has no `formocr worker` (the celery task backend)"
    return None
