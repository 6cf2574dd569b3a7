"""Model files: found in their installed wheels or in ``model_dir``, always verified by SHA-256."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ocr_pipeline.engines.models import (
    PADDLE_MODELS,
    RAPID_MODELS,
    SETUP_REMEDY,
    ModelFile,
    locate,
    paddle_model_dir,
    rapid_model_file,
    verify_all,
)
from ocr_pipeline.errors import ExitCode, ModelMissingError

REC = "PP-OCRv6_small_rec"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_locate_accepts_an_override_with_the_recorded_checksum(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    path.write_bytes(b"weights")
    assert locate(ModelFile("nowhere", "x/m.onnx", _sha(b"weights")), path) == path


def test_locate_refuses_a_corrupt_override_and_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    path.write_bytes(b"weights, truncated")
    expected = _sha(b"weights")
    with pytest.raises(ModelMissingError) as info:
        locate(ModelFile("nowhere", "x/m.onnx", expected), path)
    err = info.value
    assert err.exit_code is ExitCode.MODEL_MISSING
    assert "checksum" in err.message and str(path) in err.message
    assert "m.onnx" in err.remedy and expected[:12] in err.remedy and "model_dir" in err.remedy


def test_locate_refuses_a_missing_override(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError) as info:
        locate(ModelFile("nowhere", "x/m.onnx", _sha(b"")), tmp_path / "m.onnx")
    assert "missing" in info.value.message
    assert "model_dir" in info.value.remedy


def test_locate_names_the_setup_step_when_the_wheel_is_not_installed() -> None:
    with pytest.raises(ModelMissingError) as info:
        locate(ModelFile("formocr-no-such-wheel", "m/m.onnx", _sha(b"")))
    assert "formocr-no-such-wheel" in info.value.message
    assert info.value.remedy == SETUP_REMEDY


def test_locate_finds_and_verifies_the_installed_recognizer() -> None:
    path = locate(RAPID_MODELS[REC])
    assert path.is_file()
    assert _sha(path.read_bytes()) == RAPID_MODELS[REC].sha256


def test_rapid_model_file_from_an_empty_model_dir_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError) as info:
        rapid_model_file(REC, tmp_path)
    assert str(tmp_path) in str(info.value)


def test_paddle_model_dir_builds_the_folder_paddleocr_reads(tmp_path: Path) -> None:
    folder = paddle_model_dir(REC, tmp_path / "cache")
    assert folder.parent == tmp_path / "cache"
    assert sorted(p.name for p in folder.iterdir()) == ["inference.onnx", "inference.yml"]
    for target, f in PADDLE_MODELS[REC].items():
        assert _sha((folder / target).read_bytes()) == f.sha256
    assert paddle_model_dir(REC, tmp_path / "cache") == folder  # idempotent


def test_paddle_model_dir_replaces_a_damaged_link(tmp_path: Path) -> None:
    folder = paddle_model_dir(REC, tmp_path)
    (folder / "inference.yml").unlink()
    (folder / "inference.yml").write_text("damaged", encoding="utf-8")
    paddle_model_dir(REC, tmp_path)
    assert (
        _sha((folder / "inference.yml").read_bytes()) == PADDLE_MODELS[REC]["inference.yml"].sha256
    )


def _model_dir_copy(root: Path) -> Path:
    """A model_dir as an administrator would fill it, from the installed files."""
    own = root / REC
    own.mkdir(parents=True)
    for target, f in PADDLE_MODELS[REC].items():
        (own / target).symlink_to(locate(f))
    return root


def test_paddle_model_dir_takes_files_from_model_dir(tmp_path: Path) -> None:
    model_dir = _model_dir_copy(tmp_path / "models")
    folder = paddle_model_dir(REC, tmp_path / "cache", model_dir)
    assert (folder / "inference.onnx").resolve() == (model_dir / REC / "inference.onnx").resolve()


def test_paddle_model_dir_refuses_a_corrupt_file_in_model_dir(tmp_path: Path) -> None:
    model_dir = _model_dir_copy(tmp_path / "models")
    bad = model_dir / REC / "inference.yml"
    bad.unlink()
    bad.write_text("Global:\n  model_name: something else\n", encoding="utf-8")
    with pytest.raises(ModelMissingError) as info:
        paddle_model_dir(REC, tmp_path / "cache", model_dir)
    assert str(bad) in info.value.message
    assert "inference.yml" in info.value.remedy and "model_dir" in info.value.remedy


def test_verify_all_lists_every_model_file_of_every_backend() -> None:
    found = verify_all()
    expected = sum(len(files) for files in PADDLE_MODELS.values()) + len(RAPID_MODELS)
    assert len(found) == expected
    names = [name for name, _ in found]
    assert len(set(names)) == expected
    assert any(n.startswith("paddleocr ") for n in names)
    assert any(n.startswith("rapidocr ") for n in names)
    assert all(path.is_file() for _, path in found)
