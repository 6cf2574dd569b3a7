"""OCR engines behind one protocol, resolved by name.

Backends are found through the ``formocr.engines`` entry-point group; the two shipped ones are
registered there by this package's own ``pyproject.toml``, the same way a third party would add
one. Each name maps to a class taking :class:`~ocr_pipeline.settings.Settings`.
"""

from __future__ import annotations

from importlib import metadata
from typing import cast

from ..errors import BadArgumentsError
from ..settings import Settings
from .base import Image, OcrEngine, Recognition

ENTRY_POINT_GROUP = "formocr.engines"

__all__ = ["Image", "OcrEngine", "Recognition", "available_engines", "create_engine"]


def available_engines() -> dict[str, metadata.EntryPoint]:
    """Engine names and their entry points."""
    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def create_engine(settings: Settings) -> OcrEngine:
    """Instantiate the engine ``settings.engine`` names (loads its model; ~1 s)."""
    engines = available_engines()
    if settings.engine not in engines:
        known = ", ".join(sorted(engines)) or "none (is formocr installed?)"
        raise BadArgumentsError(f"unknown OCR engine {settings.engine!r}", f"use one of: {known}")
    cls = engines[settings.engine].load()
    return cast(OcrEngine, cls(settings))
