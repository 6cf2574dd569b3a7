"""Reading marks from pixels: circled options, ticked boxes, seals and signatures.

A circle drawn around an option leaves writing all the way round the printed label, so an
option is scored by how many angular sectors around its centre hold writing (a stray stroke
or a neighbour's circle crossing the box fills a few). Checkboxes and presence boxes are scored
by how much writing is in or over them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from form_schemas.spec import BBox, Option

from .register import Registration
from .templates import TemplateModel
from .zones import expand, writing

SECTORS = 16


@dataclass(frozen=True)
class MarkScore:
    """``score`` in 0-1: share of sectors written round an option, or a box's ink coverage
    mapped to 0-1. ``ink`` is the raw writing share of the area looked at."""

    score: float
    ink: float


def option_score(reg: Registration, model: TemplateModel, option: Option) -> MarkScore:
    """How much the option looks circled (or otherwise marked by hand)."""
    bbox = option.bbox
    w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
    outer = expand(bbox, max(4, w // 8), max(4, h // 8), model.size)
    mask = writing(reg, model, outer)
    ys, xs = np.nonzero(mask)
    area = max(1, (outer[2] - outer[0]) * (outer[3] - outer[1]))
    if len(xs) == 0:
        return MarkScore(0.0, 0.0)
    cx = (bbox[0] + bbox[2]) / 2 - outer[0]
    cy = (bbox[1] + bbox[3]) / 2 - outer[1]
    angles = np.arctan2((ys - cy) / max(1, h), (xs - cx) / max(1, w))
    sector = ((angles + math.pi) / (2 * math.pi) * SECTORS).astype(int) % SECTORS
    counts = np.bincount(sector, minlength=SECTORS)
    covered = float((counts >= max(3, len(xs) // (SECTORS * 8))).sum()) / SECTORS
    return MarkScore(covered, len(xs) / area)


def box_score(
    reg: Registration, model: TemplateModel, bbox: BBox, full_at: float = 0.08
) -> MarkScore:
    """Writing in and just over a box (ticks stick out): ``ink / full_at`` capped at 1."""
    w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
    outer = expand(bbox, max(3, w // 4), max(3, h // 4), model.size)
    mask = writing(reg, model, outer)
    ink = float(mask.sum()) / max(1, w * h)
    return MarkScore(min(1.0, ink / full_at), ink)
