"""The worker processes: spawned (never forked: each loads its own OCR engine), watched, and
restarted when one dies.

Each worker talks to the watcher through its own one-way pipe (a worker killed in the middle of
a message spoils only its own pipe): ``("ready", id)``, ``("outcome", FileOutcome)``,
``("log", level, logger, text)`` and ``("fatal", id, message, remedy, exit_code)``. A worker
stops between pages when the pool's stop event is set, when it receives SIGTERM or SIGINT
itself, or when the watcher process is gone; it hands its current item back first.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from typing import Any

from ..errors import FormocrError
from ..filemodes import private_umask
from ..settings import Settings
from .identity import hostname
from .lease import WorkerOptions
from .paths import WatchPaths
from .processor import ProcessorFactory
from .worker import Worker

log = logging.getLogger(__name__)

Message = tuple[Any, ...]
RESTART_BACKOFF = (1.0, 30.0)
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
STABLE_SECONDS = 60.0
"""A worker that ran this long before dying is restarted at once; one that died sooner waits."""


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker process needs (pickled into it)."""

    settings: Settings
    paths: WatchPaths
    processor_factory: ProcessorFactory
    options: WorkerOptions
    token: str
    parent_pid: int
    log_levels: dict[str, int] = field(default_factory=dict)
    poll: float = 0.5


def worker_id_for(pid: int, token: str) -> str:
    return f"{hostname()}:{pid}:{token}"


class _PipeLogHandler(logging.Handler):
    def __init__(self, send: Callable[[Message], None]) -> None:
        super().__init__()
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
            self._send(("log", record.levelno, record.name, text))
        except Exception:
            self.handleError(record)


def worker_main(cfg: WorkerConfig, conn: Connection, shared_stop: Event) -> None:
    """Entry point of a worker process."""
    private_umask()  # inherited from the watcher too; also when the pool is used as a library
    local_stop = threading.Event()
    lock = threading.Lock()

    def send(message: Message) -> None:
        with lock:
            try:
                conn.send(message)
            except (OSError, ValueError):  # the watcher is gone
                local_stop.set()

    def stopping() -> bool:
        if os.getppid() != cfg.parent_pid:
            local_stop.set()
        return local_stop.is_set() or shared_stop.is_set()

    for sig in STOP_SIGNALS:
        signal.signal(sig, lambda *_: local_stop.set())
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by _spawn
    root = logging.getLogger()
    root.handlers[:] = [_PipeLogHandler(send)]
    for name, level in cfg.log_levels.items():
        logging.getLogger(name or None).setLevel(level)
    worker_id = worker_id_for(os.getpid(), cfg.token)
    from ..store import Store

    store = None
    try:
        store = Store.from_settings(cfg.settings)
        processor = cfg.processor_factory(cfg.settings)
        send(("ready", worker_id))
        worker = Worker(
            store,
            cfg.paths,
            processor,
            worker_id,
            report=lambda o: send(("outcome", o)),
            stop=stopping,
            options=cfg.options,
        )
        while not stopping():
            if not worker.step():
                local_stop.wait(cfg.poll)
    except FormocrError as exc:
        send(("fatal", worker_id, exc.message, exc.remedy, int(exc.exit_code)))
    except Exception as exc:
        logging.getLogger(__name__).exception("worker %s failed", worker_id)
        send(("fatal", worker_id, f"worker failed: {exc!r}", "", 1))
    finally:
        if store is not None:
            store.close()
        conn.close()


@dataclass
class _Slot:
    process: BaseProcess
    conn: Connection | None
    worker_id: str
    started: float
    ready: bool = False


@dataclass(frozen=True)
class DeadWorker:
    worker_id: str
    exitcode: int | None
    recycled: bool = False
    """Stopped on purpose by :meth:`WorkerPool.recycle`, not a crash."""


