"""File-system events from watchdog (inotify on Linux): which tenant folders changed.

Events only make the watcher look sooner; the periodic rescan finds everything anyway (events
are not delivered for changes made on another machine of a network share, and an observer can
fail, e.g. when the inotify watch limit is reached: then the watcher goes on with rescans).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

log = logging.getLogger(__name__)

ALL = ""
"""Stands for "everything": a change at the top of the inbox."""


class _StopRace(logging.Filter):
    """watchdog's inotify emitter logs an error when it is stopped while reading an event;
    nothing is wrong then (the watcher is stopping), so that one message is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in str(record.msg)


_STOP_RACE = _StopRace()


class _Handler(FileSystemEventHandler):
    def __init__(self, root: Path, changed: InboxEvents) -> None:
        self._root = root
        self._changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw
                self._changed.mark(self._tenant_of(Path(path)))

    def _tenant_of(self, path: Path) -> str:
        try:
            rel = path.relative_to(self._root)
        except ValueError:
            return ALL
        parts = rel.parts
        return parts[0] if len(parts) >= 2 else ALL


class InboxEvents:
    """Watches the inbox in a background thread; :meth:`take` returns the tenant folders that
    changed since the last call (:data:`ALL` for a change at the top). :meth:`follow` narrows
    the watch to some tenant folders (an intake's share: the events of the others' files are
    not its work)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._changed: set[str] = set()
        self._observer: BaseObserver | None = None
        self._watches: dict[str, Any] = {}
        """What is watched: ``ALL`` (the whole inbox, or only its top with a share) and the
        share's tenant folders."""

    def mark(self, tenant: str) -> None:
        with self._lock:
            self._changed.add(tenant)

    def take(self) -> set[str]:
        with self._lock:
            changed, self._changed = self._changed, set()
        return changed

    def start(self) -> bool:
        """Start watching; False (and a warning) if the observer cannot run here."""
        logging.getLogger("watchdog.observers.inotify").addFilter(_STOP_RACE)
        observer = Observer()
        try:
            top = observer.schedule(self._handler(), str(self.root), recursive=True)
            self._watches = {ALL: top}
            observer.start()
        except Exception as exc:
            log.warning(
                "no file-system events for %s (%s); the inbox is rescanned periodically only",
                self.root,
                exc,
            )
            return False
        self._observer = observer
        return True

    def _handler(self) -> _Handler:
        return _Handler(self.root, self)

    def follow(self, tenants: Collection[str]) -> None:
        """Watch the top of the inbox (new tenant folders) and the folders of ``tenants``
        only. Folders that cannot be watched now (not there yet) are found by the rescans."""
        observer = self._observer
        if observer is None:
            return
        top = self._watches.get(ALL)
        if top is not None and top.is_recursive:
            observer.unschedule(top)
            self._watches[ALL] = observer.schedule(self._handler(), str(self.root))
        for tenant in set(self._watches) - set(tenants) - {ALL}:
            observer.unschedule(self._watches.pop(tenant))
        for tenant in set(tenants) - set(self._watches):
            folder = self.root / tenant
            try:
                self._watches[tenant] = observer.schedule(
                    self._handler(), str(folder), recursive=True
                )
            except OSError as exc:
                log.debug("no events for %s (%s); rescans find its files", folder, exc)

    @property
    def alive(self) -> bool:
        return self._observer is not None and self._observer.is_alive()

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
