"""A worker's reading of one message (``ItemReader``): the store decides, the message points."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ocr_pipeline.distributed import ItemReader, ReadResult
from ocr_pipeline.settings import Settings
from ocr_pipeline.store import SourceState, Store, WorkState
from ocr_pipeline.watch import ProcessedFile
from ocr_pipeline.watch.identity import hostname
from ocr_pipeline.watch.processor import Check
from tests.unit.distributed.conftest import QueueFile
from tests.unit.watch.watch_fakes import FakeProcessor


def reader(settings: Settings, processor: FakeProcessor) -> ItemReader:
    return ItemReader.create(settings, lambda _s: processor)


def test_a_message_reads_its_item_and_a_redelivered_one_is_a_no_op(
    dsettings: Settings, dstore: Store, queue_file: QueueFile
) -> None:
    item = queue_file("a.json", pages=("ok", "blank"))
    processor = FakeProcessor()
    r = reader(dsettings, processor)
    try:
        assert r.read("town-a", item.id) is ReadResult.READ
        assert r.read("town-a", item.id) is ReadResult.SKIPPED  # the same message again
        assert ReadResult.SKIPPED is reader(dsettings, processor).read("town-a", item.id)
    finally:
        r.close()
    town = dstore.for_tenant("town-a")
    assert processor.calls == [("a.json", None)]
    assert town.get_work(item.id).state is WorkState.DONE
    assert town.get_source(item.source_file_id).state is SourceState.DONE
    assert len(town.source_pages(item.source_file_id)) == 2


def test_an_item_of_another_tenant_or_unknown_is_not_read(
    dsettings: Settings, dstore: Store, queue_file: QueueFile
) -> None:
    item = queue_file("a.json")
    dstore.for_tenant("town-b").ensure_tenant()
    processor = FakeProcessor()
    r = reader(dsettings, processor)
    try:
        assert r.read("town-b", item.id) is ReadResult.SKIPPED
        assert r.read("town-a", item.id + 1000) is ReadResult.SKIPPED
    finally:
        r.close()
    assert processor.calls == []
    assert dstore.for_tenant("town-a").get_work(item.id).state is WorkState.QUEUED


def test_an_item_held_under_a_live_lease_is_left_to_its_worker(
    dsettings: Settings, dstore: Store, queue_file: QueueFile
) -> None:
    item = queue_file("a.json")
    town = dstore.for_tenant("town-a")
    assert town.claim_item(item.id, "other-host:4242:abcd1234", 60) is not None
    processor = FakeProcessor()
    r = reader(dsettings, processor)
    try:
        assert r.read("town-a", item.id) is ReadResult.SKIPPED
    finally:
        r.close()
    assert processor.calls == []
    held = town.get_work(item.id)
    assert (held.state, held.worker_id) == (WorkState.RUNNING, "other-host:4242:abcd1234")


def test_an_item_held_by_a_dead_process_of_this_machine_is_taken_over(
    dsettings: Settings, dstore: Store, queue_file: QueueFile
) -> None:
    item = queue_file("a.json")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = f"{hostname()}:{int(gone.stdout)}:deadbeef"
    town = dstore.for_tenant("town-a")
    assert town.claim_item(item.id, dead, 60) is not None
    processor = FakeProcessor()
    r = reader(dsettings, processor)
    try:
        assert r.read("town-a", item.id) is ReadResult.READ
    finally:
        r.close()
    done = town.get_work(item.id)
    assert done.state is WorkState.DONE
    assert done.attempts == 2
    assert (done.last_error or {}).get("crashes") == 1  # counts towards max_crashes


def test_a_passing_fault_hands_the_item_back_to_the_queue(
    dsettings: Settings, dstore: Store, queue_file: QueueFile
) -> None:
    item = queue_file("a.json")

    class DiskFull(FakeProcessor):
        def process(self, path: Path, form_id: str | None, check: Check) -> ProcessedFile:
            raise OSError(28, "No space left on device")

    r = ItemReader.create(dsettings, lambda _s: DiskFull())
    try:
        assert r.read("town-a", item.id) is ReadResult.HANDED_BACK
    finally:
        r.close()
    back = dstore.for_tenant("town-a").get_work(item.id)
    assert back.state is WorkState.QUEUED
    assert back.worker_id is None
