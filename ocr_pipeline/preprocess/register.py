"""Registering a page onto a form's template: estimate, refine, warp, and score the result.

1. Features of the page (scaled to the template's dpi) are matched to the template's; a
   RANSAC affine transform is fitted. Affine, not only a similarity: scanners stretch one axis
   a little. Rotation is free, so upside-down and sideways pages register directly.
2. Refinement: the warped page and the template are compared patch by patch (phase
   correlation over a grid); the residual shifts fit a correcting affine transform.
3. Quality: the share of the template's printed lines found on the warped page, and the median
   residual shift. A page that does not reach the thresholds is *not* guessed at: it is
   reported as unregistered with the numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from . import features
from .ink import Gray, Mask, flatten, ink_mask
from .streaks import streak_mask
from .templates import TemplateModel

WRITING_LEVEL = 225
"""Writing is anything below this flattened grey: pencil and faint ballpoint too. Zones
subtract the printed form and drop dust, so paper noise is no concern there."""

Matrix = NDArray[np.float64]  # 2 x 3 affine, page pixels -> template pixels

MIN_INLIERS = 30
MIN_COVERAGE = 0.60
MAX_RESIDUAL = 3.0  # px at template resolution
RANSAC_THRESHOLD = 6.0  # px at template resolution
GUIDE_RADIUS = 4 * RANSAC_THRESHOLD
"""With the classification's transform as a guide, a page feature is matched only with the
template features this close (template px) to where that transform puts it."""
PATCH = 192
GRID = (4, 6)


@dataclass(frozen=True)
class Match:
    """Result of matching a page against one template (before warping)."""

    form_id: str
    matrix: Matrix | None
    inliers: int
    candidates: int


@dataclass(frozen=True)
class Registration:
    """A page warped into template coordinates, and how well it fits."""

    form_id: str
    matrix: Matrix
    warped: Gray  # flattened grey page in template pixels
    ink: Mask  # ink of ``warped``
    streaks: Mask  # scanner streaks, to be ignored in zones
    coverage: float  # share of template lines found on the page (0-1)
    residual: float  # median remaining misalignment, template px
    inliers: int
    rotation: float  # degrees the page was turned (0 upright, 180 upside down)
    scale: float
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.notes

    @property
    def quality(self) -> float:
        """0-1: line coverage, discounted by residual misalignment."""
        return max(0.0, min(1.0, self.coverage)) * max(
            0.0, 1.0 - self.residual / (2 * MAX_RESIDUAL)
        )


def scaled_features(gray: Gray, scale_to_template: float) -> features.Features:
    """Page features in page pixels, extracted at the template's work scale."""
    return features.extract(gray, features.WORK_SCALE * scale_to_template)


def match_template(
    page: features.Features, model: TemplateModel, guide: Matrix | None = None
) -> Match:
    """RANSAC affine from page to template; ``matrix`` None when too few matches. With a
    ``guide`` (an approximate transform, e.g. the classification's), each page feature is
    compared only with the template features near where the guide puts it."""
    if guide is None:
        src, dst = features.match(page, model.features)
    else:
        src, dst = features.match_near(page, model.features, guide, GUIDE_RADIUS)
    if len(src) < 6:
        return Match(model.form.id, None, 0, len(src))
    matrix, inl = cv2.estimateAffine2D(
        src,
        dst,
        method=cv2.RANSAC,
        ransacReprojThreshold=RANSAC_THRESHOLD,
        maxIters=4000,
        confidence=0.995,
        refineIters=20,
    )
    inliers = int(inl.sum()) if inl is not None else 0
    found = None if matrix is None else np.asarray(matrix, dtype=np.float64)
    return Match(model.form.id, found, inliers, len(src))


