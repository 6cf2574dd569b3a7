"""The seam for reading files elsewhere: a :class:`Dispatcher` given to
:class:`~.watcher.Watcher` replaces its worker processes. The watcher still takes, records,
archives and queues every file in the store; at every round it calls :meth:`Dispatcher.tick`,
which hands the queued items to readers on other processes or machines
(``ocr_pipeline.distributed`` does it through Celery). The store's queue stays the record of
what must be read, so a dispatcher may lose or repeat a message without losing or repeating a
file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from ..store import Store

FolderLock = Callable[[Path], AbstractContextManager[None]]
"""Held by a watcher for its whole run, given the archive folder (default: the file lock of
:func:`~.single.only_watcher`)."""


class Dispatcher(Protocol):
    def tick(self, store: Store) -> None:
        """Hand what is queued in ``store`` to the readers (called about every ``tick``
        seconds, in the watcher's thread). Must not raise for a broker that is down: warn and
        try again at the next call."""
        ...


class Shares(Protocol):
    """The municipalities a watcher takes when several intakes share them
    (``ocr_pipeline.distributed.shares``); without one, a watcher takes every municipality."""

    def refresh(self, tenants: Callable[[], Collection[str]]) -> frozenset[str]:
        """The municipalities to take now, of those ``tenants`` gives (every one known: called
        only when the share is checked again). Called in the watcher's thread, between two
        files."""
        ...
