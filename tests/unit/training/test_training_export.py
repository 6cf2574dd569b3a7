"""``export_training``: a municipality's reviewed fields, cut again from the stored page
exactly as the pipeline cut them, written as PaddleOCR recognition data and as the second
reader's characters, with a manifest; refused without opt-in; never a 個人番号."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from ocr_pipeline.extract.observe import zone_crops
from ocr_pipeline.preprocess.ink import to_gray
from ocr_pipeline.preprocess.register import reregister
from ocr_pipeline.preprocess.templates import template_model
from ocr_pipeline.store import Store, TenantStore, registry_forms, upgrade
from ocr_pipeline.training.export import TrainingNotAllowedError, export_training
from ocr_pipeline.training.samples import SampleMaker
from tests.training_kit import FORMS, Scanned, save_and_review, scanned


@pytest.fixture(scope="module")
def water() -> Scanned:
    return scanned("water_service", 11)


@pytest.fixture(scope="module")
def furusato() -> Scanned:
    return scanned("furusato_onestop", 12)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'formocr.db'}"
    upgrade(url)
    s = Store.open(url, tmp_path / "images", forms=registry_forms(FORMS))
    yield s
    s.close()


@pytest.fixture
def town(store: Store) -> TenantStore:
    t = store.for_tenant("town-a")
    t.ensure_tenant("A町")
    return t


def paddle_lines(label_file: Path, data_dir: Path) -> list[tuple[Path, str]]:
    """rec_gt.txt read as PaddleOCR's SimpleDataSet reads it: bytes lines, UTF-8,
    ``strip("\\n").split("\\t")``, first field the image path under ``data_dir``, second the
    label."""
    out = []
    for raw in label_file.open("rb").readlines():
        substr = raw.decode("utf-8").strip("\n").split("\t")
        out.append((Path(os.path.join(data_dir, substr[0])), substr[1]))
    return out


def test_the_crop_is_rebuilt_exactly_from_the_stored_page(
    town: TenantStore, water: Scanned
) -> None:
    """What the store keeps (the scan as PNG, the registration matrix) gives the same crops
    as the registration the pipeline made, pixel for pixel."""
    save_and_review(town, water, "w.png")
    model = template_model(FORMS.get("water_service"))
    specs = {f.id: f for f in FORMS.get("water_service").spec.all_fields()}
    compared = 0
    for ex in town.training_examples():
        png = np.frombuffer(town.page_image(ex.image_sha256), np.uint8)
        page = np.asarray(cv2.imdecode(png, cv2.IMREAD_UNCHANGED), np.uint8)
        assert ex.registration is not None
        again = reregister(to_gray(page), np.asarray(ex.registration["matrix"]), model)
        spec = specs[ex.field_id]
        first, _ = zone_crops(water.reg, model, spec)
        second, _ = zone_crops(again, model, spec)
        assert first.keys() == second.keys()
        for part, crop in first.items():
            other = second[part].image
            if crop.image is None:
                assert other is None
                continue
            assert other is not None
            assert np.array_equal(crop.image, other), (spec.id, part)
            compared += 1
    assert compared >= 10


def test_export_refused_without_opt_in(town: TenantStore, water: Scanned, tmp_path: Path) -> None:
    save_and_review(town, water, "w.png")
    maker = SampleMaker(town, FORMS)
    with pytest.raises(TrainingNotAllowedError, match="opt-in --tenant town-a on"):
        export_training(town, maker, tmp_path / "out", actor="admin")
    assert not (tmp_path / "out").exists()


def test_export_reads_back_like_paddleocr(
    town: TenantStore, water: Scanned, furusato: Scanned, tmp_path: Path
) -> None:
    save_and_review(town, water, "w.png")
    save_and_review(town, furusato, "f.png")
    town.set_training_opt_in(True, actor="admin")
    out = tmp_path / "out"
    report = export_training(town, SampleMaker(town, FORMS), out, actor="admin")

    lines = paddle_lines(out / "rec_gt.txt", out)
    assert lines
    labels = {}
    for path, label in lines:
        assert path.is_file(), path
        image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        assert image is not None and image.size > 0
        labels[path.name] = label
    # the meter number's comb boxes, one digit each, in order
    meter = str(water.truth["meter_number"])
    boxes = sorted(
        (n for n in labels if "_meter_number_" in n),
        key=lambda n: int(n.rsplit(".", 2)[-2]),
    )
    assert "".join(labels[n] for n in boxes) == meter
    # the name as a whole line, as the reviewer left it (full-width space as a space)
    names = [lab for n, lab in labels.items() if "_user_name_" in n]
    assert names == [str(water.truth["user_name"]).replace("\u3000", " ")]
    # 個人番号 never, not even as a file
    assert not any("my_number" in p.as_posix() for p in out.rglob("*"))
    assert "mynumber" not in report.counts
    assert str(furusato.truth["my_number"]) not in (out / "rec_gt.txt").read_text("utf-8")

    chars = [line.split("\t") for line in (out / "chars.tsv").read_text("utf-8").splitlines()]
    assert chars
    for rel, char, _height in chars:
        assert (out / rel).is_file()
        assert len(char) == 1
    meter_chars = sorted(
        ((rel, c) for rel, c, _ in chars if "_meter_number_" in rel),
        key=lambda rc: int(rc[0].rsplit(".", 2)[-2].split("_")[0]),
    )
    assert "".join(c for _, c in meter_chars) == meter

    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["tenant"] == "town-a"
    assert manifest["form_versions"] == ["furusato_onestop@1", "water_service@1"]
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == files - {"manifest.json"}
    for rel, sha in manifest["files"].items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == sha
    assert manifest["counts"]["digits"]["crops"] >= len(meter)
    for p in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), p


def test_export_filters_by_type_and_refuses_a_used_folder(
    town: TenantStore, water: Scanned, tmp_path: Path
) -> None:
    save_and_review(town, water, "w.png")
    town.set_training_opt_in(True, actor="admin")
    out = tmp_path / "out"
    export_training(town, SampleMaker(town, FORMS), out, actor="admin", types=["digits"])
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert set(manifest["counts"]) == {"digits"}
    with pytest.raises(Exception, match="not an empty folder"):
        export_training(town, SampleMaker(town, FORMS), out, actor="admin")
