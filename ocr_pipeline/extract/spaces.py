"""Putting back the spaces a recognizer drops.

PP-OCR rarely emits a space between 氏 and 名, yet the export form of names and readings
separates them with one full-width space. The crop shows where the writer left a gap: a run
of ink-free columns clearly wider than the gaps between characters. The character positions
from the CTC output tell which characters lie left of it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from ..engines import Recognition
from ..preprocess.ink import INK_LEVEL, Gray

GAP = 0.6
"""A gap at least this many times the writing's height separates words..."""

CLEAR = 1.5
"""...when, in a name, it is also this many times wider than any other gap: a name has one
space (between 氏 and 名), and kana such as イ and ト leave wide gaps of their own;"""

NARROW, NARROW_CLEAR = 0.35, 2.2
"""a narrower gap (small print) still separates 氏 and 名 when it stands out this much."""

SAID_SPACE = 0.3
"""Bonus (in writing heights) for a gap where the recognizer itself read a space."""

PHANTOM_GAP = 0.5  # writing heights: a blank stretch this wide holds no character...
PHANTOM_PRONE = frozenset("ー一-－‐・、。,.'`\"")
"""...of the kinds the recognizer invents there (a character such as ハ or 川 has a wide
blank at its own centre, so only dash- and dot-like readings are dropped)."""

SPACE = "\u3000"


def _gaps(image: Gray) -> list[tuple[float, float]]:
    """Ink-free column runs between the first and last ink, as (centre, width/height), the
    centre as a fraction of the image width."""
    ink = np.asarray(image < INK_LEVEL, dtype=bool)
    rows = np.flatnonzero(np.any(ink, axis=1))
    cols: NDArray[np.bool_] = np.any(ink, axis=0)
    inked = np.flatnonzero(cols)
    if len(rows) == 0 or len(inked) < 2:
        return []
    height = float(rows[-1] - rows[0] + 1)
    gaps: list[tuple[float, float]] = []
    start = None
    for x in range(int(inked[0]), int(inked[-1]) + 1):
        if not cols[x] and start is None:
            start = x
        elif cols[x] and start is not None:
            gaps.append(((start + x) / 2 / len(cols), (x - start) / height))
            start = None
    return gaps


def _scored_gaps(rec: Recognition, image: Gray) -> list[tuple[int, float, float]]:
    """Gaps between characters as (characters left of it, score, centre): the widest
    ink-free run between each pair of neighbouring characters, with a bonus where the
    recognizer read a space."""
    chars = [(c, x) for c, x in zip(rec.text, rec.char_positions, strict=False)]
    said = [x for c, x in chars if c.isspace()]
    positions = [x for c, x in chars if not c.isspace()]
    best: dict[int, tuple[float, float]] = {}
    for centre, width in _gaps(image):
        at = sum(1 for x in positions if x < centre)
        if at == 0 or at == len(positions):
            continue  # before the first or after the last character: no word boundary
        left, right = positions[at - 1], positions[at]
        score = width + (SAID_SPACE if any(left < x < right for x in said) else 0.0)
        if score > best.get(at, (0.0, 0.0))[0]:
            best[at] = (score, centre)
    return sorted(((at, sc, c) for at, (sc, c) in best.items()), key=lambda g: -g[1])


def word_gaps(rec: Recognition, image: Gray, single: bool) -> list[tuple[int, float]]:
    """(characters left of it, score) of each gap that separates words; with ``single`` only
    the widest, if it stands out from the others."""
    gaps = _scored_gaps(rec, image)
    if not single:
        return [(at, sc) for at, sc, _ in gaps if sc >= GAP]
    if not gaps:
        return []
    top = gaps[0][1]
    second = gaps[1][1] if len(gaps) > 1 else 0.0
    if (top >= GAP and top >= CLEAR * second) or (top >= NARROW and top >= NARROW_CLEAR * second):
        return [(gaps[0][0], top)]
    return []


def _phantoms(rec: Recognition, image: Gray) -> set[int]:
    """Characters read where the paper is blank: the recognizer sometimes puts a ー in the
    gap between 氏 and 名. A dash- or dot-like character whose centre lies well inside an
    ink-free gap at least PHANTOM_GAP writing heights wide was never written."""
    width = image.shape[1]
    ink = np.asarray(image < INK_LEVEL, dtype=bool)
    rows = np.flatnonzero(np.any(ink, axis=1))
    if len(rows) == 0:
        return set()
    height = float(rows[-1] - rows[0] + 1)
    empty = [
        ((c - w / 2 * height / width), (c + w / 2 * height / width))
        for c, w in _gaps(image)
        if w >= PHANTOM_GAP
    ]
    margin = 0.15 * height / width
    return {
        i
        for i, (c, x) in enumerate(zip(rec.text, rec.char_positions, strict=False))
        if c in PHANTOM_PRONE and any(a + margin < x < b - margin for a, b in empty)
    }


def respace(rec: Recognition, image: Gray, single: bool = False) -> Recognition:
    """The reading with the recognizer's own spaces replaced by the gaps seen in ``image``
    (at most one space with ``single``, as in names), and characters read on blank paper
    dropped. An inserted space is as sure as its gap is wide: a gap just at the threshold
    is a coin toss."""
    phantoms = _phantoms(rec, image)
    if phantoms:
        keep = [i for i in range(len(rec.text)) if i not in phantoms]
        rec = replace(
            rec,
            text="".join(rec.text[i] for i in keep),
            char_confidences=tuple(rec.char_confidences[i] for i in keep),
            char_positions=tuple(rec.char_positions[i] for i in keep),
            alternatives=tuple(rec.alternatives[i] for i in keep if i < len(rec.alternatives)),
        )
    breaks = dict(word_gaps(rec, image, single))
    chars: list[str] = []
    confs: list[float] = []
    positions: list[float] = []
    alts: list[tuple[tuple[str, float], ...]] = []
    n = 0
    for i, c in enumerate(rec.text):
        if c.isspace():
            continue
        if n in breaks:
            score = breaks[n]
            chars.append(SPACE)
            confs.append(float(min(1.0, 0.5 + (score - NARROW) / GAP)))
            positions.append(rec.char_positions[i] if i < len(rec.char_positions) else 0.5)
            alts.append(())
        chars.append(c)
        confs.append(rec.char_confidences[i])
        positions.append(rec.char_positions[i] if i < len(rec.char_positions) else 0.5)
        alts.append(rec.alternatives[i] if i < len(rec.alternatives) else ())
        n += 1
    return replace(
        rec,
        text="".join(chars),
        char_confidences=tuple(confs),
        char_positions=tuple(positions),
        alternatives=tuple(alts),
    )
