"""Cutting field zones out of a registered page: the writing only, trimmed to the ink.

The printed form (lines, labels, 年月日) is removed by subtracting the template's widened ink;
strokes that cross a printed line are bridged again; ink that merely sits in the margin around
a zone (a neighbour's writing, a speck) is dropped unless it is part of a stroke that enters
the zone. What remains is trimmed to its bounding box and padded: wide, mostly empty crops make
the recognizer invent characters.

The pixel constants were tuned on zones of 9 mm and more at 200 dpi. Writing is as big as the
space it is written in, so in a smaller zone (a 3 mm furigana row, any zone of a template drawn
at 150 dpi) the dust filter, the widening of the printed form and the padding shrink with the
zone's height (:func:`zone_scale`); zones of the size they were tuned on are cut as before.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from form_schemas.spec import BBox

from .ink import INK_LEVEL, Gray, Mask, as_mask, as_u8
from .register import WRITING_LEVEL, Registration
from .templates import LINE_MARGIN, TemplateModel

MIN_STROKE_AREA = 12  # px: smaller components are dust (in a zone of REFERENCE_HEIGHT)
REFERENCE_HEIGHT = 72  # px: the smallest zone the constants above were tuned on (9 mm at 200 dpi)
MIN_PAD = 6  # px: white border around the trimmed writing (in a zone of REFERENCE_HEIGHT)
STREAK_REACH = 8  # px: a streak band this close to the writing may hide part of it
CLUSTER_GAP = 1.5  # zone heights of empty paper that separate a stray mark from the writing
MINOR_RUN = 0.15  # a separate run with less than this share of the main run's ink is dropped


@dataclass(frozen=True)
class ZoneCrop:
    """The writing found in one zone.

    ``image`` is a clean grey crop (white paper, the writing only) ready for the recognizer,
    or ``None`` when the zone is empty. ``bbox`` is where the writing lies, in template pixels.
    ``fill`` is the writing inside the zone relative to the least that counts as writing
    (below 1: empty).
    """

    image: Gray | None
    bbox: BBox | None
    fill: float
    mask: Mask  # writing pixels over the expanded zone (for marks and box counts)
    origin: tuple[int, int]  # template position of mask[0, 0]
    faint: float = 0.0  # for an empty zone: its fill counting paler strokes (FAINT_LEVEL)


FAINT_LEVEL = 240
"""A paler grey than :data:`~.register.WRITING_LEVEL`, used only to doubt an empty zone: a
light pen on a low-contrast scan leaves strokes between the two (a written postal code at
205-225 grey, accepted as empty on an evaluation page of seed 2026120329). Such a zone is
not blank paper: it goes to a person as ``ink_unread``."""


def writing_fill(inside: Mask, height: int) -> float:
    """How clearly a zone ``height`` px high holds writing, from the writing pixels inside it:
    enough pixels *and* enough extent (a digit 1 is tall, a dakuten-sized speck or the tail of
    a neighbour's stroke crossing the border is not). 1.0 and above counts as written."""
    h = min(max(height, 30), 100)
    pixels = int(inside.sum())
    if pixels == 0:
        return 0.0
    ys, xs = np.nonzero(inside)
    extent = max(int(ys.max() - ys.min()), int(xs.max() - xs.min())) + 1
    return min(pixels / max(20.0, 0.006 * h * h), extent / (0.2 * h))


def zone_scale(height: int) -> float:
    """How much smaller than the zones the constants were tuned on a zone ``height`` px high
    is (1.0 for those zones and larger ones). Writing is as big as the space it is written
    in, so a 3 mm furigana row, or any zone of a template drawn at 150 dpi, has smaller
    strokes, dots and gaps in pixels: a dakuten of 5 px is writing there, not dust."""
    return min(1.0, max(1, height) / REFERENCE_HEIGHT)


def min_stroke_area(height: int) -> int:
    """The smallest component that counts as writing in a zone ``height`` px high."""
    return max(3, round(MIN_STROKE_AREA * zone_scale(height) ** 2))


def expand(bbox: BBox, mx: int, my: int, size: tuple[int, int]) -> BBox:
    x0, y0, x1, y1 = bbox
    w, h = size
    return (max(0, x0 - mx), max(0, y0 - my), min(w, x1 + mx), min(h, y1 + my))


def line_margin(height: int) -> int:
    """How far the printed form is widened before it is subtracted in a zone ``height`` px
    high: :data:`LINE_MARGIN` in the zones it was tuned on, less in small ones (2 px in a
    3 mm furigana row, where 3 px above and below took a quarter of the writing)."""
    return max(2, round(LINE_MARGIN * zone_scale(height)))


def _printed(model: TemplateModel, outer: BBox, margin: int) -> Mask:
    x0, y0, x1, y1 = outer
    if margin == LINE_MARGIN:
        return as_mask(model.printed[y0:y1, x0:x1])
    k = np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)
    return as_mask(cv2.dilate(model.ink[y0:y1, x0:x1].astype(np.uint8), k).astype(bool))


