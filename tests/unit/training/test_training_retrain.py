"""``train_tenant``: a municipality's own second reader, held out by document, kept only when
it reads the held-out characters better than the model the municipality reads with now."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from ocr_pipeline.engines.models import sha256_of
from ocr_pipeline.errors import NotImprovedError
from ocr_pipeline.reader2.registry import (
    CLASSES_FILE,
    MANIFEST,
    MODEL_FILE,
    PACKAGED,
    TenantModel,
    file_checksums,
    tenant_models,
)
from ocr_pipeline.reader2.train import export, fit
from ocr_pipeline.store import Store, TenantStore, registry_forms, upgrade
from ocr_pipeline.training.retrain import TenantTrainOptions, split_documents, train_tenant
from ocr_pipeline.training.samples import SampleMaker
from tests.training_kit import FORMS, Scanned, save_and_review, scanned

pytest.importorskip("sklearn")
pytest.importorskip("skl2onnx")
pytestmark = pytest.mark.ocr  # trains and runs second reader models (minutes)

TINY = TenantTrainOptions(per_class=2, digit_factor=1, tenant_weight=0, workers=1, max_epochs=5)


def test_documents_are_held_out_whole() -> None:
    docs = list(range(1, 21)) * 3  # a document's characters come in many rows
    held = split_documents(docs, 0.2, seed=1)
    assert len(held) == 4 and held <= set(docs)
    assert held == split_documents(docs, 0.2, seed=1)
    assert held != split_documents(docs, 0.2, seed=2)
    assert split_documents([5, 5, 5], 0.2, seed=1) == set()
    assert split_documents([5, 6], 0.2, seed=1) in ({5}, {6})


@pytest.fixture(scope="module")
def pages() -> list[Scanned]:
    return [scanned("water_service", 31 + i) for i in range(4)]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def town(data_dir: Path, pages: list[Scanned]) -> Iterator[TenantStore]:
    data_dir.mkdir()
    url = f"sqlite:///{data_dir / 'formocr.db'}"
    upgrade(url)
    with Store.open(url, data_dir / "images", forms=registry_forms(FORMS)) as store:
        town = store.for_tenant("town-a")
        town.ensure_tenant()
        for i, page in enumerate(pages):
            save_and_review(town, page, f"p{i}.png")
        town.set_training_opt_in(True, actor="admin")
        yield town


def test_a_model_that_is_not_better_is_refused(town: TenantStore, data_dir: Path) -> None:
    # two drawings per class and none of the municipality's characters: worse than packaged
    report = train_tenant(town, SampleMaker(town, FORMS), data_dir, TINY)
    assert report.model_id is None and report.path is None
    assert report.base == PACKAGED
    assert report.accuracy_after["all"] <= report.accuracy_before["all"]
    refusal = report.refusal()
    assert isinstance(refusal, NotImprovedError) and "nothing was written" in refusal.message
    assert tenant_models(data_dir, "town-a") == []
    assert not (data_dir / "models" / "town-a").exists()
    assert set(report.held_out_chars) <= {"digits", "phone", "postal_code", "wareki_date"}
    assert 1 <= report.held_out_documents < report.documents


def _bad_model(data_dir: Path, town: TenantStore) -> str:
    """A model that reads at chance (fitted on shuffled labels), installed as the
    municipality's current model."""
    (cache,) = (data_dir / "models" / ".cache").glob("synthetic-*.npz")
    with np.load(cache) as z:
        x, y = np.asarray(z["x"], np.float32), np.asarray(z["y"])
    y = np.random.default_rng(0).permutation(y)
    folder = data_dir / "models" / "town-a" / "bad"
    export(fit(x, y, 0, 3), sorted(set(y)), folder / MODEL_FILE, {})
    manifest = TenantModel(
        id="bad",
        tenant="town-a",
        created=datetime(2026, 12, 1, tzinfo=UTC),
        path=folder,
        files=file_checksums(folder),
        accuracy_before={},
        accuracy_after={},
        examples={},
        held_out={},
    )
    (folder / MANIFEST).write_text(json.dumps(manifest.to_dict()), encoding="utf-8")
    town.set_reader_model("bad", actor="admin")
    return "bad"


def test_a_better_model_is_kept_beside_the_current_one(town: TenantStore, data_dir: Path) -> None:
    train_tenant(town, SampleMaker(town, FORMS), data_dir, TINY)  # fills the synthetic cache
    _bad_model(data_dir, town)
    options = TenantTrainOptions(
        per_class=2, digit_factor=1, tenant_weight=20, workers=1, max_epochs=20
    )
    report = train_tenant(
        town,
        SampleMaker(town, FORMS),
        data_dir,
        options,
        now=lambda: datetime(2026, 12, 3, 9, 30, tzinfo=UTC),
    )
    assert report.cached
    assert report.base == "bad"
    assert report.model_id == "20261203-093000", report.refusal()
    assert report.accuracy_after["all"] > report.accuracy_before["all"]
    folder = data_dir / "models" / "town-a" / "20261203-093000"
    assert report.path == folder
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    for name in (MODEL_FILE, CLASSES_FILE):
        assert manifest["files"][name] == sha256_of(folder / name)
    assert manifest["base"] == "bad" and manifest["tenant"] == "town-a"
    assert manifest["held_out"] == report.held_out_chars
    assert [m.id for m in tenant_models(data_dir, "town-a")] == ["bad", "20261203-093000"]
    assert town.reader_model() == "bad"  # kept, not switched to: an administrator decides
    town.set_reader_model(report.model_id, actor="admin")
    assert town.reader_model() == report.model_id
    assert (folder.stat().st_mode & 0o077) == 0
