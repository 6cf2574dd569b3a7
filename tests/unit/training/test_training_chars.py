"""Cutting a municipality's reviewed characters: one decode and registration per page, and
the same characters whether pages are cut in the parent or in worker processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from ocr_pipeline.engines import OcrEngine
from ocr_pipeline.store import Store, TenantStore, registry_forms, upgrade
from ocr_pipeline.training.chars import Chars, collect
from ocr_pipeline.training.samples import SampleMaker, page_order
from tests.training_kit import FORMS, save_and_review, scanned


class CountingImages:
    """The store's page images, counting how often one is asked for."""

    def __init__(self, town: TenantStore) -> None:
        self.town = town
        self.asked = 0

    def page_image(self, sha256: str) -> bytes:
        self.asked += 1
        return self.town.page_image(sha256)


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TenantStore]:
    data_dir: Path = tmp_path_factory.mktemp("data")
    url = f"sqlite:///{data_dir / 'formocr.db'}"
    upgrade(url)
    with Store.open(url, data_dir / "images", forms=registry_forms(FORMS)) as store:
        town = store.for_tenant("town-a")
        town.ensure_tenant()
        for i in range(3):
            save_and_review(town, scanned("water_service", 51 + i), f"p{i}.png")
        town.set_training_opt_in(True, actor="admin")
        yield town


def _flat(by_doc: dict[int, Chars]) -> tuple[list[str], list[bytes], list[int]]:
    labels, pixels, docs = [], [], []
    for doc, chars in sorted(by_doc.items()):
        labels += chars.labels
        pixels += [np.ascontiguousarray(p).tobytes() for p in chars.pieces]
        docs += [doc] * len(chars.labels)
    return labels, pixels, docs


def test_a_page_is_read_once_for_all_its_fields(town: TenantStore) -> None:
    images = CountingImages(town)
    maker = SampleMaker(images, FORMS)
    examples = page_order(town.training_examples())
    assert len(examples) > 3  # several reviewed fields per page
    for ex in examples:
        maker.samples(ex)
    assert images.asked == 3


def test_workers_cut_the_same_characters_as_the_parent(town: TenantStore) -> None:
    serial, fields = collect(town, SampleMaker(town, FORMS), lambda *_: None, workers=1)
    parallel, fields2 = collect(town, SampleMaker(town, FORMS), lambda *_: None, workers=2)
    assert fields == fields2 > 0
    labels, pixels, docs = _flat(serial)
    assert labels  # digits were cut
    assert _flat(parallel) == (labels, pixels, docs)


def test_a_maker_with_a_recognizer_made_already_is_not_forked(
    town: TenantStore, fake_engine: Callable[..., OcrEngine]
) -> None:
    assert SampleMaker(town, FORMS).forkable
    assert SampleMaker(town, FORMS, lambda: pytest.fail("not made in the parent")).forkable
    # an engine made in the parent holds inference sessions that must not cross a fork
    assert not SampleMaker(town, FORMS, fake_engine()).forkable
