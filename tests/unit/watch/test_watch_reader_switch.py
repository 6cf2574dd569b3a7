"""A municipality's second reader model: the worker looks up the active model before every
file (a switch needs no restart), and each field records the model that read it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ocr_pipeline.errors import ModelMissingError
from ocr_pipeline.reader2.model import DEFAULT_MODEL, SecondReader
from ocr_pipeline.reader2.registry import (
    CLASSES_FILE,
    MANIFEST,
    MODEL_FILE,
    PACKAGED,
    ReaderCache,
    file_checksums,
    tenant_models,
)
from ocr_pipeline.results import PageResult, PageStatus
from ocr_pipeline.store import Store
from ocr_pipeline.watch import WatchPaths
from ocr_pipeline.watch.intake import Intake
from ocr_pipeline.watch.layout import scan_tenant
from ocr_pipeline.watch.lease import WorkerOptions
from ocr_pipeline.watch.processor import Check, ProcessedFile
from ocr_pipeline.watch.worker import Worker
from tests.unit.watch.watch_fakes import FakeProcessor

FORMS = ["water_service"]


class SwitchingProcessor(FakeProcessor):
    """The fake processor that also takes a reader model per file, as the built-in one
    does, and stamps the pages it reads with it; unknown ids fail like a missing model."""

    def __init__(self, known: set[str]) -> None:
        super().__init__()
        self.known = known
        self.model: str = PACKAGED
        self.switches: list[tuple[str, str | None]] = []

    def use_reader(self, tenant: str, model_id: str | None) -> None:
        self.switches.append((tenant, model_id))
        if model_id is not None and model_id not in self.known:
            raise ModelMissingError(f"no model {model_id}", "train it")
        self.model = model_id or PACKAGED

    def process(self, path: Path, form_id: str | None, check: Check) -> ProcessedFile:
        out = super().process(path, form_id, check)
        for page in out.pages:
            page.reader_model = self.model
        return out


def _model_folder(root: Path, model_id: str) -> None:
    folder = root / model_id
    folder.mkdir(parents=True)
    shutil.copyfile(DEFAULT_MODEL, folder / MODEL_FILE)
    shutil.copyfile(DEFAULT_MODEL.with_suffix(".classes.json"), folder / CLASSES_FILE)
    (folder / MANIFEST).write_text(json.dumps({"id": model_id}), encoding="utf-8")


def test_worker_takes_a_switch_at_the_next_file(
    store: Store, paths: WatchPaths, drop: Callable[..., Path]
) -> None:
    town = store.for_tenant("town-a")
    processor = SwitchingProcessor(known={"m1"})
    worker = Worker(
        store,
        paths,
        processor,
        "w1",
        report=lambda o: None,
        stop=lambda: False,
        options=WorkerOptions(lease_seconds=30.0),
    )

    def read(name: str) -> list[str | None]:
        drop(name, ("ok",))
        intake = Intake(store, paths, FORMS, lambda o: None)
        for entry in scan_tenant(paths.inbox / "town-a", "town-a", FORMS):
            intake.take(entry)
        assert worker.step()
        (source,) = [s for s in town.list_sources() if s.name.endswith(name)]
        (page,) = [p for p in town.source_pages(source.id) if p.document_id is not None]
        assert page.document_id is not None
        doc = town.get_document(page.document_id)
        town.confirm_field(doc.id, "user_name", actor="rev", expected_version=doc.version)
        models = {e.reader_model for e in town.training_examples() if e.document_id == doc.id}
        return sorted(models, key=str)

    assert read("a.pdf") == [PACKAGED]
    _model_folder(town.models_dir, "m1")
    town.set_reader_model("m1", actor="admin")
    assert read("b.pdf") == ["m1"]  # the same worker, no restart
    # a model that cannot be used: read with the packaged one, and the fields say so
    _model_folder(town.models_dir, "broken")
    town.set_reader_model("broken", actor="admin")
    assert read("c.pdf") == [PACKAGED]
    assert processor.switches == [
        ("town-a", None),
        ("town-a", "m1"),
        ("town-a", "broken"),
        ("town-a", None),
    ]


def test_reader_cache_verifies_the_manifest_checksums(tmp_path: Path) -> None:
    root = tmp_path / "models" / "town-a"
    _model_folder(root, "m1")
    folder = root / "m1"
    manifest = {
        "id": "m1",
        "tenant": "town-a",
        "created": "2026-12-03T09:00:00+00:00",
        "files": file_checksums(folder),
        "accuracy_before": {"all": 0.8},
        "accuracy_after": {"all": 0.9},
        "examples": {"digits": 10},
        "held_out": {"digits": 3},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (model,) = tenant_models(tmp_path, "town-a")
    assert (model.id, model.accuracy_after["all"], model.examples) == ("m1", 0.9, {"digits": 10})
    assert tenant_models(tmp_path, "town-b") == []
    cache = ReaderCache(tmp_path)
    reader, name = cache.get("town-a", "m1")
    assert isinstance(reader, SecondReader) and name == "m1"
    assert cache.get("town-a", "m1")[0] is reader  # loaded once
    with pytest.raises(ModelMissingError, match="no model 'm1'"):
        cache.get("town-b", "m1")  # another municipality's model is not there for it
    data = bytearray((folder / MODEL_FILE).read_bytes())
    data[-1] ^= 1
    (folder / MODEL_FILE).write_bytes(bytes(data))
    with pytest.raises(ModelMissingError, match="does not match its recorded checksum"):
        ReaderCache(tmp_path).get("town-a", "m1")


def test_page_result_carries_its_model_but_not_in_json() -> None:
    page = PageResult("x.png", 1, PageStatus.OK)
    page.reader_model = "m1"
    assert "reader_model" not in page.to_dict()
