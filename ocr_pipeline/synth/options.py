"""Options of the synthesizer: writing style, scan degradation, output format."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Style(StrEnum):
    """How fields are filled in: typed and printed, handwritten with fonts, or one of them
    per page; ``stroke`` draws handwriting stroke by stroke in a writer's hand (KanjiVG)."""

    PRINT = "print"
    HAND = "hand"
    MIXED = "mixed"
    STROKE = "stroke"


class Degrade(StrEnum):
    """How hard the simulated scanner treats the page (see :mod:`ocr_pipeline.synth.scan`)."""

    NONE = "none"
    MILD = "mild"
    HARD = "hard"


class OutFormat(StrEnum):
    """Output file format. PDF and TIFF documents may hold several pages."""

    PNG = "png"
    JPG = "jpg"
    PDF = "pdf"
    TIFF = "tiff"

    @property
    def multipage(self) -> bool:
        return self in (OutFormat.PDF, OutFormat.TIFF)


@dataclass(frozen=True)
class SynthOptions:
    """Everything that steers :func:`ocr_pipeline.synth.synthesize`.

    ``fonts`` replaces the handwriting fonts (and the print fonts when ``style`` is print);
    empty means the built-in choice. ``blank_back_rate`` is the chance that a PDF or TIFF
    document also holds an empty back side after its form page. ``writers`` names the
    writer set of the stroke style: "dev" (tuning and calibration) or "eval" (measuring
    only; see :mod:`ocr_pipeline.synth.handwriter`).
    """

    style: Style = Style.MIXED
    degrade: Degrade = Degrade.MILD
    fmt: OutFormat = OutFormat.PNG
    fonts: tuple[Path, ...] = ()
    seed: int = 0
    blank_back_rate: float = 0.15
    writers: str = "dev"
