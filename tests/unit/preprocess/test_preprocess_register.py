"""Registration of a page onto its template: a built-in template turned, scaled, shifted and
upside down by a known transform must be brought back."""

from __future__ import annotations

import math
from typing import NamedTuple

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from ocr_pipeline.preprocess import features
from ocr_pipeline.preprocess.classify import classify, template_scale
from ocr_pipeline.preprocess.ink import Gray
from ocr_pipeline.preprocess.register import (
    MIN_INLIERS,
    match_template,
    register,
    scaled_features,
)
from ocr_pipeline.preprocess.templates import TemplateModel

Matrix = NDArray[np.float64]


def scan_of(
    template: Gray, angle: float, scale: float, shift: tuple[float, float], upside_down: bool
) -> tuple[Gray, Matrix]:
    """The template as a scanner would return it: turned by ``angle`` degrees
    (counter-clockwise on screen), resampled by ``scale``, shifted, optionally upside down.
    Returns the page and the 3x3 transform from template to page pixels."""
    h, w = template.shape
    out_w, out_h = round(w * scale), round(h * scale)
    m = np.asarray(cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale), dtype=np.float64)
    m[:, 2] += (out_w / 2 - w / 2 + shift[0], out_h / 2 - h / 2 + shift[1])
    page = cv2.warpAffine(template, m, (out_w, out_h), flags=cv2.INTER_AREA, borderValue=(250.0,))
    forward = np.vstack([m, [0, 0, 1]])
    if upside_down:
        page = cv2.rotate(page, cv2.ROTATE_180)
        flip = np.array([[-1, 0, out_w - 1], [0, -1, out_h - 1], [0, 0, 1]], dtype=np.float64)
        forward = flip @ forward
    return np.asarray(page, dtype=np.uint8), forward


def angle_between(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


class Case(NamedTuple):
    form_id: str
    angle: float  # degrees, counter-clockwise on screen
    dpi: int
    scanner: float  # the scanner's own scale error
    shift: tuple[float, float]  # page pixels
    upside_down: bool


CASES = [
    Case("furusato_onestop", 2.0, 200, 1.0, (30, -20), False),
    Case("water_service", -1.5, 300, 1.01, (40, 25), False),
    Case("resident_move", 0.7, 200, 0.99, (-15, 10), True),
    Case("water_service", -3.0, 300, 1.0, (0, 0), True),
]


@pytest.mark.parametrize("guided", [False, True], ids=["all-pairs", "guided"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.form_id}-{c.angle}-{c.dpi}")
def test_a_known_transform_is_recovered(
    template_models: dict[str, TemplateModel], case: Case, guided: bool
) -> None:
    form_id, angle, dpi, scanner, shift, upside_down = case
    model = template_models[form_id]
    factor = dpi / model.dpi * scanner
    page, forward = scan_of(model.gray, angle, factor, shift, upside_down)
    guide = None
    if guided:  # as the pipeline does: the classification's transform guides the matching
        best = classify(page, dpi, list(template_models.values())).best
        assert best is not None and best.form_id == form_id and best.matrix is not None
        guide = best.matrix
    feats = scaled_features(page, template_scale(model, dpi))
    if guide is not None:  # the guide alone registers it (no fall-back to every pair)
        assert match_template(feats, model, guide).inliers >= MIN_INLIERS
    reg = register(page, feats, model, guide)
    assert reg is not None
    assert reg.ok, reg.notes
    # Registration reports the turn clockwise (the synthesiser's truth angle is
    # counter-clockwise): a page turned 2 degrees counter-clockwise reports 358.
    expected = (-angle + (180 if upside_down else 0)) % 360
    assert angle_between(reg.rotation, expected) < 0.5
    assert reg.scale == pytest.approx(1 / factor, rel=0.005)
    assert reg.residual < 1.0
    assert reg.coverage > 0.9
    # Template points taken onto the page and back land where they started.
    w, h = model.size
    pts = np.array([[100, 100, 1], [w - 100, h - 100, 1], [w / 2, h / 3, 1], [150, h - 200, 1]]).T
    back = reg.matrix @ (forward @ pts)
    assert np.abs(back - pts[:2]).max() < 1.5


def test_the_warped_page_lies_on_the_template(template_models: dict[str, TemplateModel]) -> None:
    model = template_models["furusato_onestop"]
    page, _ = scan_of(model.gray, 1.0, 1.5, (20, 20), True)
    reg = register(page, scaled_features(page, template_scale(model, 300)), model)
    assert reg is not None
    w, h = model.size
    assert reg.warped.shape == (h, w) and reg.ink.shape == (h, w)
    near = cv2.dilate(reg.ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert (model.ink & near).sum() / model.ink.sum() > 0.9


def test_a_page_of_another_form_does_not_register(
    template_models: dict[str, TemplateModel],
) -> None:
    page = template_models["water_service"].gray
    model = template_models["furusato_onestop"]
    reg = register(page, scaled_features(page, 1.0), model)
    assert reg is None or not reg.ok
    if reg is not None:
        assert reg.notes and reg.quality < 0.8


def test_the_template_itself_registers_as_identity(
    template_models: dict[str, TemplateModel],
) -> None:
    model = template_models["water_service"]
    reg = register(model.gray, scaled_features(model.gray, 1.0), model)
    assert reg is not None and reg.ok
    assert reg.quality > 0.9
    assert angle_between(reg.rotation, 0.0) < 0.1
    assert math.isclose(reg.scale, 1.0, rel_tol=0.002)


def test_matching_near_the_guide_pairs_each_feature_with_its_own_place(
    template_models: dict[str, TemplateModel],
) -> None:
    model = template_models["resident_move"]
    identity = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    src, dst = features.match_near(model.features, model.features, identity, 24.0)
    assert len(src) > 0.9 * len(model.features)
    assert np.abs(src - dst).max() < 1e-3
    # Matching every pair loses the look-alikes (comb box corners) to the ratio test.
    everywhere, _ = features.match(model.features, model.features)
    assert len(src) > len(everywhere)


def test_a_misleading_guide_falls_back_to_matching_every_pair(
    template_models: dict[str, TemplateModel],
) -> None:
    model = template_models["furusato_onestop"]
    page, forward = scan_of(model.gray, 1.0, 1.0, (25, -10), False)
    far = np.array([[1.0, 0.0, 400.0], [0.0, 1.0, -300.0]])  # nothing is where it points
    misled = match_template(scaled_features(page, 1.0), model, far)
    reg = register(page, scaled_features(page, 1.0), model, far)
    assert reg is not None and reg.ok, reg and reg.notes
    assert misled.inliers < MIN_INLIERS  # the guide alone could not have registered it
    back = reg.matrix @ (forward @ np.array([[200.0, 300.0, 1.0]]).T)
    assert np.abs(back.ravel() - [200.0, 300.0]).max() < 1.5


def test_pairs_near_finds_exactly_the_points_within_the_radius() -> None:
    rng = np.random.default_rng(7)
    points = rng.uniform(0, 500, (400, 2))
    at = np.vstack([rng.uniform(-50, 550, (300, 2)), [[np.nan, 3.0]]])
    q, t = features._pairs_near(at, points, 20.0)
    got = set(zip(q.tolist(), t.tolist(), strict=True))
    d = np.hypot(at[:, None, 0] - points[None, :, 0], at[:, None, 1] - points[None, :, 1])
    want = {(int(i), int(j)) for i, j in zip(*np.nonzero(d <= 20.0), strict=True)}
    assert got == want and len(want) > 300
