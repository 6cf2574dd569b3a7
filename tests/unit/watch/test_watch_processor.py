"""The built-in processor (the real pipeline and OCR engine) under a worker: one damaged page of a
multi-page scan is saved as an ``error`` page and the others as usual, the file archived; a
file none of whose pages can be read is quarantined as before."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ocr_pipeline.pipeline import Pipeline
from ocr_pipeline.store import SourceState, Store, TenantStore, WorkState
from ocr_pipeline.watch import FileOutcome, Outcome, WatchPaths
from ocr_pipeline.watch.intake import Intake
from ocr_pipeline.watch.layout import scan_tenant
from ocr_pipeline.watch.lease import WorkerOptions
from ocr_pipeline.watch.processor import PipelineProcessor
from ocr_pipeline.watch.quarantine import note_path
from ocr_pipeline.watch.worker import Worker
from tests.badinput.builders import tiff_corrupt_page
from tests.badinput.case import Target
from tests.badinput.pages import DPI, Pages, damage_frames

pytestmark = pytest.mark.ocr

TENANT = "town-a"
FORMS = ["water_service"]


@pytest.fixture(scope="module")
def corpus_pages() -> Pages:
    return Pages()


def _read_one(store: Store, paths: WatchPaths, pipeline: Pipeline) -> list[FileOutcome]:
    """Take every file of the tenant's inbox into the queue, then let one worker with the
    real pipeline finish the first; the outcomes it reported."""
    intake = Intake(store, paths, FORMS, lambda _o: None)
    for entry in scan_tenant(paths.inbox / TENANT, TENANT, FORMS):
        intake.take(entry)
    outcomes: list[FileOutcome] = []
    worker = Worker(
        store,
        paths,
        PipelineProcessor(pipeline),
        "w1",
        report=outcomes.append,
        stop=lambda: False,
        options=WorkerOptions(lease_seconds=60.0),
    )
    assert worker.step()
    return outcomes


def _inbox_file(paths: WatchPaths, name: str) -> Path:
    folder = paths.inbox / TENANT
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def test_a_damaged_page_is_saved_as_an_error_and_the_file_archived(
    store: Store, paths: WatchPaths, pipeline: Pipeline, corpus_pages: Pages, tmp_path: Path
) -> None:
    path = _inbox_file(paths, "batch.tif")
    tiff_corrupt_page(Target(path, tmp_path, corpus_pages))  # form, damaged form, blank back
    (outcome,) = _read_one(store, paths, pipeline)

    assert outcome.outcome is Outcome.DOCUMENTS, outcome
    assert (outcome.documents, outcome.pages) == (1, {"ok": 1, "error": 1, "blank": 1})
    assert outcome.error_pages == [2]
    assert 'error_pages="2"' in outcome.line()
    town: TenantStore = store.for_tenant(TENANT)
    assert outcome.source_id is not None
    source = town.get_source(outcome.source_id)
    assert source.state is SourceState.DONE and source.page_count == 3
    archived = Path(str(source.stored_path))
    assert archived.is_file() and archived.is_relative_to(paths.archive / TENANT)
    assert outcome.path == str(archived)
    assert not [p for p in paths.quarantine.rglob("*") if p.is_file()]
    pages = town.source_pages(source.id)
    assert [(p.page_no, p.status, p.image_sha256 is not None) for p in pages] == [
        (1, "ok", True),
        (2, "error", False),
        (3, "blank", False),
    ]
    assert pages[0].form_id == "water_service" and pages[0].document_id is not None
    reason = pages[1].reason or ""
    assert reason.startswith("page 2 of 3: the TIFF data is damaged or truncated (")
    assert pages[1].document_id is None
    assert [w.state for w in town.list_work()] == [WorkState.DONE]


def test_a_file_none_of_whose_pages_can_be_read_is_quarantined(
    store: Store, paths: WatchPaths, pipeline: Pipeline, corpus_pages: Pages
) -> None:
    path = _inbox_file(paths, "ruined.tif")
    buffer = io.BytesIO()
    corpus_pages.form.save(
        buffer,
        "TIFF",
        save_all=True,
        append_images=[corpus_pages.blank],
        dpi=(DPI, DPI),
        compression="tiff_lzw",
    )
    path.write_bytes(damage_frames(buffer.getvalue(), [0, 1]))
    (outcome,) = _read_one(store, paths, pipeline)

    assert (outcome.outcome, outcome.code) == (Outcome.QUARANTINED, "unreadable"), outcome
    assert outcome.reason is not None
    assert outcome.reason.startswith("page 1 of 2: the TIFF data is damaged or truncated")
    target = paths.quarantine / TENANT / "ruined.tif"
    assert target.is_file() and outcome.path == str(target)
    note = json.loads(note_path(target).read_text("utf-8"))
    assert note["detail"] == outcome.reason and "壊れている" in note["reason"]
    town = store.for_tenant(TENANT)
    assert outcome.source_id is not None
    assert town.get_source(outcome.source_id).state is SourceState.QUARANTINED
    assert town.source_pages(outcome.source_id) == []
    assert not any(paths.archive.rglob("ruined.tif"))
