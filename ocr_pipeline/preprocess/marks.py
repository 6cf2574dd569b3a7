"""Reading marks from pixels: circled options, ticked boxes, seals and signatures.

A circle drawn around an option leaves writing all the way round the printed label, so an
option is scored by the share of rays from its centre that meet writing before they get near
the next option (a neighbour's circle or a stray stroke meets only a few rays). Checkboxes
and presence boxes are scored by how much writing is in or over them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from form_schemas.spec import BBox, Option

from .register import Registration
from .templates import TemplateModel
from .zones import expand, writing

RAYS = 32
INNER = 0.55  # share of the option box's half-size taken by the printed label


@dataclass(frozen=True)
class MarkScore:
    """``score`` in 0-1: share of rays from an option's centre that meet writing, or a box's
    ink coverage mapped to 0-1. ``ink`` is the raw writing share of the area looked at."""

    score: float
    ink: float


def _reach(option: Option, others: Sequence[Option]) -> tuple[float, float]:
    """Radii between which a circle around ``option`` is looked for: outside the printed
    label, and not much further than halfway to the next option."""
    x0, y0, x1, y1 = option.bbox
    half = min(x1 - x0, y1 - y0) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    pitch = min(
        (
            math.hypot((o.bbox[0] + o.bbox[2]) / 2 - cx, (o.bbox[1] + o.bbox[3]) / 2 - cy)
            for o in others
        ),
        default=4 * half,
    )
    inner = half * INNER
    outer = min(pitch, max(1.6 * half, 0.75 * pitch))
    return inner, max(outer, inner + 4)


def option_score(
    reg: Registration, model: TemplateModel, option: Option, others: Sequence[Option] = ()
) -> MarkScore:
    """How much the option looks circled: the share of rays from its centre that meet writing
    between the printed label and the reach (see :func:`_reach`)."""
    inner, reach = _reach(option, others)
    x0, y0, x1, y1 = option.bbox
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = math.ceil(reach) + 2
    outer = expand((int(cx), int(cy), int(cx) + 1, int(cy) + 1), r, r, model.size)
    mask = writing(reg, model, outer)
    if not mask.any():
        return MarkScore(0.0, 0.0)
    theta = np.linspace(0, 2 * math.pi, RAYS, endpoint=False)[:, None]
    radii = np.arange(inner, reach, 1.0)[None, :]
    xs = np.clip((cx + radii * np.cos(theta)).astype(int) - outer[0], 0, mask.shape[1] - 1)
    ys = np.clip((cy + radii * np.sin(theta)).astype(int) - outer[1], 0, mask.shape[0] - 1)
    hits = mask[ys, xs].any(axis=1)
    ring = mask.sum() / max(1, mask.size)
    return MarkScore(float(hits.mean()), float(ring))


def box_score(
    reg: Registration, model: TemplateModel, bbox: BBox, full_at: float = 0.08
) -> MarkScore:
    """Writing in and just over a box (ticks stick out): ``ink / full_at`` capped at 1."""
    w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
    outer = expand(bbox, max(3, w // 4), max(3, h // 4), model.size)
    mask = writing(reg, model, outer)
    ink = float(mask.sum()) / max(1, w * h)
    return MarkScore(min(1.0, ink / full_at), ink)
