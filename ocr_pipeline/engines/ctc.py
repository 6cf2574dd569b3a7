"""Greedy CTC decoding with per-character probabilities and an allowed-character set.

Both shipped backends hand us the recognizer's softmax output (frames x classes, class 0 the
CTC blank). Decoding it here, instead of taking the backend's string, keeps each character's
probability (the best routing signal), its position in the crop, and lets a field restrict
what it can be read as: a digits-only field renormalises over digits and blank, so ``l`` or
``O`` can never come out of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from .base import Recognition

ALTERNATIVES = 3
MIN_ALTERNATIVE = 1e-7  # runners-up less likely than this are not worth reporting


@dataclass
class CharTable:
    """The recognizer's classes: ``characters[0]`` is the CTC blank. ``prior`` weights the
    classes before decoding (see :mod:`.japanese`); None leaves them as the model says."""

    characters: tuple[str, ...]
    prior: NDArray[np.float32] | None = None
    _masks: dict[frozenset[str] | None, NDArray[np.float32] | None] = field(
        default_factory=dict, repr=False
    )

    @cached_property
    def space(self) -> int | None:
        """Index of the space class, if the recognizer has one."""
        try:
            return self.characters.index(" ")
        except ValueError:
            return None

    def mask(self, allowed: frozenset[str] | None) -> NDArray[np.float32] | None:
        """Class weights: the prior, zeroed outside ``allowed`` (the blank always kept)."""
        if allowed not in self._masks:
            if allowed is None:
                self._masks[None] = self.prior
            else:
                m = np.zeros(len(self.characters), dtype=np.float32)
                m[0] = 1.0
                for i, ch in enumerate(self.characters):
                    if ch in allowed:
                        m[i] = 1.0 if self.prior is None else max(float(self.prior[i]), 0.0)
                self._masks[allowed] = m
        return self._masks[allowed]


def decode(
    probs: NDArray[np.float32],
    table: CharTable,
    allowed: frozenset[str] | None = None,
    width_fraction: float = 1.0,
) -> Recognition:
    """Decode one crop's ``probs`` (frames x classes).

    ``width_fraction`` is the share of the frames that cover the crop itself (the rest is batch
    padding); character positions are reported relative to the crop.
    """
    mask = table.mask(allowed)
    p = probs
    if mask is not None:
        p = probs * mask
        p = p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)
    best = p.argmax(axis=1)
    frames = len(best)
    chars: list[str] = []
    confs: list[float] = []
    positions: list[float] = []
    alts: list[tuple[tuple[str, float], ...]] = []
    t = 0
    while t < frames:
        label = int(best[t])
        end = t
        while end + 1 < frames and best[end + 1] == label:
            end += 1
        if label != 0:
            run = p[t : end + 1, label]
            peak = t + int(run.argmax())
            chars.append(table.characters[label])
            confs.append(float(run.max()))
            centre = (t + end + 1) / 2 / frames
            positions.append(float(min(1.0, centre / max(width_fraction, 1e-6))))
            row = p[peak]
            # Sorting all ~18,700 classes per character is slow (and partial sorts degrade on
            # the many exact zeros the allowed-set mask leaves): rank only the plausible ones.
            likely = np.flatnonzero(row > MIN_ALTERNATIVE)
            top = likely[np.argsort(row[likely])[::-1][: ALTERNATIVES + 2]]
            alts.append(
                tuple(
                    (table.characters[int(k)], float(p[peak, int(k)]))
                    for k in top
                    if int(k) not in (0, label)
                )[:ALTERNATIVES]
            )
        t = end + 1
    used = max(1, round(frames * min(1.0, width_fraction)))
    gap = _gap_confidence(p[:used], best[:used], table.space)
    # An empty reading is as sure as the blank is on its least certain frame.
    empty = float(p[:used, 0].min()) if frames else 0.0
    confidence = min(*confs, gap) if confs else empty
    return Recognition(
        text="".join(chars),
        confidence=confidence,
        char_confidences=tuple(confs),
        char_positions=tuple(positions),
        alternatives=tuple(alts),
        gap_confidence=gap if confs else 1.0,
    )


def _gap_confidence(p: NDArray[np.float32], best: NDArray[np.int64], space: int | None) -> float:
    """How sure the recognizer is that no character hides where it read blank: one minus the
    largest probability of any character (spaces aside) on a frame decoded as blank. A
    character dropped in the middle of a line (パ of パレス) shows up as such a frame."""
    blank = best == 0
    if not blank.any():
        return 1.0
    rows = p[blank]
    mass = 1.0 - rows[:, 0]
    if space is not None:
        mass = mass - rows[:, space]
    return float(max(0.0, 1.0 - float(mass.max())))
