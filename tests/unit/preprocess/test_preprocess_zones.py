"""Cutting field zones out of a registered page: the writing only, trimmed to the ink."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from form_schemas.spec import BBox
from ocr_pipeline.preprocess import zones
from ocr_pipeline.preprocess.ink import INK_LEVEL, Gray
from ocr_pipeline.preprocess.zones import crop_zone, ink_in, split_lines

FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
FORM = "furusato_onestop"
NAME: BBox = (422, 810, 1530, 908)  # furusato_onestop 氏名
ADDRESS: BBox = (422, 520, 1530, 616)  # furusato_onestop 住所
MY_NUMBER: BBox = (440, 927, 1232, 1003)  # 12 boxes
FillPage = Callable[..., Any]  # the ``fill_page`` fixture
VALUES = {"name": "山田　太郎", "my_number": "123456789018"}


def _inside(inner: BBox, outer: BBox) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def _has_ruled_line(image: Gray) -> bool:
    """A row or column that is ink over 90 % of the crop: a printed box border."""
    ink = image < INK_LEVEL
    return bool((ink.mean(axis=1) > 0.9).any() or (ink.mean(axis=0) > 0.9).any())


def test_writing_in_a_zone_is_found_and_trimmed(fill_page: FillPage) -> None:
    filled = fill_page(FORM, VALUES)
    crop = crop_zone(filled.reg, filled.model, NAME)
    assert crop.image is not None and crop.bbox is not None
    assert crop.fill >= 1.0
    # The writing sits at the left of a wide zone: the crop is much narrower than the zone.
    assert crop.bbox[2] - crop.bbox[0] < 0.5 * (NAME[2] - NAME[0])
    assert _inside(crop.bbox, (NAME[0] - 10, NAME[1] - 10, NAME[2] + 10, NAME[3] + 10))
    h, w = crop.image.shape
    assert (h, w) == pytest.approx(
        (crop.bbox[3] - crop.bbox[1], crop.bbox[2] - crop.bbox[0]), abs=40
    )
    assert (crop.image < INK_LEVEL).any()
    # Padded with white paper all round.
    assert (crop.image[:3] == 255).all() and (crop.image[:, -3:] == 255).all()
    assert not _has_ruled_line(crop.image)


def test_an_empty_zone_gives_no_image(fill_page: FillPage) -> None:
    filled = fill_page(FORM, VALUES)
    crop = crop_zone(filled.reg, filled.model, ADDRESS)
    assert crop.image is None and crop.bbox is None
    assert crop.fill < 1.0


def test_printed_box_lines_are_removed_from_comb_boxes(fill_page: FillPage) -> None:
    filled = fill_page(FORM, VALUES)
    boxes = filled.model.form.spec.field("my_number").segments[0].box_bboxes()
    for box in boxes:
        crop = crop_zone(filled.reg, filled.model, box)
        assert crop.image is not None
        assert not _has_ruled_line(crop.image)
        assert crop.bbox is not None and crop.bbox[2] - crop.bbox[0] < box[2] - box[0]
    # The same boxes on the blank form hold nothing: the printed lines are not writing.
    blank = fill_page(FORM, {})
    assert all(crop_zone(blank.reg, blank.model, b).image is None for b in boxes)


def _streak(
    x: int, top: int = 0, bottom: int | None = None, dark: int = 40
) -> Callable[[Gray], Gray]:
    """A thin faint line down column ``x`` (between ``top`` and ``bottom``), as dust on the
    scanner glass draws it."""

    def edit(gray: Gray) -> Gray:
        band = gray[top:bottom, x : x + 2].astype(np.int16) - dark
        gray[top:bottom, x : x + 2] = np.clip(band, 0, 255).astype(np.uint8)
        return gray

    return edit


def test_a_scanner_streak_through_a_zone_is_ignored(fill_page: FillPage) -> None:
    plain = fill_page(FORM, VALUES)
    streaked = fill_page(FORM, VALUES, edit=_streak(1000))
    assert streaked.reg.streaks[:, 1000].mean() > 0.8
    assert crop_zone(streaked.reg, streaked.model, ADDRESS).image is None
    with_name = crop_zone(streaked.reg, streaked.model, NAME)
    assert with_name.bbox == crop_zone(plain.reg, plain.model, NAME).bbox


def test_a_short_stroke_in_a_zone_is_writing_not_a_streak(fill_page: FillPage) -> None:
    # The same line as the streak, but only across the zone: handwriting, so it counts.
    stroked = fill_page(FORM, VALUES, edit=_streak(1000, ADDRESS[1] - 20, ADDRESS[3] + 20))
    crop = crop_zone(stroked.reg, stroked.model, ADDRESS)
    assert crop.image is not None
    assert crop.bbox is not None and crop.bbox[0] <= 1000 < crop.bbox[2]


def test_ink_in_measures_the_share_of_a_box_written_on(fill_page: FillPage) -> None:
    filled = fill_page(FORM, VALUES)
    crop = crop_zone(filled.reg, filled.model, NAME)
    assert crop.bbox is not None
    assert ink_in(crop, crop.bbox) > 0.05
    assert ink_in(crop, (1400, 820, 1500, 900)) == 0.0


def _two_lines(texts: list[str], line_height: int = 60) -> Gray:
    font = ImageFont.truetype(FONT, 40)
    img = PILImage.new("L", (700, line_height * len(texts)), 255)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(texts):
        draw.text((10, i * line_height + 8), text, font=font, fill=0)
    return np.asarray(img, dtype=np.uint8)


def test_split_lines_cuts_at_the_gap_between_lines() -> None:
    image = _two_lines(["東京都千代田区", "霞が関一丁目"])
    pieces = split_lines(image, 2, 60)
    assert len(pieces) == 2
    for piece in pieces:
        assert (piece < INK_LEVEL).any()
        assert piece.shape[0] < 60 + 2 * 6 + 1
    first_ink = np.flatnonzero((pieces[0] < INK_LEVEL).any(axis=0))
    assert first_ink[-1] > 250  # the first piece holds the longer first line


def test_split_lines_keeps_a_single_line_whole() -> None:
    image = _two_lines(["東京都千代田区"])
    assert [p.shape for p in split_lines(image, 2, 60)] == [image.shape]
    assert [p.shape for p in split_lines(image, 1, 60)] == [image.shape]


def test_split_lines_drops_an_empty_band() -> None:
    image = np.vstack([_two_lines(["東京都"]), np.full((60, 700), 255, np.uint8)])
    pieces = split_lines(image, 2, 60)
    assert len(pieces) == 1
    assert (pieces[0] < INK_LEVEL).any()


def _pale_writing(grey: int) -> Callable[[Gray], Gray]:
    """Three strokes across the address zone in a pale grey, as a light pen on a
    low-contrast scan leaves them."""

    def edit(gray: Gray) -> Gray:
        x0, y0, _, y1 = ADDRESS
        for i in range(3):
            x = x0 + 60 + 70 * i
            cv2.line(gray, (x, y0 + 20), (x + 30, y1 - 20), (grey,), 3)
        return gray

    return edit


def test_pale_writing_is_not_writing_but_is_no_blank_paper(fill_page: FillPage) -> None:
    filled = fill_page(FORM, VALUES, edit=_pale_writing(232))
    pale = crop_zone(filled.reg, filled.model, ADDRESS)
    assert pale.image is None and pale.fill < 1.0
    assert pale.faint >= 1.0
    filled = fill_page(FORM, VALUES, edit=_pale_writing(120))
    assert crop_zone(filled.reg, filled.model, ADDRESS).image is not None


def test_blank_zones_and_empty_comb_boxes_hold_no_pale_writing(fill_page: FillPage) -> None:
    blank = fill_page(FORM, {})
    boxes = blank.model.form.spec.field("my_number").segments[0].box_bboxes()
    for bbox in [ADDRESS, NAME, *boxes]:
        assert crop_zone(blank.reg, blank.model, bbox).faint < 1.0


def test_the_zone_percentile_is_numpys() -> None:
    rng = np.random.default_rng(5)
    for n in (1, 2, 9, 10, 11, 500, 3001):
        values = rng.integers(0, 256, n).astype(np.uint8)
        for q in (10.0, 50.0, 90.0):
            assert zones._percentile(values, q) == float(np.percentile(values, q))