def _patch_shifts(
    template: Gray, warped: Gray
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Residual (dx, dy) of the page against the template on a grid of patches with content."""
    h, w = template.shape
    centres: list[tuple[float, float]] = []
    shifts: list[tuple[float, float]] = []
    window = cv2.createHanningWindow((PATCH, PATCH), cv2.CV_32F)
    for gy in range(GRID[1]):
        for gx in range(GRID[0]):
            cx = int((gx + 0.5) * w / GRID[0])
            cy = int((gy + 0.5) * h / GRID[1])
            x0, y0 = cx - PATCH // 2, cy - PATCH // 2
            if x0 < 0 or y0 < 0 or x0 + PATCH > w or y0 + PATCH > h:
                continue
            t = 255.0 - template[y0 : y0 + PATCH, x0 : x0 + PATCH].astype(np.float32)
            if t.std() < 8:  # nothing printed here
                continue
            p = 255.0 - warped[y0 : y0 + PATCH, x0 : x0 + PATCH].astype(np.float32)
            (dx, dy), response = cv2.phaseCorrelate(t, p, window)
            if response < 0.08 or abs(dx) > PATCH / 4 or abs(dy) > PATCH / 4:
                continue
            centres.append((cx, cy))
            shifts.append((dx, dy))
    return centres, shifts


def _refine(matrix: Matrix, template: Gray, warped: Gray) -> tuple[Matrix, float]:
    """Correct ``matrix`` by the patch residuals; returns it with the median residual left."""
    centres, shifts = _patch_shifts(template, warped)
    if len(shifts) < 4:
        return matrix, math.inf
    c = np.array(centres, dtype=np.float32)
    s = np.array(shifts, dtype=np.float32)
    # A template point X shows page content from X + shift; map it back onto X.
    correction, _ = cv2.estimateAffine2D(c + s, c, method=cv2.LMEDS)
    if correction is None:
        return matrix, float(np.median(np.hypot(s[:, 0], s[:, 1])))
    full = np.vstack([correction, [0, 0, 1]]) @ np.vstack([matrix, [0, 0, 1]])
    return full[:2], float(np.median(np.hypot(s[:, 0], s[:, 1])))


def _warp(page: Gray, matrix: Matrix, size: tuple[int, int]) -> Gray:
    return np.asarray(
        cv2.warpAffine(page, matrix, size, flags=cv2.INTER_LINEAR, borderValue=(255.0,)),
        dtype=np.uint8,
    )


def warp_color(
    image: NDArray[np.uint8], matrix: Matrix, size: tuple[int, int]
) -> NDArray[np.uint8]:
    """Warp any image (grey or BGR) with a registration's matrix."""
    border = (255.0,) if image.ndim == 2 else (255.0, 255.0, 255.0)
    return np.asarray(
        cv2.warpAffine(image, matrix, size, flags=cv2.INTER_LINEAR, borderValue=border),
        dtype=np.uint8,
    )


def _coverage(model: TemplateModel, flat: Gray) -> float:
    """Share of the template's printed pixels with page ink within 2 px. Faded print counts:
    the lighter writing level is used, as the form lines of a faint scan are faint too."""
    ink = ink_mask(flat, WRITING_LEVEL)
    near = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    lines = model.ink
    total = int(lines.sum())
    return float((lines & near).sum() / total) if total else 0.0


def _pose(matrix: Matrix) -> tuple[float, float]:
    a, b = matrix[0, 0], matrix[1, 0]
    rotation = (-math.degrees(math.atan2(b, a))) % 360
    return rotation, math.sqrt(abs(np.linalg.det(matrix[:, :2])))


def register(
    page: Gray,
    page_features: features.Features,
    model: TemplateModel,
    guide: Matrix | None = None,
) -> Registration | None:
    """Fit ``page`` onto ``model`` with all its features, warp, refine and score. None when
    the features do not even give a transform. ``guide``: the transform classification found
    (from the strongest features only); matching near where it puts each feature is a few
    times cheaper than matching every pair, and when it finds too few consistent matches,
    every pair is matched as without it."""
    found = match_template(page_features, model, guide) if guide is not None else None
    if found is None or found.inliers < MIN_INLIERS:
        found = match_template(page_features, model)
    if found.matrix is None:
        return None
    size = model.size
    matrix = found.matrix.astype(np.float64)
    warped = _warp(page, matrix, size)
    refined, residual = _refine(matrix, model.gray, warped)
    if refined is not matrix:
        warped = _warp(page, refined, size)
        _, residual = _refine(refined, model.gray, warped)
    flat = flatten(warped)
    ink = ink_mask(flat)
    streaks = streak_mask(ink_mask(flat, WRITING_LEVEL) & ~model.printed)
    coverage = _coverage(model, flat)
    rotation, scale = _pose(refined)
    notes = []
    if found.inliers < MIN_INLIERS:
        notes.append(f"only {found.inliers} matching features (need {MIN_INLIERS})")
    if coverage < MIN_COVERAGE:
        notes.append(
            f"only {coverage:.0%} of the form's printed lines line up (need {MIN_COVERAGE:.0%})"
        )
    if not residual <= MAX_RESIDUAL:
        notes.append(f"misaligned by {residual:.1f} px after refinement (max {MAX_RESIDUAL})")
    return Registration(
        form_id=model.form.id,
        matrix=refined,
        warped=flat,
        ink=ink,
        streaks=streaks,
        coverage=coverage,
        residual=residual,
        inliers=found.inliers,
        rotation=rotation,
        scale=scale,
        notes=notes,
    )


def reregister(page: Gray, matrix: Matrix, model: TemplateModel) -> Registration:
    """The registration of ``page`` with a matrix found earlier (the one a stored page
    keeps): the same warp, flattening, ink and streaks as :func:`register` made, so that zones
    cut from it are the crops the pipeline cut (up to the stored matrix's rounding to six
    decimals). Nothing is refined or scored again: ``residual`` and ``inliers`` are 0."""
    matrix = np.asarray(matrix, np.float64)
    flat = flatten(_warp(page, matrix, model.size))
    rotation, scale = _pose(matrix)
    return Registration(
        form_id=model.form.id,
        matrix=matrix,
        warped=flat,
        ink=ink_mask(flat),
        streaks=streak_mask(ink_mask(flat, WRITING_LEVEL) & ~model.printed),
        coverage=_coverage(model, flat),
        residual=0.0,
        inliers=0,
        rotation=rotation,
        scale=scale,
    )
