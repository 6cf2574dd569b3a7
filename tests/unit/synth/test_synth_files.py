"""Whole documents on disk: every format readable back, truth beside it, reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pdf2image import convert_from_path, pdfinfo_from_path
from PIL import Image

from form_schemas.registry import FormDefinition, FormRegistry
from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.synth import (
    Degrade,
    OutFormat,
    SynthOptions,
    blank_page,
    blank_truth,
    foreign_page,
    foreign_truth,
    synthesize,
    truth_path,
    write_document,
)


def _pages_in(path: Path, fmt: OutFormat) -> list[Image.Image]:
    if fmt is OutFormat.PDF:
        return list(convert_from_path(str(path), dpi=50))
    with Image.open(path) as img:
        frames = []
        for i in range(getattr(img, "n_frames", 1)):
            img.seek(i)
            frames.append(img.copy())
        return frames


@pytest.mark.parametrize("fmt", list(OutFormat))
def test_every_format_reads_back_with_its_truth(
    test_form: FormDefinition, tmp_path: Path, fmt: OutFormat
) -> None:
    options = SynthOptions(fmt=fmt, degrade=Degrade.MILD, seed=4, blank_back_rate=1.0)
    paths = synthesize(test_form, 2, tmp_path, options)
    assert [p.name for p in paths] == [f"test_form-4-{i:04d}.{fmt.value}" for i in range(2)]
    for path in paths:
        truth = json.loads(truth_path(path).read_text(encoding="utf-8"))
        pages = _pages_in(path, fmt)
        assert len(pages) == len(truth["pages"]) == (2 if fmt.multipage else 1)
        front = truth["pages"][0]
        assert front["form"] == "test_form"
        assert set(front["fields"]) == {f.id for f in test_form.fields}
        assert front["style"] in ("hand", "print") and front["font"]
        dpi = front["degrade"]["dpi"]
        if fmt is not OutFormat.PDF:
            assert (
                pages[0].size[0] == round(test_form.width * dpi / 200)
                or front["degrade"]["sideways"]
            )
            assert round(pages[0].info["dpi"][0]) == dpi
        if fmt.multipage:
            assert truth["pages"][1] == {
                "form": None,
                "status": "blank",
                "fields": {},
                "degrade": {"level": "mild", "dpi": dpi},
            }


def test_pdf_pages_carry_the_scan_resolution(test_form: FormDefinition, tmp_path: Path) -> None:
    [path] = synthesize(test_form, 1, tmp_path, SynthOptions(fmt=OutFormat.PDF, seed=1))
    dpi = json.loads(truth_path(path).read_text())["pages"][0]["degrade"]["dpi"]
    width_pt = float(pdfinfo_from_path(str(path))["Page size"].split()[0])
    assert abs(width_pt - test_form.width * dpi / 200 / dpi * 72) < 2  # A4 is 595 pt wide


@pytest.mark.parametrize("fmt", list(OutFormat))
def test_same_seed_writes_the_same_bytes(
    test_form: FormDefinition, tmp_path: Path, fmt: OutFormat
) -> None:
    runs = []
    for name, seed in (("a", 8), ("b", 8), ("c", 9)):
        [path] = synthesize(
            test_form, 1, tmp_path / name, SynthOptions(fmt=fmt, degrade=Degrade.HARD, seed=seed)
        )
        runs.append((path.read_bytes(), truth_path(path).read_bytes()))
    assert runs[0] == runs[1]
    assert runs[0][0] != runs[2][0]


def test_write_document_mixes_page_kinds_and_refuses_many_pages_in_png(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    pages = [
        (foreign_page(rng), foreign_truth()),
        (blank_page(rng, Degrade.MILD, grey=False), blank_truth()),
    ]
    path = write_document(pages, tmp_path / "doc.tiff", OutFormat.TIFF, 200)
    assert len(_pages_in(path, OutFormat.TIFF)) == 2
    assert json.loads(truth_path(path).read_text())["pages"][0]["status"] == "unclassified"
    with pytest.raises(BadArgumentsError):
        write_document(pages, tmp_path / "doc.png", OutFormat.PNG, 200)


def test_negative_count_is_refused(test_form: FormDefinition, tmp_path: Path) -> None:
    with pytest.raises(BadArgumentsError):
        synthesize(test_form, -1, tmp_path, SynthOptions())


BUILTIN = FormRegistry.from_dirs()


@pytest.mark.parametrize("form_id", BUILTIN.ids)
def test_builtin_forms_synthesize(form_id: str, tmp_path: Path) -> None:
    form = BUILTIN.get(form_id)
    [path] = synthesize(form, 1, tmp_path, SynthOptions(seed=2))
    truth = json.loads(truth_path(path).read_text(encoding="utf-8"))
    assert set(truth["pages"][0]["fields"]) == {f.id for f in form.fields}
