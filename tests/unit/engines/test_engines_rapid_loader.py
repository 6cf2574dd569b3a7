"""The one private RapidOCR call (engines/rapid_loader.py): it must exist in the installed
rapidocr, and its absence must be said plainly."""

from __future__ import annotations

import inspect

import pytest

from ocr_pipeline.engines.rapid_loader import PRIVATE_LOADER, load_recognizer


def test_the_installed_rapidocr_still_has_the_private_loader() -> None:
    from rapidocr import RapidOCR

    loader = getattr(RapidOCR, PRIVATE_LOADER, None)
    assert callable(loader), f"rapidocr dropped RapidOCR.{PRIVATE_LOADER}: update rapid_loader.py"
    # Called without arguments (besides self), as load_recognizer calls it.
    assert list(inspect.signature(loader).parameters) == ["self"]


def test_a_rapidocr_without_the_loader_is_refused_with_the_file_to_update() -> None:
    with pytest.raises(RuntimeError, match=r"_load_rec_model.*rapid_loader\.py"):
        load_recognizer(object())


class _Odd:
    def _load_rec_model(self) -> object:
        return object()


def test_a_recognizer_without_session_or_characters_is_refused() -> None:
    with pytest.raises(RuntimeError, match="session and character list"):
        load_recognizer(_Odd())


class _Decoder:
    character = ("blank", "あ")


class _Recognizer:
    postprocess_op = _Decoder()

    def session(self, batch: object) -> object:
        return batch


class _Rapid:
    def _load_rec_model(self) -> _Recognizer:
        return _Recognizer()


def test_the_recognizer_is_returned_as_built() -> None:
    recognizer = load_recognizer(_Rapid())
    assert isinstance(recognizer, _Recognizer)
    assert list(recognizer.postprocess_op.character) == ["blank", "あ"]
