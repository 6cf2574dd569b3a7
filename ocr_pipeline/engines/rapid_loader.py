"""The one place formocr reaches into RapidOCR's private API.

RapidOCR (3.x) builds its recognizer lazily inside ``RapidOCR.__call__`` and offers no public
call that builds it alone: the documented API runs the whole pipeline on an image. We need the
built recognizer itself - its onnxruntime session, to run batches of our own crops, and its
character list, which the model file carries - so we call the private
``RapidOCR._load_rec_model()``, here and nowhere else.

If a RapidOCR release renames or drops that method, :func:`load_recognizer` raises an error that
says so (and ``tests/unit/engines/test_engines_rapid_loader.py`` fails), instead of the engine
breaking somewhere deeper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

PRIVATE_LOADER = "_load_rec_model"
"""RapidOCR's private method that builds (once) and returns its ``TextRecognizer``."""


class Recognizer(Protocol):
    """What formocr uses of RapidOCR's ``TextRecognizer``: the inference session (called with a
    batch, returns the CTC probabilities) and the decoder's classes (``character``)."""

    session: Callable[[Any], Any]
    postprocess_op: Any


def load_recognizer(rapid: object) -> Recognizer:
    """Build ``rapid``'s (a ``rapidocr.RapidOCR``) recognizer now and return it. Raises
    :class:`RuntimeError` when the installed RapidOCR no longer has the private loader, or its
    recognizer lacks the session or the character list."""
    loader = getattr(rapid, PRIVATE_LOADER, None)
    if not callable(loader):
        raise RuntimeError(
            f"the installed rapidocr has no RapidOCR.{PRIVATE_LOADER}(): formocr's rapidocr "
            "engine (ocr_pipeline/engines/rapid_loader.py) must be updated for this release, "
            "or rapidocr pinned to a 3.x release that has it"
        )
    recognizer = loader()
    characters = getattr(getattr(recognizer, "postprocess_op", None), "character", None)
    if not callable(getattr(recognizer, "session", None)) or not isinstance(characters, Sequence):
        raise RuntimeError(
            f"rapidocr's RapidOCR.{PRIVATE_LOADER}() returned {type(recognizer).__name__}, "
            "without the session and character list formocr reads from it: update "
            "ocr_pipeline/engines/rapid_loader.py for this rapidocr release"
        )
    return cast(Recognizer, recognizer)
