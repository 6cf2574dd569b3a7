"""Comparing the primary reading of a part with the second reader's, character by character.

Readings are compared folded (:func:`~.charset.fold`): hiragana and katakana alike, a dash
and ``ー`` alike, and, where the size of the writing is unknown, a small kana and its
full-size twin alike. The second reader's probabilities are folded
the same way before its choice is taken. Where the folded choices differ, the second
reader's choice counts when it is at least as sure as :data:`MIN_PROB` asks (below that it
is guessing, and a guess against a correct primary reading would send good fields to review
for nothing; measured on development writers, see ``bench/second_reader_benchmark.py``).

Two differences are not counted. A full-size kana the second reader takes for its small twin
(イ as ィ): small kana are rare, writers make them anything from small to full size, and
interpretation already turns a small kana where none can stand into a large one; it is the
recogniser's claim that a kana is *small* (マツモト read マッモト) that needs the ink's
confirmation. And ``ー``: a thin stroke between kana, too unreliably cut to compare.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .charset import SMALL, fold, fold_size, is_kana
from .model import CharGuess

MIN_PROB = {"digit": 0.7, "kana": 0.7}
"""How sure the second reader must be of a different character for it to count, by kind of
part. Chosen on 60 pages of development writers (``bench/second_reader_benchmark.py
--pages 20``): digits at 0.7 flag 6 of 7 wrong readings and 3 of 326 right ones (at 0.5 the
same 6 and 5 right ones); kana at 0.7 flag 8 of 12 wrong readings and 5 of 80 right ones,
none of which would otherwise have been accepted (at 0.5: 10 of 12 and 10 of 80)."""


@dataclass(frozen=True)
class Difference:
    """One character the readers read differently: its index in the part, both readings
    (as written, not folded) and how sure the second reader was."""

    index: int
    primary: str
    second: str
    second_prob: float


def folded(guess: CharGuess, size_known: bool) -> dict[str, float]:
    """The second reader's probabilities per folded character (its runners-up included)."""
    key = fold if size_known else fold_size
    out: dict[str, float] = {}
    for char, prob in guess.top:
        out[key(char)] = out.get(key(char), 0.0) + prob
    return out


def compare(
    primary: str,
    guesses: Sequence[CharGuess],
    *,
    size_known: bool = True,
    min_prob: float = MIN_PROB["digit"],
) -> list[Difference]:
    """The characters of ``primary`` the second reader reads differently (empty when they
    agree). ``guesses`` are the second reader's, one per character of ``primary``; a
    length mismatch is the caller's error."""
    if len(primary) != len(guesses):
        raise ValueError(f"{len(primary)} characters but {len(guesses)} guesses")
    key = fold if size_known else fold_size
    out: list[Difference] = []
    for i, (char, guess) in enumerate(zip(primary, guesses, strict=True)):
        if fold(char) == "ー":  # a thin stroke between kana: cut and shape too unreliable
            continue
        probs = folded(guess, size_known)
        best = max(probs, key=lambda c: probs[c])
        if best == key(char) or probs[best] < min_prob:
            continue
        if fold_size(best) == fold_size(char) and char not in SMALL:
            continue  # only a small kana needs the ink's confirmation (see the module doc)
        shown = next(c for c, _ in guess.top if key(c) == best)
        out.append(Difference(i, char, shown, probs[best]))
    return out


def agreed(primary: str, guesses: Sequence[CharGuess], *, size_known: bool = True) -> float | None:
    """When the second reader's choice is, folded, the primary character at every position:
    its lowest probability for those characters; None when any character differs or is
    ``ー`` (not compared, see :func:`compare`), or there are none."""
    if not primary or len(primary) != len(guesses):
        return None
    key = fold if size_known else fold_size
    lowest = 1.0
    for char, guess in zip(primary, guesses, strict=True):
        if fold(char) == "ー":
            return None
        probs = folded(guess, size_known)
        best = max(probs, key=lambda c: probs[c])
        if best != key(char):
            return None
        lowest = min(lowest, probs[best])
    return lowest


@lru_cache(maxsize=1024)
def _bare(char: str) -> str:
    """A kana without its size, dakuten or handakuten (ガ, ッ, パ → カ, ツ, ハ)."""
    return unicodedata.normalize("NFD", fold_size(char))[:1]


def twins(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are different kana that differ only in size or in a dakuten
    or handakuten (ツ/ッ, カ/ガ, ハ/パ): shapes a stroke or the size of the writing tells
    apart, which both readers can miss alike."""
    return fold(a) != fold(b) and is_kana(a) and is_kana(b) and _bare(a) == _bare(b)


def twin_doubt(
    primary: str,
    guesses: Sequence[CharGuess],
    runners: Sequence[Sequence[tuple[str, float]]] = (),
) -> float:
    """The largest probability either reader gave a twin (:func:`twins`) of a character of
    ``primary``: the second reader in its ``guesses`` (one per character), the recognizer in
    its runners-up (``runners[i]``, as ``Recognition.alternatives``). 0 when neither
    considered any."""
    doubt = 0.0
    for i, (char, guess) in enumerate(zip(primary, guesses, strict=True)):
        seen = [*guess.top, *(runners[i] if i < len(runners) else ())]
        doubt = max([doubt, *(p for c, p in seen if twins(char, c))])
    return doubt


def describe(primary: str, guesses: Sequence[CharGuess], diffs: Sequence[Difference]) -> str:
    """``recognizer 04, second reader 08`` for a reason's detail."""
    second = list(primary)
    for d in diffs:
        second[d.index] = d.second
    return f"recognizer {primary}, second reader {''.join(second)}"
