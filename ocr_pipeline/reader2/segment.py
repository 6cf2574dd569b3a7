"""Cutting a zone crop into single characters for the second reader.

A comb box holds one character already. A short group of digits (a date part, a phone or
postal segment) is cut by connected components: pieces that stand over one another belong
to one digit (the bar of a 5, the parts of a 4), two digits that touch are split at the
emptiest column. When that gives no sensible cut, the primary reading's character centres
(``Recognition.char_positions``) are used, snapped to the emptiest column nearby. A kana
line is cut that way too.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from .glyph import Gray, darkness, ink_mask

OVERLAP = 0.5  # share of the narrower piece's width two pieces must share to be one character
MAX_ASPECT = 1.6  # a single digit wider than this many times its height is two digits
MARK_HEIGHT = 0.4  # share of the tallest mark's height a mark needs to count as a character
SNAP = 0.08  # share of a group's width a cut may move to find the emptiest column


@dataclass(frozen=True)
class Cut:
    """Characters cut from a crop, left to right, and how: "components" when the ink fell
    apart into exactly as many characters as expected, "split" when touching or broken
    characters had to be joined or parted to get there, "positions" when the primary
    reading's positions decided."""

    pieces: list[Gray]
    how: str


@dataclass
class _Group:
    x0: int
    x1: int
    labels: list[int]


def _groups(mask: NDArray[np.bool_]) -> tuple[list[_Group], NDArray[np.int32]]:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    comps = sorted(range(1, n), key=lambda i: int(stats[i, cv2.CC_STAT_LEFT]))
    groups: list[_Group] = []
    for i in comps:
        x0 = int(stats[i, cv2.CC_STAT_LEFT])
        x1 = x0 + int(stats[i, cv2.CC_STAT_WIDTH])
        if groups:
            g = groups[-1]
            shared = min(g.x1, x1) - max(g.x0, x0)
            if shared >= OVERLAP * min(x1 - x0, g.x1 - g.x0):
                g.x0, g.x1 = min(g.x0, x0), max(g.x1, x1)
                g.labels.append(i)
                continue
        groups.append(_Group(x0, x1, [i]))
    return groups, np.asarray(labels, np.int32)


def _join_closest(groups: list[_Group]) -> None:
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(groups)]
    k = int(np.argmin(gaps))
    a, b = groups[k], groups.pop(k + 1)
    a.x0, a.x1, a.labels = min(a.x0, b.x0), max(a.x1, b.x1), a.labels + b.labels


def _valley(ink: NDArray[np.float32], lo: int, hi: int) -> int:
    """The emptiest column in [lo, hi), preferring the middle on ties."""
    lo, hi = max(0, lo), min(len(ink), hi)
    if hi - lo < 1:
        return max(0, lo)
    window = ink[lo:hi]
    mid = (lo + hi) / 2
    order = sorted(range(lo, hi), key=lambda c: (window[c - lo], abs(c - mid)))
    return order[0]


def _piece(image: Gray, mask: NDArray[np.bool_], x0: int, x1: int) -> Gray:
    keep = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    part = np.where(keep, image, 255)[:, max(0, x0) : max(x0 + 1, x1)]
    return np.asarray(part, np.uint8)


def _split_at(cols: NDArray[np.float32], x0: int, x1: int, centres: list[float]) -> int:
    """Where to part the touching characters in columns [x0, x1): midway between the first
    two character centres of the primary reading that fall there, else in the middle (digits
    are about equally wide), moved to the emptiest column close by. Only close by: further
    away the emptiest column is the hollow of a 0 or an 8, not the gap."""
    inside = [c for c in centres if x0 <= c < x1]
    guess = (inside[0] + inside[1]) / 2 if len(inside) >= 2 else (x0 + x1) / 2
    reach = max(1, round(SNAP * (x1 - x0)))
    return _valley(cols, round(guess) - reach, round(guess) + reach + 1)


