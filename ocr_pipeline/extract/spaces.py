"""Putting back the spaces a recognizer drops.

PP-OCR rarely emits a space between 氏 and 名, yet the export form of names and readings
separates them with one full-width space. The crop shows where the writer left a gap: a run
of ink-free columns clearly wider than the gaps between characters. The character positions
from the CTC output tell which characters lie left of it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..engines import Recognition
from ..preprocess.ink import INK_LEVEL, Gray

GAP = 0.6
"""A gap at least this many times the writing's height separates words."""

SPACE = "\u3000"


def _word_gaps(image: Gray) -> list[tuple[float, float]]:
    """Wide ink-free column runs as (centre, width/height), centre as a fraction of the width."""
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
            width = x - start
            if width >= GAP * height:
                gaps.append(((start + x) / 2 / len(cols), width / height))
            start = None
    return gaps


def respace(rec: Recognition, image: Gray) -> tuple[str, list[float]]:
    """The reading with the recognizer's own spaces replaced by the gaps seen in ``image``.

    Returns the text and a confidence per character; an inserted space is as sure as its gap
    is wide (a gap just at the threshold is a coin toss).
    """
    chars = [
        (c, p, x)
        for c, p, x in zip(rec.text, rec.char_confidences, rec.char_positions, strict=True)
        if not c.isspace()
    ]
    out = [c for c, _, _ in chars]
    confs = [p for _, p, _ in chars]
    positions = [x for _, _, x in chars]
    inserted = 0
    for centre, ratio in _word_gaps(image):
        at = sum(1 for x in positions if x < centre)
        if at == 0 or at == len(positions):
            continue
        idx = at + inserted
        if out[idx - 1] == SPACE:
            continue
        out.insert(idx, SPACE)
        confs.insert(idx, float(min(1.0, 0.5 + (ratio - GAP) / GAP)))
        inserted += 1
    return "".join(out), confs
