"""CTC decoding with per-character probabilities, an allowed-character set and a grammar.

Both shipped backends hand us the recognizer's softmax output (frames x classes, class 0 the
CTC blank). Decoding it here, instead of taking the backend's string, keeps each character's
probability (the best routing signal), its position in the crop, and lets a field restrict
what it can be read as: a digits-only field renormalises over digits and blank, so ``l`` or
``O`` can never come out of it.

A crop may also come with a :class:`~.grammar.Grammar` (番 needs a number before it, a month is
1-12). The greedy reading is kept whenever the grammar accepts it; otherwise
:func:`decode_constrained` searches the frames for the likeliest reading the grammar accepts,
and scores its characters with the same probabilities as the greedy one, never renormalised
over the grammar: a ``1`` the grammar forced where the ink said ``/`` is as unsure as the ink.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from .base import Recognition
from .grammar import Grammar, State, accepts

ALTERNATIVES = 3
MIN_ALTERNATIVE = 1e-7  # runners-up less likely than this are not worth reporting
TOP_K = 8  # classes tried per frame by the grammar search, besides the blank and the hints
FLOOR = 1e-6  # a class less likely than this on a frame is never tried there
BEAM = 24  # search states kept per frame


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
    def index(self) -> dict[str, int]:
        """Class index of each character (the blank, ``""``, is 0)."""
        return {ch: i for i, ch in enumerate(self.characters) if ch or i == 0}

    def indices(self, chars: frozenset[str]) -> NDArray[np.intp]:
        """Class indices of those of ``chars`` the recognizer has, sorted."""
        return np.array(sorted(self.index[c] for c in chars if c in self.index), dtype=np.intp)

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


def weighted(
    probs: NDArray[np.float32], table: CharTable, allowed: frozenset[str] | None = None
) -> NDArray[np.float32]:
    """``probs`` weighted by the prior, masked to ``allowed`` and renormalised per frame: the
    probabilities every reading of this crop is scored with."""
    mask = table.mask(allowed)
    p = probs
    if mask is not None:
        p = probs * mask
        p = p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)
    return p


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
    p = weighted(probs, table, allowed)
    return read_alignment(p, p.argmax(axis=1), table, width_fraction)


def read_alignment(
    p: NDArray[np.float32],
    best: NDArray[np.int64],
    table: CharTable,
    width_fraction: float = 1.0,
) -> Recognition:
    """The reading of one class per frame (``best``; 0 the blank) under CTC: runs of a class
    collapse to one character, blanks separate. Each character's confidence is the peak of
    ``p`` over its run; its alternatives are the next likeliest classes at that peak."""
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


def decode_constrained(
    probs: NDArray[np.float32],
    table: CharTable,
    grammar: Grammar | None,
    allowed: frozenset[str] | None = None,
    width_fraction: float = 1.0,
) -> Recognition:
    """Decode like :func:`decode`, then hold the reading to ``grammar``.

    A greedy reading the grammar accepts is returned as :func:`decode` returns it. Otherwise the
    result is the likeliest frame alignment (best path, as greedy decoding) whose collapsed
    reading the grammar accepts, with ``grammar_forced`` set, each character scored by its own
    probability on its frames, and a confidence no higher than the greedy reading's. When the
    search finds no such reading, the greedy reading comes back with confidence 0 and
    ``grammar_forced`` set.
    """
    p = weighted(probs, table, allowed)
    best = p.argmax(axis=1)
    greedy = read_alignment(p, best, table, width_fraction)
    if grammar is None or accepts(grammar, greedy.text):
        return greedy
    path = best_grammatical_path(p, table, grammar)
    if path is None:
        return replace(greedy, confidence=0.0, grammar_forced=True)
    held = read_alignment(p, path, table, width_fraction)
    # Never surer than the reading it replaces: the thresholds were calibrated on readings
    # the recognizer chose, and a refused best guess says the crop is hard to read.
    return replace(held, confidence=min(held.confidence, greedy.confidence), grammar_forced=True)


Candidates = list[tuple[tuple[int, float], ...]]


def _candidates(p: NDArray[np.float32], table: CharTable, grammar: Grammar) -> Candidates:
    """Per frame, the (class, log probability) pairs worth trying: the blank, the ``TOP_K``
    likeliest classes and the grammar's hints, each only when at least ``FLOOR`` likely (a
    grammar with a small alphabet: the blank and its alphabet)."""
    if grammar.alphabet is not None:
        classes = np.union1d([0], table.indices(grammar.alphabet))
        sub = p[:, classes]
        return [
            tuple(
                (int(c), math.log(max(float(q), 1e-30)))
                for c, q in zip(classes, row, strict=True)
                if q >= FLOOR or c == 0
            )
            for row in sub
        ]
    hinted = np.zeros(p.shape[1], dtype=bool)
    hinted[table.indices(grammar.hints)] = True
    likely = p >= FLOOR
    likely[:, 0] = True
    out: Candidates = []
    for t in range(len(p)):
        idx = np.flatnonzero(likely[t])
        if len(idx) > TOP_K + 1:
            top = idx[np.argpartition(-p[t, idx], TOP_K)[:TOP_K]]
            idx = np.union1d(np.union1d(top, idx[hinted[idx]]), [0])
        out.append(tuple((int(c), math.log(max(float(p[t, c]), 1e-30))) for c in idx))
    return out


Key = tuple[State, int]  # grammar state, class of the previous frame (0: blank)


def best_grammatical_path(
    p: NDArray[np.float32], table: CharTable, grammar: Grammar
) -> NDArray[np.int64] | None:
    """The likeliest class per frame whose CTC reading ``grammar`` accepts (a beam of
    ``BEAM`` states over the frames), or ``None`` when the beam holds none at the end."""
    chars = table.characters
    steps: dict[tuple[State, int], State | None] = {}
    beam: dict[Key, float] = {(grammar.start, 0): 0.0}
    back: list[dict[Key, Key]] = []
    for cands in _candidates(p, table, grammar):
        scores: dict[Key, float] = {}
        came: dict[Key, Key] = {}
        for key, score in beam.items():
            state, last = key
            for label, logp in cands:
                if label in (0, last):
                    new: Key = (state, label)
                else:
                    step = (state, label)
                    if step not in steps:
                        steps[step] = grammar.allowed_after(state, chars[label])
                    nxt = steps[step]
                    if nxt is None:
                        continue
                    new = (nxt, label)
                total = score + logp
                if total > scores.get(new, -math.inf):
                    scores[new] = total
                    came[new] = key
        if len(scores) > BEAM:
            scores = dict(heapq.nlargest(BEAM, scores.items(), key=lambda kv: kv[1]))
        beam = scores
        back.append(came)
    ends = [(score, key) for key, score in beam.items() if grammar.accepting(key[0])]
    if not ends:
        return None
    key = max(ends, key=lambda e: e[0])[1]
    labels = np.zeros(len(back), dtype=np.int64)
    for t in range(len(back) - 1, -1, -1):
        labels[t] = key[1]
        key = back[t][key]
    return labels
