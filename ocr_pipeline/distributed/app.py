"""The Celery application of ``task_backend = celery``: one task, ``formocr.read`` (read work
item N of tenant T), on one queue per tenant.

Delivery settings, and why:

- **JSON only** (``task_serializer``, ``accept_content``): a message is two values, never a
  pickle a broker could be used to inject.
- **acks_late, reject_on_worker_lost, prefetch 1**: a message is acknowledged when its file
  has ended, a worker process that dies gives its message back, and no worker holds messages
  it is not reading (a queued file is never stuck behind a slow one in another worker's hand).
- **visibility timeout** (``VISIBILITY_TIMEOUT``): an unacknowledged message of a node that
  died goes back to its queue after this long. The store's lease normally ends sooner and the
  intake's reconciler sends the item again, so the late copy finds it done: a no-op.
- **publish retries** are short: the intake must keep taking files when Redis is down; what it
  could not send stays queued in the store and is sent by the reconciler later.
- No result backend: the store holds every result.

Per-tenant queues (``formocr.t.<tenant>``) make the workers fair between tenants: kombu's
Redis transport waits on all of a worker's queues with one ``BRPOP`` and moves the queue that
just gave a message to the end of its list (``queue_order_strategy = round_robin``), so one
town's 10,000 queued pages take turns with another town's single file (docs/decisions.md).
"""

from __future__ import annotations

from typing import Any

from ..settings import Settings

TASK_NAME = "formocr.read"
QUEUE_PREFIX = "formocr.t."
DEFAULT_QUEUE = "formocr"
"""Consumed by every worker so that one with no tenant yet still has a queue."""
VISIBILITY_TIMEOUT = 900
RETRY_BACKOFF = (2.0, 60.0)
"""Seconds before a task retries after a passing fault: first, at most (doubling between)."""
MAX_RETRIES = 20
"""After this many retries the message is dropped; the item stays queued in the store and the
reconciler sends it again."""


def queue_name(tenant: str) -> str:
    """The broker queue of one tenant's work."""
    return QUEUE_PREFIX + tenant


def tenant_of(queue: str) -> str | None:
    return queue[len(QUEUE_PREFIX) :] if queue.startswith(QUEUE_PREFIX) else None


def retry_delay(retries: int) -> float:
    """Back-off of the ``retries``-th retry (0 for the first)."""
    first, most = RETRY_BACKOFF
    return float(min(most, first * 2 ** min(retries, 10)))


def celery_config(settings: Settings) -> dict[str, Any]:
    return {
        "broker_url": settings.broker_url,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "result_backend": None,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": DEFAULT_QUEUE,
        "task_create_missing_queues": True,
        "broker_transport_options": {
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "queue_order_strategy": "round_robin",
            "socket_timeout": 15,
            "socket_connect_timeout": 5,
        },
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        "task_publish_retry": True,
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        "worker_send_task_events": False,
        "worker_hijack_root_logger": False,
        "enable_utc": True,
    }


def make_app(settings: Settings) -> Any:
    """A Celery application for ``settings.broker_url`` (not the process's current app)."""
    from celery import Celery

    app = Celery("formocr", set_as_current=False)
    app.conf.update(celery_config(settings))
    return app
