"""The shipped model file: verified by SHA-256, loaded offline, refused when altered."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from ocr_pipeline.engines.models import sha256_of
from ocr_pipeline.errors import ExitCode, ModelMissingError
from ocr_pipeline.reader2.charset import ALL_CLASSES
from ocr_pipeline.reader2.model import (
    CLASSES_SHA256,
    DEFAULT_MODEL,
    MODEL_SHA256,
    SecondReader,
)
from ocr_pipeline.reader2.train import classes_path
from tests.reader2_glyphs import drawn


def test_the_shipped_files_match_their_recorded_checksums() -> None:
    assert sha256_of(DEFAULT_MODEL) == MODEL_SHA256
    assert sha256_of(classes_path(DEFAULT_MODEL)) == CLASSES_SHA256


def test_it_loads_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the second reader must not open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    reader = SecondReader.load()
    assert set(reader.classes) == set(ALL_CLASSES)


def _copy(tmp_path: Path) -> Path:
    model = tmp_path / "second_reader.onnx"
    shutil.copyfile(DEFAULT_MODEL, model)
    shutil.copyfile(classes_path(DEFAULT_MODEL), classes_path(model))
    return model


def test_an_altered_model_is_refused_with_the_fix(tmp_path: Path) -> None:
    model = _copy(tmp_path)
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(ModelMissingError) as info:
        SecondReader.load(model)
    assert info.value.exit_code == ExitCode.MODEL_MISSING
    assert str(model) in str(info.value)
    assert "checksum" in str(info.value)
    assert "second_reader = false" in info.value.remedy


def test_a_missing_class_list_is_refused(tmp_path: Path) -> None:
    model = _copy(tmp_path)
    classes_path(model).unlink()
    with pytest.raises(ModelMissingError, match=r"classes\.json is missing"):
        SecondReader.load(model)


def test_clear_digits_are_read_and_a_batch_keeps_its_order(reader: SecondReader) -> None:
    images = [drawn(d, 36) for d in "0123456789"]
    guesses = reader.read(images, allowed=[frozenset("0123456789")] * 10)
    assert "".join(g.char for g in guesses) == "0123456789"
    assert all(abs(sum(p for _, p in g.top) - 1.0) < 1.0 + 1e-6 for g in guesses)


def test_allowed_classes_restrict_the_reading(reader: SecondReader) -> None:
    (guess,) = reader.read([drawn("ア", 36)], allowed=[frozenset("0123456789")])
    assert guess.char in "0123456789"
