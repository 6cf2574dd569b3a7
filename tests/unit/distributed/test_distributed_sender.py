"""The intake's dispatcher: one message per queued item, to its tenant's queue, and the
reconciler sending again what the broker lost (a real Redis; messages are read back raw)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from ocr_pipeline.distributed import TASK_NAME, CeleryDispatcher, queue_name
from ocr_pipeline.distributed.broker import redis_client
from ocr_pipeline.settings import Settings
from ocr_pipeline.store import Store, WorkState
from tests.unit.distributed.conftest import Clock, QueueFile


@pytest.fixture
def redis(dsettings: Settings) -> Iterator[Any]:
    client = redis_client(dsettings.broker_url)
    yield client
    client.close()


def messages(redis: Any, tenant: str) -> list[tuple[str, int]]:
    """The (tenant, item id) of every message waiting in ``tenant``'s queue, oldest first."""
    out = []
    for raw in reversed(redis.lrange(queue_name(tenant), 0, -1)):  # LPUSH in, BRPOP out
        message = json.loads(raw)
        assert message["headers"]["task"] == TASK_NAME
        assert message["content-type"] == "application/json"
        args = json.loads(base64.b64decode(message["body"]))[0]
        out.append((args[0], args[1]))
    return out


def test_each_queued_item_is_sent_once_to_its_tenants_queue(
    dsettings: Settings, dstore: Store, queue_file: QueueFile, redis: Any
) -> None:
    a1, b1, a2 = queue_file("a1.json"), queue_file("b1.json", "town-b"), queue_file("a2.json")
    sender = CeleryDispatcher(dsettings)
    sender.tick(dstore)
    sender.tick(dstore)  # nothing new, and the broker holds them all: nothing sent again
    assert messages(redis, "town-a") == [("town-a", a1.id), ("town-a", a2.id)]
    assert messages(redis, "town-b") == [("town-b", b1.id)]
    a3 = queue_file("a3.json")
    sender.tick(dstore)
    assert messages(redis, "town-a")[-1] == ("town-a", a3.id)
    assert (sender.sent, sender.resent) == (4, 3)  # those queued before it started: reconciled


def test_a_new_intake_does_not_send_again_what_the_broker_holds(
    dsettings: Settings, dstore: Store, queue_file: QueueFile, redis: Any
) -> None:
    items = [queue_file(f"a{n}.json") for n in range(3)]
    CeleryDispatcher(dsettings).tick(dstore)
    successor = CeleryDispatcher(dsettings, resend_after=0.0)  # the leader changed
    successor.tick(dstore)
    successor.tick(dstore)
    assert successor.sent == 0
    assert messages(redis, "town-a") == [("town-a", i.id) for i in items]


def test_messages_the_broker_lost_are_sent_again(
    dsettings: Settings, dstore: Store, queue_file: QueueFile, redis: Any
) -> None:
    items = [queue_file(f"a{n}.json") for n in range(3)]
    sender = CeleryDispatcher(dsettings, resend_after=0.0)
    sender.tick(dstore)
    redis.delete(queue_name("town-a"))  # Redis restarted without persistence
    assert sender.reconcile(dstore) == 3
    assert messages(redis, "town-a") == [("town-a", i.id) for i in items]
    assert sender.reconcile(dstore) == 0  # the broker holds one per queued item again


def test_an_item_sent_lately_is_not_sent_again_at_once(
    dsettings: Settings, dstore: Store, queue_file: QueueFile, redis: Any
) -> None:
    queue_file("a.json")
    sender = CeleryDispatcher(dsettings, resend_after=3600.0)
    sender.tick(dstore)
    redis.delete(queue_name("town-a"))
    assert sender.reconcile(dstore) == 0  # maybe in a worker's hand: wait resend_after


def test_an_item_whose_lease_ran_out_is_queued_and_sent_again(
    dsettings: Settings, dstore: Store, queue_file: QueueFile, redis: Any, clock: Clock
) -> None:
    item = queue_file("a.json")
    sender = CeleryDispatcher(dsettings, resend_after=0.0)
    sender.tick(dstore)
    town = dstore.for_tenant("town-a")
    assert redis.rpop(queue_name("town-a"))  # a worker took the message ...
    assert town.claim_item(item.id, "gone-host:1:abcd", 10) is not None  # ... and died
    assert sender.reconcile(dstore) == 0  # its lease still runs
    clock.advance(11)
    assert sender.reconcile(dstore) == 1
    back = town.get_work(item.id)
    assert back.state is WorkState.QUEUED
    assert back.last_error == {"code": "lease_ran_out", "crashes": 1}
    assert messages(redis, "town-a") == [("town-a", item.id)]


def test_a_broker_that_is_down_leaves_the_items_queued_in_the_store(
    dsettings: Settings, dstore: Store, queue_file: QueueFile
) -> None:
    item = queue_file("a.json")
    down = dsettings.model_copy(update={"broker_url": "redis://127.0.0.1:9/0"})
    sender = CeleryDispatcher(down)
    sender.tick(dstore)  # warns, does not raise
    assert sender.sent == 0
    assert dstore.for_tenant("town-a").get_work(item.id).state is WorkState.QUEUED
