"""Reading addresses with Japan Post's place names at hand.

After the prefecture and municipality, an address names a town (大字・町) of that
municipality. When what was read is not such a town but one is, differing only at characters
where the recognizer itself considered the town's character (子 read as 了 with 子 as the
runner-up), the town's spelling is taken. Variant forms of place names are written as the
postal data writes them (see ``form_schemas.japanese.spelling``).
"""

from __future__ import annotations

from dataclasses import replace

from form_schemas.japanese.spelling import fold, near_place_prefix, place_prefix, towns

from ..engines import Recognition
from .fixups import apply_changes

MAX_FIXES = 2  # characters of a town name that may be taken from the lexicon
MIN_ALT = 0.001  # the lexicon's character must have been at least this likely
NEAR_CONFIDENCE = 0.5  # the most a place character taken from the lexicon alone may claim


def _town_fixes(rec: Recognition, start: int, candidates: tuple[str, ...]) -> dict[int, str]:
    """Changes making ``rec.text[start:]`` begin with a known town, if the recognizer's
    alternatives allow one; the best supported town wins."""
    rest = rec.text[start:]
    key = fold(rest)
    if any(key.startswith(fold(t)) for t in candidates):
        return {}
    best: tuple[float, dict[int, str]] = (0.0, {})
    for town in candidates:
        if len(town) > len(rest) or len(town) < 2:
            continue
        diffs = [i for i, (a, b) in enumerate(zip(fold(town), key, strict=False)) if a != b]
        if not diffs or len(diffs) > MAX_FIXES or len(diffs) == len(town):
            continue
        support = 1.0
        for i in diffs:
            alts = dict(rec.alternatives[start + i]) if start + i < len(rec.alternatives) else {}
            support *= alts.get(town[i], 0.0)
        if support >= MIN_ALT ** len(diffs) and support > best[0]:
            best = (support, {start + i: town[i] for i in diffs})
    return best[1]


def _near_place(rec: Recognition) -> Recognition:
    """``rec`` starting with the prefecture + municipality it is one misread character (or a
    川 read as strokes) away from, if only one is that near. A character the recognizer
    itself considered keeps its probability (as in :func:`_town_fixes`); one the lexicon
    alone supplies claims at most :data:`NEAR_CONFIDENCE`, so that a person looks."""
    near = near_place_prefix(rec.text)
    if near is None:
        return rec
    changes, _ = near
    fixed = apply_changes(rec, changes)
    confs = list(fixed.char_confidences)
    dropped = 0
    for i in sorted(changes):
        if not changes[i]:
            dropped += 1
            continue
        alts = dict(rec.alternatives[i]) if i < len(rec.alternatives) else {}
        if alts.get(changes[i], 0.0) < MIN_ALT and i - dropped < len(confs):
            confs[i - dropped] = min(confs[i - dropped], NEAR_CONFIDENCE)
    return replace(fixed, char_confidences=tuple(confs), confidence=min(confs, default=0.0))


def read_address(rec: Recognition) -> Recognition:
    """``rec`` (one address line, spaces removed) with place names fixed from the lexicon."""
    rec = _near_place(rec)
    found = place_prefix(rec.text)
    if found is None:
        return rec
    length, written, prefecture, city = found
    changes = {i: c for i, c in enumerate(written) if rec.text[i] != c}
    fixed = apply_changes(rec, changes)
    town_changes = _town_fixes(fixed, length, towns(prefecture, city))
    fixed = apply_changes(fixed, town_changes)
    rest = fixed.text[length:]
    town = next((t for t in towns(prefecture, city) if fold(rest).startswith(fold(t))), None)
    if town is not None:
        fixed = apply_changes(fixed, {length + i: c for i, c in enumerate(town) if rest[i] != c})
    return fixed


def town_doubt(address: str) -> str | None:
    """A note when the town read after the municipality is unknown but one character away
    from a known town (中亘内町 for 中垣内町): probably misread, worth a look."""
    found = place_prefix(address)
    if found is None:
        return None
    length, _, prefecture, city = found
    rest = address[length:]
    key = fold(rest)
    candidates = towns(prefecture, city)
    if any(key.startswith(fold(t)) for t in candidates):
        return None
    for town in candidates:
        if len(town) < 2 or len(town) > len(rest):
            continue
        diffs = sum(a != b for a, b in zip(fold(town), key, strict=False))
        if diffs == 1:
            return f"town reads {rest[: len(town)]!r}, Japan Post knows {town!r}"
    return None
