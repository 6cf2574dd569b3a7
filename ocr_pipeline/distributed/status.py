"""``formocr status``: the queue depth of every tenant, the intake leader and the live workers.

::

    {"task_backend": "celery",
     "tenants": {"town-a": {"queued": 3, "running": 1, "done": 40, "failed": 0, "broker": 3}},
     "leader": {"label": "formocr-intake host:123", "host": "host", "pid": 123, ...} | null,
     "intakes": {"intakes": 2, "municipalities": {"town-a": "formocr-intake host:123"}},
     "workers": {"formocr-456@host": "pong"},
     "errors": {"broker": "..."}}

``intakes`` only with ``intake_split = tenant`` on PostgreSQL: how many intakes run and which
one takes each municipality (``null`` while none does). ``broker`` (messages waiting in the
tenant's queue) and ``workers`` (Celery's ping, answered within ``PING_SECONDS``) only with
``task_backend = celery``. A part that cannot be reached is
left out and named in ``errors``; the rest is still shown.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any

from ..settings import Settings
from ..store import Store, WorkState, database_url
from ..watch.single import LOCK_NAME
from .leader import is_postgres, parse_label, pg_leader
from .shares import share_holders

PING_SECONDS = 1.0
STATES = tuple(s.value for s in WorkState)


def collect(settings: Settings, *, ping_seconds: float = PING_SECONDS) -> dict[str, Any]:
    out: dict[str, Any] = {"task_backend": settings.task_backend, "tenants": {}, "leader": None}
    errors: dict[str, str] = {}
    try:
        with Store.from_settings(settings) as store:
            counts = store.work_counts()
            tenants = store.tenants()
    except Exception as exc:
        errors["store"] = str(exc)
        counts, tenants = {}, []
    for tenant in tenants:
        by_state = counts.get(tenant, {})
        out["tenants"][tenant] = {state: by_state.get(state, 0) for state in STATES}
    try:
        out["leader"] = _leader(settings)
        if settings.intake_split == "tenant" and is_postgres(database_url(settings)):
            out["intakes"] = share_holders(database_url(settings), tenants)
    except Exception as exc:
        errors["leader"] = str(exc)
    if settings.task_backend == "celery":
        _broker_part(settings, out, tenants, errors, ping_seconds)
    out["errors"] = errors
    return out


def _leader(settings: Settings) -> dict[str, Any] | None:
    url = database_url(settings)
    if is_postgres(url):
        info = pg_leader(url)
        return None if info is None else info.to_dict()
    return _file_lock_holder(settings.archive_path / LOCK_NAME)


def _file_lock_holder(path: Path) -> dict[str, Any] | None:
    """The process holding the watcher's file lock (this machine), if one does."""
    if not path.is_file():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pid_text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            from ..watch.identity import hostname

            info = parse_label(f"formocr-intake {hostname()}:{pid_text}")
            return info.to_dict()
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _broker_part(
    settings: Settings,
    out: dict[str, Any],
    tenants: list[str],
    errors: dict[str, str],
    ping_seconds: float,
) -> None:
    from .app import make_app
    from .broker import queue_depths, redis_client

    try:
        depths = queue_depths(redis_client(settings.broker_url, timeout=ping_seconds), tenants)
        for tenant, n in depths.items():
            out["tenants"][tenant]["broker"] = n
    except Exception as exc:
        errors["broker"] = str(exc)
        # Celery's ping would retry the connection for many seconds (a page showing this
        # status would hang): with the broker unreachable no worker can answer anyway.
        errors["workers"] = "the broker cannot be reached"
        return
    try:
        app = make_app(settings)
        replies = app.control.ping(timeout=ping_seconds) or []
        out["workers"] = {
            name: str(answer.get("ok", answer))
            for reply in replies
            for name, answer in reply.items()
        }
    except Exception as exc:
        errors["workers"] = str(exc)
