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

CLEAR = 1.6
"""...and, in a name, is at least this many times wider than any other gap: a name has one
space (between 氏 and 名), and kana such as イ and ト leave wide gaps of their own."""

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


def word_gaps(image: Gray, single: bool) -> list[tuple[float, float]]:
    """Gaps that separate words; with ``single`` only the widest, if it stands out."""
    gaps = sorted(_gaps(image), key=lambda g: g[1], reverse=True)
    wide = [g for g in gaps if g[1] >= GAP]
    if not single:
        return wide
    if wide and (len(gaps) == 1 or gaps[0][1] >= CLEAR * gaps[1][1]):
        return wide[:1]
    return []


def respace(rec: Recognition, image: Gray, single: bool = False) -> Recognition:
    """The reading with the recognizer's own spaces replaced by the gaps seen in ``image``
    (at most one space with ``single``, as in names). An inserted space is as sure as its
    gap is wide: a gap just at the threshold is a coin toss."""
    keep = [i for i, c in enumerate(rec.text) if not c.isspace()]
    chars = [rec.text[i] for i in keep]
    confs = [rec.char_confidences[i] for i in keep]
    positions = [rec.char_positions[i] for i in keep]
    alts = [rec.alternatives[i] if i < len(rec.alternatives) else () for i in keep]
    inserted = 0
    for centre, ratio in sorted(word_gaps(image, single)):
        at = sum(1 for x in positions if x < centre)
        if at == 0 or at == len(positions):
            continue
        idx = at + inserted
        if chars[idx - 1] == SPACE:
            continue
        chars.insert(idx, SPACE)
        confs.insert(idx, float(min(1.0, 0.5 + (ratio - GAP) / GAP)))
        positions.insert(idx, centre)
        alts.insert(idx, ())
        inserted += 1
    return replace(
        rec,
        text="".join(chars),
        char_confidences=tuple(confs),
        char_positions=tuple(positions),
        alternatives=tuple(alts),
    )
