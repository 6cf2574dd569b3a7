"""Distributed mode (``task_backend = celery``): the same pipeline over Celery with a Redis
broker, with roles as processes that may run on separate machines sharing only PostgreSQL, the
broker and the archive folder.

- **intake** (:class:`IntakeRunner`, ``formocr watch``): takes, records, archives and queues
  files as the local watcher does, then sends one message per queued item
  (:class:`CeleryDispatcher`); one active per store, elected through a PostgreSQL advisory
  lock (:mod:`.leader`), or with ``intake_split = tenant`` every one active for its share of
  the municipalities (:mod:`.shares`).
- **workers** (:func:`run_worker`, ``formocr worker``): Celery workers that claim the item a
  message names with the store's lease and read it (:class:`ItemReader`).
- **status** (:func:`collect`, ``formocr status``).

The store's work queue stays the record of what must be read: the broker only delivers "read
item N"; lost messages are sent again by the intake's reconciler, repeated ones are no-ops.
"""

from __future__ import annotations

from .app import TASK_NAME, make_app, queue_name
from .intake import IntakeRunner
from .reader import ItemReader, ReadResult, load_factory
from .sender import CeleryDispatcher
from .status import collect
from .worker import run_worker

__all__ = [
    "TASK_NAME",
    "CeleryDispatcher",
    "IntakeRunner",
    "ItemReader",
    "ReadResult",
    "collect",
    "load_factory",
    "make_app",
    "queue_name",
    "run_worker",
]
