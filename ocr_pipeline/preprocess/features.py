"""Local features for telling forms apart and registering a page onto its template.

ORB keypoints on the page at half the template resolution: rotation-invariant (so upside-down
and sideways pages need no separate step), fast, and plentiful on printed labels and box corners.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from .ink import Gray

WORK_SCALE = 0.5
"""Features are computed at this fraction of the template resolution (100 dpi for 200-dpi
templates): enough detail for printed labels, four times less work than full size."""

N_FEATURES = 3000
GRID = (8, 10)
"""Features are kept evenly over this grid of cells: the strongest corners of a filled page
sit in the writing, which the blank template does not have; the printed structure everywhere
else must be represented too."""
RATIO = 0.8  # Lowe's ratio test
LONE_MATCH = 64
"""A page feature with a single template feature near where it is expected matches it only
when their descriptors differ in fewer bits than this (of 256): no second candidate to
compare with, so the ratio test cannot speak."""
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint16)


@dataclass(frozen=True)
class Features:
    """Keypoint positions (N x 2, in the coordinates of the image they were computed on,
    already divided by the work scale) and their binary descriptors (N x 32)."""

    points: NDArray[np.float32]
    descriptors: NDArray[np.uint8]

    def __len__(self) -> int:
        return len(self.points)

    def strongest(self, n: int) -> Features:
        """About ``n`` features, the strongest of each grid cell (they are kept in rank
        order, so a prefix is spread over the page too)."""
        return Features(self.points[:n], self.descriptors[:n])


_orb = cv2.ORB_create(nfeatures=3 * N_FEATURES, scaleFactor=1.2, nlevels=8, fastThreshold=12)  # type: ignore[attr-defined]
_matcher = cv2.BFMatcher(cv2.NORM_HAMMING)


def extract(gray: Gray, scale: float = WORK_SCALE) -> Features:
    """Features of ``gray``; points are returned in ``gray``'s own pixel coordinates."""
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    keypoints, descriptors = _orb.detectAndCompute(small, None)
    if descriptors is None or not keypoints:
        return Features(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8))
    order = _spread(keypoints, small.shape[1], small.shape[0])
    pts = np.array([keypoints[i].pt for i in order], dtype=np.float32) / scale
    return Features(pts, descriptors[order])


def _spread(keypoints: Sequence[cv2.KeyPoint], width: int, height: int) -> NDArray[np.int64]:
    """Indices of at most N_FEATURES keypoints, ranked so that every prefix is spread evenly:
    first the best of each cell, then the second best of each cell, and so on."""
    response = np.array([kp.response for kp in keypoints], dtype=np.float32)
    xy = np.array([kp.pt for kp in keypoints], dtype=np.float32)
    cx = np.minimum((xy[:, 0] * GRID[0] / width).astype(int), GRID[0] - 1)
    cy = np.minimum((xy[:, 1] * GRID[1] / height).astype(int), GRID[1] - 1)
    cell = cy * GRID[0] + cx
    order = np.lexsort((-response, cell))  # by cell, strongest first within a cell
    rank = np.empty(len(order), dtype=np.int64)
    starts = np.searchsorted(cell[order], np.arange(GRID[0] * GRID[1]))
    rank[order] = np.arange(len(order)) - starts[cell[order]]
    ranked = np.lexsort((-response, rank))
    return np.asarray(ranked[:N_FEATURES], dtype=np.int64)


def _no_pairs() -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    empty = np.zeros((0, 2), np.float32)
    return empty, empty


def match(page: Features, template: Features) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Putative correspondences (page points, template points) passing the ratio test."""
    if len(page) < 2 or len(template) < 2:
        return _no_pairs()
    pairs = _matcher.knnMatch(page.descriptors, template.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
    query = np.fromiter((m.queryIdx for m in good), dtype=np.int64, count=len(good))
    train = np.fromiter((m.trainIdx for m in good), dtype=np.int64, count=len(good))
    return page.points[query], template.points[train]


def match_near(
    page: Features, template: Features, expected: NDArray[np.float64], radius: float
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Like :func:`match`, but each page feature is compared only with the template features
    within ``radius`` (template pixels) of where ``expected`` (2 x 3 affine, page pixels to
    template pixels) puts it, the ratio test among those. A few comparisons per feature
    instead of thousands; and repeated printed structure (the corners of a row of comb
    boxes look alike) no longer fails the ratio test against its far-away twins."""
    if len(page) < 2 or len(template) < 2:
        return _no_pairs()
    at = page.points.astype(np.float64) @ expected[:, :2].T + expected[:, 2]
    query, train = _pairs_near(at, template.points.astype(np.float64), radius)
    if not len(query):
        return _no_pairs()
    diff = np.bitwise_xor(page.descriptors[query], template.descriptors[train])
    dist = _POPCOUNT[diff].sum(axis=1)
    order = np.lexsort((dist, query))  # by page feature, nearest descriptor first
    query, train, dist = query[order], train[order], dist[order]
    first = np.flatnonzero(np.r_[True, query[1:] != query[:-1]])
    best = dist[first]
    has_second = np.r_[first[1:], len(query)] - first > 1
    second = np.where(has_second, dist[np.minimum(first + 1, len(dist) - 1)], 0)
    good = np.where(has_second, best < RATIO * second, best < LONE_MATCH)
    keep = first[good]
    return page.points[query[keep]], template.points[train[keep]]


def _pairs_near(
    at: NDArray[np.float64], points: NDArray[np.float64], radius: float
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Index pairs (i, j) with ``points[j]`` within ``radius`` of ``at[i]``, from a grid of
    cells ``radius`` wide: only the 3 x 3 cells around each point are looked at."""
    cell = np.floor(points / radius).astype(np.int64)
    base = cell.min(axis=0) - 1
    span = int(cell[:, 0].max() - base[0] + 2)
    key = (cell[:, 1] - base[1]) * span + (cell[:, 0] - base[0])
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    inside = np.asarray(np.isfinite(at).all(axis=1), dtype=np.bool_)
    mine = np.floor(np.where(inside[:, None], at, 0.0) / radius).astype(np.int64) - base
    queries: list[NDArray[np.int64]] = []
    trains: list[NDArray[np.int64]] = []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            cx, cy = mine[:, 0] + dx, mine[:, 1] + dy
            ok = inside & (cx >= 0) & (cx < span) & (cy >= 0)
            k = cy * span + cx
            lo = np.searchsorted(sorted_key, k, side="left")
            hi = np.searchsorted(sorted_key, k, side="right")
            count = np.where(ok, hi - lo, 0)
            q = np.repeat(np.arange(len(at)), count)
            offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
            queries.append(q)
            trains.append(order[np.repeat(lo, count) + offset])
    q = np.concatenate(queries)
    t = np.concatenate(trains)
    near = np.hypot(*(at[q] - points[t]).T) <= radius
    return q[near], t[near]
