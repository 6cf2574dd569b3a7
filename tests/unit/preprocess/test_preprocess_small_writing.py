"""Small writing survives zone cleaning: 3 mm furigana on a form drawn at 150 dpi.

The form is the test-only 就学援助申請書 (``tests/forms/school_aid.py``); its furigana rows
are 18 px high, and kana written in them are about 10 px, with strokes, dots and dakuten of
a few pixels each.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from form_schemas.registry import load_form
from form_schemas.spec import BBox
from ocr_pipeline.preprocess import zones
from ocr_pipeline.preprocess.ink import to_gray
from ocr_pipeline.preprocess.register import WRITING_LEVEL, register, scaled_features
from ocr_pipeline.preprocess.templates import TemplateModel, template_model
from ocr_pipeline.preprocess.zones import crop_zone, min_stroke_area, zone_scale
from tests.forms.school_aid import FURIGANA_H, make_school_aid_form

FONT = "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"  # thin strokes, like a pen
KANA = "すずき　だいすけ"  # dakuten and the detached strokes of い, け: small components


@pytest.fixture(scope="module")
def school_aid(tmp_path_factory: pytest.TempPathFactory) -> TemplateModel:
    folder = make_school_aid_form(tmp_path_factory.mktemp("forms"))
    form = load_form(folder)
    assert form.spec.template.dpi == 150
    return template_model(form)


def _kana_zone(model: TemplateModel) -> BBox:
    bbox = model.form.spec.field("applicant_kana").segments[0].bbox
    assert bbox[3] - bbox[1] == FURIGANA_H
    return bbox


def _write(model: TemplateModel, bbox: BBox, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The blank template with ``KANA`` written ``size`` px high in ``bbox``; returns the
    grey page and the writing's own pixels."""
    page = PILImage.fromarray(model.gray.copy())
    ImageDraw.Draw(page).text(
        (bbox[0] + 12, (bbox[1] + bbox[3]) // 2),
        KANA,
        font=ImageFont.truetype(FONT, size),
        fill=40,
        anchor="lm",
    )
    gray = to_gray(np.asarray(page))
    written = (gray < WRITING_LEVEL) & ~(model.gray < WRITING_LEVEL)
    return gray, written


def test_constants_scale_with_the_zone_but_not_on_the_forms_they_were_tuned_on() -> None:
    assert zone_scale(72) == zone_scale(200) == 1.0
    assert min_stroke_area(76) == zones.MIN_STROKE_AREA
    assert zone_scale(18) == pytest.approx(0.25)
    assert 3 <= min_stroke_area(18) < 6


@pytest.mark.parametrize("size", [11, 13])
def test_a_3mm_kana_line_keeps_its_strokes(school_aid: TemplateModel, size: int) -> None:
    bbox = _kana_zone(school_aid)
    gray, written = _write(school_aid, bbox, size)
    reg = register(gray, scaled_features(gray, 1.0), school_aid)
    assert reg is not None and reg.ok
    crop = crop_zone(reg, school_aid, bbox)
    assert crop.image is not None and crop.fill >= 1.0
    ox, oy = crop.origin
    h, w = crop.mask.shape
    drawn = written[oy : oy + h, ox : ox + w]
    # Every stroke of the writing is kept, dakuten and the short strokes of い and け too
    # (2-px antialiasing crumbs may go), and most of its ink.
    n, labels = cv2.connectedComponents(drawn.astype(np.uint8), connectivity=8)
    strokes = [labels == i for i in range(1, n) if (labels == i).sum() >= 3]
    kept = [bool(crop.mask[s].any()) for s in strokes]
    assert all(kept), f"{kept.count(False)} of {len(kept)} strokes were dropped as dust"
    assert crop.mask[drawn].mean() > 0.85
    # Trimmed to the writing with a little paper around it, not a zone-wide white band.
    assert crop.image.shape[0] <= FURIGANA_H + 8


def test_a_speck_in_an_empty_furigana_row_is_not_writing(school_aid: TemplateModel) -> None:
    bbox = _kana_zone(school_aid)
    gray = school_aid.gray.copy()
    cy = (bbox[1] + bbox[3]) // 2
    gray[cy : cy + 2, bbox[0] + 200 : bbox[0] + 202] = 30  # 4 px of dust
    reg = register(gray, scaled_features(gray, 1.0), school_aid)
    assert reg is not None and reg.ok
    assert crop_zone(reg, school_aid, bbox).image is None


def test_the_form_is_a_forms_directory(tmp_path: Path) -> None:
    folder = make_school_aid_form(tmp_path)
    assert folder == tmp_path / "school_aid"
    assert (folder / "form.yaml").is_file() and (folder / "template.png").is_file()
    form = load_form(folder)
    assert (form.width, form.height) == (1240, 1754)  # A4 at 150 dpi
    kana = [f for f in form.spec.all_fields() if f.type.value == "kana"]
    assert len(kana) == 4 and all("ふりがな" in f.label for f in kana)
