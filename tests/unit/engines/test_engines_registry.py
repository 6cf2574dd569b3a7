"""Engines are resolved by name through the ``formocr.engines`` entry points."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_pipeline.engines import available_engines, create_engine
from ocr_pipeline.engines.lines import CtcLineRecognizer
from ocr_pipeline.errors import BadArgumentsError, ExitCode
from ocr_pipeline.settings import Settings


def test_both_shipped_backends_are_registered() -> None:
    assert {"paddleocr", "rapidocr"} <= set(available_engines())


@pytest.mark.parametrize("name", ["paddleocr", "rapidocr"])
def test_entry_points_load_backend_classes_named_like_their_entry(name: str) -> None:
    cls = available_engines()[name].load()
    assert issubclass(cls, CtcLineRecognizer)
    assert cls.name == name


def test_unknown_engine_is_a_bad_argument_listing_the_known_ones(settings: Settings) -> None:
    bad = settings.model_copy(update={"engine": "tesseract"})
    with pytest.raises(BadArgumentsError) as info:
        create_engine(bad)
    err = info.value
    assert err.exit_code is ExitCode.BAD_ARGS
    assert "tesseract" in err.message
    for known in available_engines():
        assert known in err.remedy


def test_the_settings_fixture_keeps_work_files_in_tmp(settings: Settings, tmp_path: Path) -> None:
    assert settings.model_cache_dir == tmp_path / "models"
    assert settings.engine == "paddleocr"