def writing(
    reg: Registration,
    model: TemplateModel,
    outer: BBox,
    margin: int = LINE_MARGIN,
    level: int = WRITING_LEVEL,
) -> Mask:
    """Writing pixels (page ink that is neither the printed form, widened by ``margin`` px,
    nor a scanner streak) inside ``outer``. Where a stroke crosses a printed line or a streak,
    the crossing is bridged again (a streak through an 8 must not leave a 3)."""
    x0, y0, x1, y1 = outer
    ink = reg.warped[y0:y1, x0:x1] < level
    masked = _printed(model, outer, margin) | reg.streaks[y0:y1, x0:x1]
    own = ink & ~masked
    if not own.any():
        return as_mask(own)
    bridge = 2 * margin + 3
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (bridge, bridge))
    closed = cv2.morphologyEx(own.astype(np.uint8), cv2.MORPH_CLOSE, k).astype(bool)
    return as_mask(own | (ink & masked & closed))


def _entering(mask: Mask, inner: BBox, min_area: int = MIN_STROKE_AREA) -> Mask:
    """Components of ``mask`` that reach into ``inner`` (mask coordinates), are not dust
    (``min_area`` px or more), and belong to the writing rather than to a stray mark far
    from it (see :func:`_main_clusters`)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros_like(mask)
    x0, y0, x1, y1 = inner
    inside = np.unique(labels[y0:y1, x0:x1])
    keep = np.zeros(n, dtype=bool)
    keep[inside] = True
    keep[0] = False
    keep &= stats[:, cv2.CC_STAT_AREA] >= min_area
    keep = _main_clusters(keep, np.asarray(stats, dtype=np.int32), y1 - y0)
    return as_mask(keep[labels])


def _main_clusters(
    keep: NDArray[np.bool_], stats: NDArray[np.int32], height: int
) -> NDArray[np.bool_]:
    """Group kept components into runs along the line (a gap wider than ``CLUSTER_GAP``
    zone heights ends a run) and drop runs with little ink next to the main one: a speck or
    a stray stroke far right of a name must not stretch the crop."""
    ids = [int(i) for i in np.flatnonzero(keep)]
    if len(ids) < 2:
        return keep
    ids.sort(key=lambda i: int(stats[i, cv2.CC_STAT_LEFT]))
    runs: list[list[int]] = []
    right = -1e9
    for i in ids:
        left = int(stats[i, cv2.CC_STAT_LEFT])
        if not runs or left - right > CLUSTER_GAP * height:
            runs.append([])
        runs[-1].append(i)
        right = max(right, left + int(stats[i, cv2.CC_STAT_WIDTH]))
    mass = [sum(int(stats[i, cv2.CC_STAT_AREA]) for i in run) for run in runs]
    out = keep.copy()
    for run, m in zip(runs, mass, strict=True):
        if m < MINOR_RUN * max(mass):
            out[run] = False
    return out


def _percentile(values: NDArray[np.uint8], q: float) -> float:
    """``np.percentile(values, q)`` (linear) by partial sorting, the same value: the general
    function costs far more than the sort on the few thousand pixels of a zone."""
    n = values.size
    k = q / 100 * (n - 1)
    lo = int(np.floor(k))
    hi = min(lo + 1, n - 1)
    t = k - lo
    part = np.partition(values, (lo, hi))
    a, b = float(part[lo]), float(part[hi])
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def _stretch(crop: Gray, mask: Mask) -> Gray:
    """Darken faint writing (pencil) so its strokes look like ink to the recognizer."""
    values = crop[mask]
    if values.size == 0:
        return crop
    low = _percentile(values, 10)
    if low < 60:
        return crop
    scaled = (crop.astype(np.float32) - low) * (255.0 / max(1.0, 255.0 - low))
    return as_u8(np.clip(scaled, 0, 255))


def crop_zone(reg: Registration, model: TemplateModel, bbox: BBox) -> ZoneCrop:
    """The writing of the zone ``bbox`` (template pixels), trimmed and padded for OCR."""
    h = bbox[3] - bbox[1]
    outer = expand(bbox, max(8, h // 4), max(6, h // 4), model.size)
    ox, oy = outer[0], outer[1]
    mask = writing(reg, model, outer, line_margin(h))
    inner = (bbox[0] - ox + 2, bbox[1] - oy + 2, bbox[2] - ox - 2, bbox[3] - oy - 2)
    mask = _entering(mask, inner, min_stroke_area(h))
    fill = writing_fill(mask[inner[1] : inner[3], inner[0] : inner[2]], h)
    if fill < 1.0:
        faint = _entering(
            writing(reg, model, outer, line_margin(h), FAINT_LEVEL), inner, min_stroke_area(h)
        )
        faint_fill = writing_fill(faint[inner[1] : inner[3], inner[0] : inner[2]], h)
        return ZoneCrop(None, None, fill, mask, (ox, oy), faint_fill)
    ys, xs = np.nonzero(mask)
    tx0, ty0, tx1, ty1 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
    x0, y0, x1, y1 = outer
    keep = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    # A streak is left out of what decides emptiness and extent, but where it crosses the
    # writing it stays in the picture: strokes under it (the stem of a 7, half of an 8)
    # would otherwise vanish with it, and a hairline through a digit does not change it.
    page = reg.warped[y0:y1, x0:x1]
    band = reg.streaks[y0:y1, x0:x1]
    near = np.flatnonzero(band[ty0:ty1].any(axis=0))
    near = near[(near >= tx0 - STREAK_REACH) & (near < tx1 + STREAK_REACH)]
    if len(near):
        tx0, tx1 = min(tx0, int(near.min())), max(tx1, int(near.max()) + 1)
        keep |= band & (page < WRITING_LEVEL)
    region = np.where(keep, page, 255).astype(np.uint8)
    crop = _stretch(region[ty0:ty1, tx0:tx1], mask[ty0:ty1, tx0:tx1])
    # Small writing keeps two thirds of MIN_PAD: on 3 mm furigana at 150 dpi, less padding
    # (and so more enlargement to the recognizer's 48 px) lost characters.
    pad = max(MIN_PAD // 3 * 2, round(MIN_PAD * zone_scale(h)), (ty1 - ty0) // 6)
    crop = as_u8(cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255.0,)))
    return ZoneCrop(
        np.asarray(crop, dtype=np.uint8),
        (ox + tx0, oy + ty0, ox + tx1, oy + ty1),
        fill,
        mask,
        (ox, oy),
    )


def ink_in(crop: ZoneCrop, bbox: BBox) -> float:
    """Share of ``bbox`` (template pixels) covered by the crop's writing."""
    ox, oy = crop.origin
    x0, y0 = max(0, bbox[0] - ox), max(0, bbox[1] - oy)
    x1, y1 = max(0, bbox[2] - ox), max(0, bbox[3] - oy)
    region = crop.mask[y0:y1, x0:x1]
    return float(region.sum()) / max(1, (bbox[2] - bbox[0]) * (bbox[3] - bbox[1]))


def split_lines(image: Gray, lines: int, line_height: float) -> list[Gray]:
    """Cut a trimmed multi-line crop into its lines at the emptiest rows near the expected
    breaks. A zone for ``lines`` lines (each ``line_height`` high) may hold fewer."""
    ink = (image < INK_LEVEL).sum(axis=1).astype(np.float32)
    h = len(ink)
    lines = max(1, min(lines, round(h / line_height)))
    if lines == 1:
        return [image]
    cuts = [0]
    for k in range(1, lines):
        lo, hi = int(h * (k - 0.4) / lines), int(h * (k + 0.4) / lines)
        window = ink[lo:hi]
        cuts.append(lo + int(np.argmin(window)) if len(window) else h * k // lines)
    cuts.append(h)
    out = []
    for top, bottom in itertools.pairwise(cuts):
        band = image[top:bottom]
        rows = np.flatnonzero((band < INK_LEVEL).any(axis=1))
        if len(rows) and (rows[-1] - rows[0]) > 0.15 * h / lines:
            pad = 6
            piece = band[max(0, rows[0] - pad) : rows[-1] + 1 + pad]
            out.append(as_u8(piece))
    return out or [image]
