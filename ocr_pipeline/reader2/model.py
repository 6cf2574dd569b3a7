"""The second reader's model: an ONNX file shipped in the package, verified before use.

``second_reader.onnx`` maps :func:`~.glyph.features` rows to one probability per class; the
classes are listed in the sidecar ``second_reader.classes.json``. Both files' SHA-256 are
recorded here; a missing or altered file stops the run with exit code 4 (like the OCR model
files, see :mod:`ocr_pipeline.engines.models`). It runs on onnxruntime with one thread; a
page's characters go through in one call.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..engines.models import sha256_of
from ..errors import ModelMissingError
from .glyph import N_FEATURES, Gray, feature_matrix

DEFAULT_MODEL = Path(__file__).with_name("second_reader.onnx")
MODEL_SHA256 = "4b8f46715ac4990b202424f92111d55b95fa575e575223c7670325332eb8e6eb"
CLASSES_SHA256 = "51493757766dafe8b1bf35b5b314fcfce97692aff1876c3e1bd943504f6023e9"
REMEDY = (
    "restore the file shipped with formocr (reinstall the formocr package, or "
    "`git checkout -- ocr_pipeline/reader2/`), or switch the second reader off with "
    "second_reader = false (FORMOCR_SECOND_READER=false)"
)
TOP = 3  # runners-up kept per character


@dataclass(frozen=True)
class CharGuess:
    """The second reader's reading of one character: the best class, its probability, and
    the ``TOP`` best classes with theirs (best first)."""

    char: str
    prob: float
    top: tuple[tuple[str, float], ...]


def _verified(path: Path, expected: str | None, what: str) -> Path:
    if not path.is_file():
        raise ModelMissingError(f"the second reader's {what} {path} is missing", REMEDY)
    if expected is not None:
        digest = sha256_of(path)
        if digest != expected:
            raise ModelMissingError(
                f"the second reader's {what} {path} does not match its recorded checksum "
                f"(SHA-256 {digest[:12]}…, expected {expected[:12]}…): it is corrupt or a "
                "different version",
                REMEDY,
            )
    return path


def verify() -> list[tuple[str, Path]]:
    """The shipped model file and its class list, verified (raises like :meth:`load`)."""
    from .train import classes_path

    model = _verified(DEFAULT_MODEL, MODEL_SHA256, "model file")
    return [
        ("second reader", model),
        ("second reader classes", _verified(classes_path(model), CLASSES_SHA256, "class list")),
    ]


class SecondReader:
    """A per-character classifier over digits, kana, ``ー`` and ``元``."""

    def __init__(self, session: Any, classes: Sequence[str], path: Path) -> None:
        self._session = session
        self.classes = tuple(classes)
        self.path = path
        self._index = {c: i for i, c in enumerate(self.classes)}

    @classmethod
    def load(
        cls,
        path: Path | None = None,
        sha256: str | None = MODEL_SHA256,
        classes_sha256: str | None = CLASSES_SHA256,
    ) -> SecondReader:
        """The shipped model, verified; or the model at ``path`` (checked against
        ``sha256``/``classes_sha256`` unless those are None, for a model just trained)."""
        import onnxruntime as ort

        from .train import classes_path

        model = _verified(path or DEFAULT_MODEL, sha256, "model file")
        sidecar = _verified(classes_path(model), classes_sha256, "class list")
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if meta.get("n_features") != N_FEATURES:
            raise ModelMissingError(
                f"the second reader's model {model} was trained on different features "
                f"({meta.get('n_features')} instead of {N_FEATURES})",
                REMEDY,
            )
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        session = ort.InferenceSession(
            str(model), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        return cls(session, meta["classes"], model)

    def probabilities(
        self, chars: Sequence[Gray], line_heights: Sequence[float | None]
    ) -> NDArray[np.float32]:
        """One row of class probabilities per character image."""
        if not chars:
            return np.zeros((0, len(self.classes)), np.float32)
        x = feature_matrix(list(chars), list(line_heights))
        outputs = self._session.run(None, {self._session.get_inputs()[0].name: x})
        probs = next(o for o in outputs if getattr(o, "ndim", 0) == 2 and o.dtype != np.int64)
        return np.asarray(probs, np.float32)

    def read(
        self,
        chars: Sequence[Gray],
        line_heights: Sequence[float | None] | None = None,
        allowed: Sequence[frozenset[str] | None] | None = None,
    ) -> list[CharGuess]:
        """Read every character image (one batch). ``line_heights[i]`` is the height of a
        full-size character of character i's line (None: unknown); ``allowed[i]`` restricts
        what character i may be read as (probabilities renormalised over those classes)."""
        heights = list(line_heights) if line_heights is not None else [None] * len(chars)
        probs = self.probabilities(chars, heights)
        out: list[CharGuess] = []
        for i, row in enumerate(probs):
            limit = allowed[i] if allowed is not None else None
            out.append(self._guess(row, limit))
        return out

    def _guess(self, row: NDArray[np.float32], allowed: frozenset[str] | None) -> CharGuess:
        p = row.astype(np.float64)
        if allowed is not None:
            mask = np.array([c in allowed for c in self.classes])
            if mask.any():
                p = np.where(mask, p, 0.0)
        total = float(p.sum())
        p = np.full(len(p), 1.0 / len(p)) if total <= 0 else p / total
        order = np.argsort(-p)[:TOP]
        top = tuple((self.classes[int(i)], float(p[int(i)])) for i in order)
        return CharGuess(top[0][0], top[0][1], top)
