"""RapidOCR backend: the same PP-OCRv6 small recognizer through RapidOCR's onnxruntime session.

The ``rapidocr`` wheel carries the model with its character list embedded; we pass the verified
file path explicitly, so RapidOCR never looks for (or downloads) a model of its own.
"""

from __future__ import annotations

import logging

import numpy as np
from numpy.typing import NDArray

from ..settings import Settings
from .ctc import CharTable
from .japanese import japanese_prior
from .lines import CtcLineRecognizer
from .models import rapid_model_file
from .rapid_loader import load_recognizer

log = logging.getLogger(__name__)

REC_MODEL = "PP-OCRv6_small_rec"


class RapidOcrEngine(CtcLineRecognizer):
    """Leaner alternative to :class:`~.paddle.PaddleOcrEngine` (no PaddleX import)."""

    name = "rapidocr"

    def __init__(self, settings: Settings) -> None:
        from rapidocr import RapidOCR

        self._model_path = rapid_model_file(REC_MODEL, settings.model_dir)
        self._threads = settings.threads
        self.batch_size = settings.rec_batch_size
        rapid = RapidOCR(
            params={
                "Global.use_det": False,
                "Global.use_cls": False,
                "Global.log_level": "warning",
                "Rec.model_path": str(self._model_path),
                "EngineConfig.onnxruntime.intra_op_num_threads": self._threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        # RapidOCR builds its recognizer lazily on first use; build it now, with our file.
        recognizer = load_recognizer(rapid)
        self._session = recognizer.session
        characters = tuple(recognizer.postprocess_op.character)
        if characters[0] != "blank":
            raise RuntimeError(f"unexpected CTC class 0 {characters[0]!r} in {self._model_path}")
        classes = ("", *characters[1:])
        self.table = CharTable(classes, japanese_prior(classes))

    def infer(self, batch: NDArray[np.float32]) -> NDArray[np.float32]:
        return np.asarray(self._session(batch), dtype=np.float32)

    def describe(self) -> dict[str, str]:
        return {
            "engine": self.name,
            "runtime": "rapidocr TextRecognizer (onnxruntime, cpu)",
            "recognizer": REC_MODEL,
            "model_file": str(self._model_path),
            "classes": str(len(self.table.characters)),
            "threads": str(self._threads),
            "batch_size": str(self.batch_size),
        }
