"""process_document/process_page with a fake engine: statuses, reasons, timings, and one bad
page (failing in the pipeline, unreadable in ingest, or a PDF page poppler could not draw) not
losing the others. OCR itself is measured in tests/integration."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

from form_schemas.registry import FormRegistry
from ocr_pipeline.errors import BadArgumentsError, InputUnreadableError
from ocr_pipeline.ingest import PageImage
from ocr_pipeline.pipeline import Pipeline, process_document, process_page, process_pages
from ocr_pipeline.results import FieldStatus, PageStatus
from ocr_pipeline.settings import Settings
from ocr_pipeline.synth import (
    Degrade,
    OutFormat,
    Style,
    SynthOptions,
    blank_page,
    blank_truth,
    synth_page,
    write_document,
)
from tests.badinput.pages import damage_frames
from tests.badinput.pdfbytes import PdfImage, blank_a4, image_page, pdf_file

MakeEngine = Callable[..., Any]  # the ``fake_engine`` fixture
STAGES = ["load", "blank", "classify", "register", "zones", "ocr", "interpret"]


@pytest.fixture
def document(tmp_path: Path, registry: FormRegistry) -> Path:
    """A two-page TIFF: a filled water_service form, then an empty back side."""
    rng = np.random.default_rng(5)
    options = SynthOptions(style=Style.PRINT, degrade=Degrade.MILD)
    scan, truth = synth_page(registry.get("water_service"), rng, options)
    dpi = int(truth["degrade"]["dpi"])
    back = blank_page(rng, Degrade.MILD, dpi=dpi, grey=scan.ndim == 2)
    pages = [(scan, truth), (back, blank_truth())]
    return write_document(pages, tmp_path / "doc.tiff", OutFormat.TIFF, dpi)


def test_every_page_comes_out_with_its_status_and_timings(
    settings: Settings, fake_engine: MakeEngine, reading: Callable[..., Any], document: Path
) -> None:
    engine = fake_engine(script=lambda _i, _c, allowed: reading("1" if allowed else "山田"))
    pipe = Pipeline.create(settings, engine=engine)
    form, back = list(process_document(pipe, document))
    assert (form.page, form.status, form.form, form.form_version) == (
        1,
        PageStatus.OK,
        "water_service",
        1,
    )
    assert list(form.timings) == STAGES
    assert form.registration is not None and form.registration.coverage > 0.9
    assert set(form.fields) == {f.id for f in pipe.registry.get("water_service").fields}
    assert engine.crops_seen > 0
    assert (back.page, back.status, back.form) == (2, PageStatus.BLANK, None)
    assert back.reason is not None and "blank" in back.reason
    assert list(back.timings) == ["load", "blank"]
    assert form.source == back.source == str(document)


def test_a_failing_page_becomes_an_error_record_and_the_next_page_still_comes(
    settings: Settings, fake_engine: MakeEngine, document: Path
) -> None:
    pipe = Pipeline.create(settings, engine=fake_engine(fail=MemoryError("out of memory")))
    failed, back = list(process_document(pipe, document))
    assert failed.status is PageStatus.ERROR
    assert failed.reason is not None and "MemoryError: out of memory" in failed.reason
    assert back.status is PageStatus.BLANK


def test_a_known_form_id_skips_classification_among_others(
    settings: Settings, fake_engine: MakeEngine, document: Path
) -> None:
    pipe = Pipeline.create(settings, engine=fake_engine())
    assert [m.form.id for m in pipe.candidates("water_service")] == ["water_service"]
    assert len(pipe.candidates(None)) == len(pipe.registry)
    with pytest.raises(BadArgumentsError) as info:
        pipe.candidates("nope")
    assert "water_service" in info.value.remedy
    form, _ = list(process_document(pipe, document, "water_service"))
    assert form.form == "water_service"


def test_the_result_tree_exports_to_the_json_contract(
    settings: Settings, fake_engine: MakeEngine, document: Path
) -> None:
    pipe = Pipeline.create(settings, engine=fake_engine())
    form, back = list(process_document(pipe, document))
    full, brief = form.to_dict(), form.to_dict(detail=False)
    assert {"source", "page", "form", "status", "reason", "fields", "timings"} <= set(full)
    assert full["registration"] is not None
    assert {"coverage", "residual_px", "rotation_deg", "scale", "inliers", "matrix"} <= set(
        full["registration"]
    )
    phone = full["fields"]["phone"]
    assert {"value", "confidence", "status", "reasons", "details", "raw", "bbox"} <= set(phone)
    assert set(brief["fields"]["phone"]) == {"value", "confidence", "status", "reasons"}
    review = [k for k, f in form.fields.items() if f.status is FieldStatus.REVIEW]
    assert form.needs_review == review
    assert back.to_dict()["fields"] == {} and back.to_dict()["registration"] is None


def _backs_tiff(tmp_path: Path, damaged: list[int]) -> Path:
    """Three empty back sides as an LZW TIFF, the ``damaged`` frames' image data destroyed."""
    rng = np.random.default_rng(9)
    backs = [Image.fromarray(blank_page(rng, Degrade.MILD, dpi=200, grey=True)) for _ in range(3)]
    buffer = io.BytesIO()
    backs[0].save(buffer, "TIFF", save_all=True, append_images=backs[1:], compression="tiff_lzw")
    path = tmp_path / "backs.tif"
    path.write_bytes(damage_frames(buffer.getvalue(), damaged))
    return path