def by_components(image: Gray, expected: int, positions: Sequence[float] = ()) -> Cut | None:
    """``expected`` characters cut by connected components, touching ones parted (at the
    primary reading's positions when given), or None when the ink does not fall into a
    plausible cut (then use :func:`by_positions`)."""
    mask = ink_mask(darkness(image))
    if expected < 1 or not mask.any():
        return None
    groups, labels = _groups(mask)
    how = "components" if len(groups) == expected else "split"
    while len(groups) > expected:
        _join_closest(groups)
    rows = np.flatnonzero(mask.any(axis=1))
    height = int(rows[-1] - rows[0] + 1)
    cols = mask.sum(axis=0).astype(np.float32)
    spans: list[tuple[int, int, list[int] | None]] = [(g.x0, g.x1, g.labels) for g in groups]
    while len(spans) < expected:
        k = max(range(len(spans)), key=lambda i: spans[i][1] - spans[i][0])
        x0, x1, _ = spans[k]
        if x1 - x0 < 0.6 * height:
            return None  # nothing wide enough to hold two characters
        c = _split_at(cols, x0, x1, [p * image.shape[1] for p in positions])
        spans[k : k + 1] = [(x0, c, None), (c, x1, None)]
    if expected > 1 and any(x1 - x0 > MAX_ASPECT * height for x0, x1, _ in spans):
        return None
    pieces = []
    for x0, x1, own in spans:
        piece_mask = np.isin(labels, own) if own is not None else mask
        pieces.append(_piece(image, piece_mask, x0, x1))
    return Cut(pieces, how)


def by_positions(image: Gray, positions: Sequence[float]) -> Cut | None:
    """Cut between the primary reading's character centres (fractions of the width), each
    cut moved to the emptiest column within a quarter of the pitch."""
    if not positions:
        return None
    mask = ink_mask(darkness(image))
    if not mask.any():
        return None
    w = image.shape[1]
    centres = [min(max(0.0, p), 1.0) * w for p in positions]
    cols = mask.sum(axis=0).astype(np.float32)
    cuts = [0]
    for a, b in itertools.pairwise(centres):
        reach = max(1, int((b - a) / 4))
        mid = int((a + b) / 2)
        cuts.append(max(cuts[-1] + 1, _valley(cols, mid - reach, mid + reach + 1)))
    cuts.append(w)
    pieces = [_piece(image, mask, x0, x1) for x0, x1 in itertools.pairwise(cuts)]
    return Cut(pieces, "positions")


def cut_group(image: Gray, expected: int, positions: Sequence[float] = ()) -> Cut | None:
    """A short group of digits (or a single character) as ``expected`` characters: by
    components, else by the primary reading's positions; None when neither works."""
    if expected == 1:
        return Cut([image], "components")
    return by_components(image, expected, positions) or by_positions(image, positions)


def separate_marks(image: Gray) -> int:
    """How many characters the ink clearly holds side by side: groups of ink that do not
    stand over one another, each at least :data:`MARK_HEIGHT` as tall as the tallest (a
    stray dot is no character). Touching characters count as one, so this is a lower
    bound: more marks than the reading has characters means a character was skipped."""
    mask = ink_mask(darkness(image))
    if not mask.any():
        return 0
    groups, labels = _groups(mask)
    heights = []
    for g in groups:
        rows = np.flatnonzero(np.isin(labels[:, g.x0 : g.x1], g.labels).any(axis=1))
        heights.append(int(rows[-1] - rows[0] + 1) if len(rows) else 0)
    tallest = max(heights)
    return sum(h >= MARK_HEIGHT * tallest for h in heights)


def ink_height(piece: Gray) -> int:
    """Height in pixels of the ink in ``piece`` (0 when none)."""
    rows = np.flatnonzero(ink_mask(darkness(piece)).any(axis=1))
    return int(rows[-1] - rows[0] + 1) if len(rows) else 0
