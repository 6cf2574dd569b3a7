"""The seam over OCR runtimes: what every backend provides.

A backend recognises a batch of single-line crops. Backends that expose the recognizer's
CTC output (both shipped ones do) return per-character probabilities and honour an
allowed-character set per crop, so that a digits-only field can never come back as ``l``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeGuard, runtime_checkable

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from .grammar import Grammar

Image = NDArray[np.uint8]
"""An image as OpenCV holds it: H x W x 3 BGR, or H x W grey, uint8."""


@dataclass(frozen=True)
class Recognition:
    """What the recognizer read in one crop.

    ``char_confidences[i]`` is the probability of ``text[i]``; ``char_positions[i]`` is the
    horizontal centre of that character as a fraction (0-1) of the crop's width;
    ``alternatives[i]`` lists the next most likely characters at that position with their
    probabilities. ``gap_confidence`` is how sure it is that no character was skipped (a frame
    decoded as blank where a character was nearly as likely lowers it). ``confidence`` is the
    weaker of the weakest character's probability and ``gap_confidence`` (for an empty
    reading: how sure the recognizer is that there is nothing). ``grammar_forced``: the crop's
    grammar refused the likeliest reading, so this is the likeliest one it accepts (scored by
    the recognizer's own probabilities, ``confidence`` no higher than the refused reading's),
    or, when it accepts none, the likeliest reading with confidence 0.
    """

    text: str
    confidence: float
    char_confidences: tuple[float, ...] = ()
    char_positions: tuple[float, ...] = ()
    alternatives: tuple[tuple[tuple[str, float], ...], ...] = field(default=(), repr=False)
    gap_confidence: float = 1.0
    grammar_forced: bool = False


@runtime_checkable
class OcrEngine(Protocol):
    """A text-line recognizer. Implementations must be safe to call repeatedly."""

    name: str

    def recognize(
        self, crops: Sequence[Image], allowed: Sequence[frozenset[str] | None] | None = None
    ) -> list[Recognition]:
        """Recognise each crop (one text line each). ``allowed[i]``, when given and not
        ``None``, restricts the characters that crop may be read as."""
        ...

    def charset(self) -> frozenset[str]:
        """Every character the recognizer can output."""
        ...

    def describe(self) -> dict[str, str]:
        """Model names, files and runtime settings, for ``formocr config`` and logs."""
        ...


@runtime_checkable
class GrammarEngine(OcrEngine, Protocol):
    """An engine that also holds readings to a grammar per crop (see :mod:`.grammar`). It says
    so with ``accepts_grammars = True``; engines without it are called without grammars."""

    accepts_grammars: bool

    def recognize(
        self,
        crops: Sequence[Image],
        allowed: Sequence[frozenset[str] | None] | None = None,
        grammars: Sequence[Grammar | None] | None = None,
    ) -> list[Recognition]:
        """As :meth:`OcrEngine.recognize`; ``grammars[i]``, when given and not ``None``, is
        what crop ``i`` may read as."""
        ...


def accepts_grammars(engine: OcrEngine) -> TypeGuard[GrammarEngine]:
    """Whether ``engine`` takes per-crop grammars (declares ``accepts_grammars = True``)."""
    return getattr(engine, "accepts_grammars", False) is True