def test_a_page_that_cannot_be_read_becomes_an_error_record_and_the_others_still_come(
    settings: Settings, fake_engine: MakeEngine, tmp_path: Path
) -> None:
    pipe = Pipeline.create(settings, engine=fake_engine())
    path = _backs_tiff(tmp_path, damaged=[1])
    pages = list(process_pages(pipe, path))
    assert [(r.page, r.status, image is None) for r, image in pages] == [
        (1, PageStatus.BLANK, False),
        (2, PageStatus.ERROR, True),
        (3, PageStatus.BLANK, False),
    ]
    failed = pages[1][0]
    assert failed.source == str(path) and failed.timings == {}
    assert failed.reason is not None
    assert failed.reason.startswith("page 2 of 3: the TIFF data is damaged or truncated (")
    assert [r.status for r in process_document(pipe, path)] == [r.status for r, _ in pages]


def test_a_file_none_of_whose_pages_can_be_read_is_refused(
    settings: Settings, fake_engine: MakeEngine, tmp_path: Path
) -> None:
    pipe = Pipeline.create(settings, engine=fake_engine())
    with pytest.raises(InputUnreadableError) as caught:
        list(process_document(pipe, _backs_tiff(tmp_path, damaged=[0, 1, 2])))
    assert caught.value.reason.startswith("page 1 of 3: the TIFF data is damaged or truncated")


NOT_DRAWN = "Syntax Error: Could not find start of jpeg data"


@pytest.fixture
def form_scan(registry: FormRegistry) -> tuple[np.ndarray, int]:
    """A filled water_service page, grey, and its dpi."""
    options = SynthOptions(style=Style.PRINT, degrade=Degrade.MILD)
    scan, truth = synth_page(registry.get("water_service"), np.random.default_rng(5), options)
    grey = scan if scan.ndim == 2 else cv2.cvtColor(scan, cv2.COLOR_BGR2GRAY)
    return grey, int(truth["degrade"]["dpi"])


def _pdf_page(grey: np.ndarray, dpi: int, render_errors: tuple[str, ...] = ()) -> PageImage:
    """Page 2 of a 3-page PDF as ingest gives it, with poppler's ``render_errors``."""
    bgr = np.ascontiguousarray(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    return PageImage(
        Path("scan.pdf"), 1, bgr, float(dpi), page_count=3, render_errors=render_errors
    )


def test_a_blank_page_poppler_complained_about_is_an_error_not_an_empty_side(
    settings: Settings, fake_engine: MakeEngine
) -> None:
    pipe = Pipeline.create(settings, engine=fake_engine())
    white = np.full((2339, 1654), 255, np.uint8)
    clean = process_page(pipe, _pdf_page(white, 200))
    assert (clean.status, clean.reason) == (PageStatus.BLANK, "blank page (0.00% ink)")
    for form_id in (None, "water_service"):
        page = process_page(
            pipe, _pdf_page(white, 200, (NOT_DRAWN, "Syntax Error: other")), form_id
        )
        assert (page.page, page.status) == (2, PageStatus.ERROR)
        assert page.reason == (
            f"page 2 of 3: the PDF page could not be drawn (poppler: {NOT_DRAWN} and 1 more); "
            "it came out blank"
        )


def test_a_page_with_ink_is_read_whatever_poppler_complained(
    settings: Settings, fake_engine: MakeEngine, form_scan: tuple[np.ndarray, int]
) -> None:
    pipe = Pipeline.create(settings, engine=fake_engine())
    page = process_page(pipe, _pdf_page(*form_scan, render_errors=(NOT_DRAWN,)))
    assert (page.status, page.form, page.reason) == (PageStatus.OK, "water_service", None)


def test_a_pdf_page_drawn_blank_by_damaged_image_data_is_an_error_page(
    settings: Settings,
    fake_engine: MakeEngine,
    form_scan: tuple[np.ndarray, int],
    tmp_path: Path,
) -> None:
    grey, dpi = form_scan
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, "JPEG", quality=85)
    jpeg = PdfImage(grey.shape[1], grey.shape[0], buffer.getvalue(), "DCTDecode")
    damaged = PdfImage(jpeg.width, jpeg.height, bytes(4096) + jpeg.data[4096:], "DCTDecode")
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf_file([image_page(jpeg, dpi), image_page(damaged, dpi), blank_a4()]))
    pipe = Pipeline.create(settings, engine=fake_engine())
    results = list(process_document(pipe, path))
    assert [r.status for r in results] == [PageStatus.OK, PageStatus.ERROR, PageStatus.BLANK]
    assert results[1].reason == (
        f"page 2 of 3: the PDF page could not be drawn (poppler: {NOT_DRAWN}); it came out blank"
    )
