"""Blank-page detection: the empty back sides that duplex scanners produce."""

from __future__ import annotations

from dataclasses import dataclass

import cv2

from .ink import Gray, as_u8, drop_specks, flatten, ink_mask

BLANK_INK = 0.0005
"""A page whose ink (dust removed, borders ignored) covers less than this share is blank.
A sparse filled form covers ~2 % (printed lines alone ~1 %, a faded one ~0.1 %); blank
pages with scanner noise and speckles measure 0."""

BLANK_LEVEL = 215
"""Ink level for blank detection: faded print counts, paper noise does not."""

BORDER = 0.04  # share of each side ignored: dark scanner edges and punch holes


@dataclass(frozen=True)
class BlankCheck:
    blank: bool
    ink: float


def check_blank(gray: Gray) -> BlankCheck:
    """Is ``gray`` (any resolution) an empty page?"""
    small = as_u8(cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA))
    h, w = small.shape
    by, bx = int(h * BORDER), int(w * BORDER)
    inner = small[by : h - by, bx : w - bx]
    ink = drop_specks(ink_mask(flatten(inner, kernel=31), BLANK_LEVEL), min_area=4)
    share = float(ink.mean()) if ink.size else 0.0
    return BlankCheck(share < BLANK_INK, share)