class WorkerPool:
    """``count`` worker processes made from ``config`` (a fresh token per process)."""

    def __init__(self, make_config: Callable[[str], WorkerConfig], count: int) -> None:
        self._ctx = mp.get_context("spawn")
        self._make_config = make_config
        self._count = count
        self._stop = self._ctx.Event()
        self._slots: dict[int, _Slot] = {}
        self._restart_at: dict[int, float] = {}
        self._delay: dict[int, float] = {}
        self._messages: list[Message] = []
        self._recycling: set[str] = set()

    def start(self) -> None:
        for n in range(self._count):
            self._spawn(n)

    def _spawn(self, n: int) -> None:
        token = uuid.uuid4().hex[:8]
        reader, writer = self._ctx.Pipe(duplex=False)
        proc = self._ctx.Process(
            target=worker_main,
            args=(self._make_config(token), writer, self._stop),
            name=f"formocr-worker-{n}",
        )
        # A Ctrl-C reaches the whole process group: blocked until the worker has its handler
        # (the mask is inherited through fork and exec), it stops the worker gracefully
        # instead of interrupting its start with a traceback.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        writer.close()
        assert proc.pid is not None
        self._slots[n] = _Slot(proc, reader, worker_id_for(proc.pid, token), time.monotonic())

    def recycle(self) -> list[str]:
        """Ask every worker to stop after its current page, handing its file back (SIGTERM,
        as at a graceful stop); :meth:`reap` starts each again at once, and the new process
        loads what changed (the forms). The ids of the workers asked."""
        asked = []
        for slot in self._slots.values():
            pid = slot.process.pid
            if pid is not None and slot.process.is_alive():
                os.kill(pid, signal.SIGTERM)
                self._recycling.add(slot.worker_id)
                asked.append(slot.worker_id)
        return asked

    @property
    def ready(self) -> int:
        """How many workers have loaded their engine."""
        return sum(1 for s in self._slots.values() if s.ready and s.process.is_alive())

    def receive(self, timeout: float) -> list[Message]:
        """Messages from the workers, waiting up to ``timeout`` seconds for the first."""
        conns = [s.conn for s in self._slots.values() if s.conn is not None]
        out, self._messages = self._messages, []
        if not conns:
            time.sleep(timeout)
            return out
        for conn in wait(conns, timeout=0 if out else timeout):
            assert isinstance(conn, Connection)
            out.extend(self._drain(conn))
        return out

    def _drain(self, conn: Connection) -> list[Message]:
        out: list[Message] = []
        try:
            while conn.poll():
                message = conn.recv()
                out.append(message)
        except (EOFError, OSError, ValueError, TypeError, AttributeError, ImportError):
            for slot in self._slots.values():
                if slot.conn is conn:
                    slot.conn = None
            conn.close()
        for message in out:
            if message and message[0] == "ready":
                for slot in self._slots.values():
                    if slot.worker_id == message[1]:
                        slot.ready = True
        return out

    def reap(self) -> list[DeadWorker]:
        """Workers that died since the last call (their pipes drained into the next
        :meth:`receive`); each is restarted, at once or after a back-off."""
        dead: list[DeadWorker] = []
        now = time.monotonic()
        for n, slot in list(self._slots.items()):
            if slot.process.is_alive() or self._stop.is_set():
                continue
            slot.process.join(0)
            if slot.conn is not None:
                self._messages.extend(self._drain(slot.conn))
            recycled = slot.worker_id in self._recycling
            self._recycling.discard(slot.worker_id)
            dead.append(DeadWorker(slot.worker_id, slot.process.exitcode, recycled))
            del self._slots[n]
            if recycled:
                self._restart_at[n] = now
                continue
            quick = now - slot.started < STABLE_SECONDS
            delay = min(RESTART_BACKOFF[1], self._delay.get(n, 0.0) * 2 or RESTART_BACKOFF[0])
            self._delay[n] = delay if quick else 0.0
            self._restart_at[n] = now + (delay if quick else 0.0)
        for n, at in list(self._restart_at.items()):
            if at <= now and not self._stop.is_set():
                del self._restart_at[n]
                self._spawn(n)
        return dead

    def stop(self, timeout: float) -> list[DeadWorker]:
        """Ask every worker to stop, wait up to ``timeout`` seconds (reading their pipes, so
        that none blocks on a full one), then kill the rest; the killed ones are returned
        (their items are to be handed back)."""
        self._stop.set()
        self._restart_at.clear()
        deadline = time.monotonic() + timeout
        pending = list(self._slots.values())
        while pending and time.monotonic() < deadline:
            for slot in pending:
                if slot.conn is not None:
                    self._messages.extend(self._drain(slot.conn))
                slot.process.join(0.05)
            pending = [s for s in pending if s.process.is_alive()]
        killed: list[DeadWorker] = []
        for slot in pending:
            log.warning("worker %s did not stop within %.0f s; killed", slot.worker_id, timeout)
            slot.process.kill()
            slot.process.join()
            killed.append(DeadWorker(slot.worker_id, slot.process.exitcode))
        for slot in self._slots.values():
            if slot.conn is not None:
                self._messages.extend(self._drain(slot.conn))
            if slot.conn is not None:
                slot.conn.close()
                slot.conn = None
        return killed

    def leftover(self) -> list[Message]:
        out, self._messages = self._messages, []
        return out


def parent_log_levels() -> dict[str, int]:
    """The levels set in this process (root and named loggers), to apply in workers."""
    levels = {"": logging.getLogger().level}
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            levels[name] = logger.level
    return levels
