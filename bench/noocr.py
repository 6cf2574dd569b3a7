"""An OCR engine that reads nothing, for measuring and testing what surrounds OCR: intake,
broker, store, image store, worker processes and their recovery.

It reads every crop as empty at confidence 1.0 (the pipeline then still classifies, registers
and cuts each page, and a zone with ink goes to review as ``ink_unread``: documents, fields and
their audit events are saved as usual). It is never a stand-in for measuring OCR.

Worker processes find engines through the ``formocr.engines`` entry-point group, so
:func:`register` writes a tiny distribution record (``*.dist-info`` with an
``entry_points.txt``) into a folder; put that folder on ``PYTHONPATH`` of the processes started
(:func:`environment`) and ``FORMOCR_ENGINE=noocr`` selects this engine, the same way a third
party adds one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ocr_pipeline.engines import Image, Recognition
from ocr_pipeline.results import PageResult
from ocr_pipeline.settings import Settings
from ocr_pipeline.watch import FileProcessor, ProcessedFile
from ocr_pipeline.watch.processor import Check

NAME = "noocr"
DIST = "formocr_bench_noocr-0.dist-info"


class NoOcrEngine:
    """Reads every crop as empty, instantly."""

    name = NAME

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def recognize(
        self, crops: Sequence[Image], allowed: Sequence[frozenset[str] | None] | None = None
    ) -> list[Recognition]:
        return [Recognition(text="", confidence=1.0) for _ in crops]

    def charset(self) -> frozenset[str]:
        return frozenset()

    def describe(self) -> dict[str, str]:
        return {"engine": NAME, "model": "none: every crop reads as empty"}


def register(folder: Path) -> Path:
    """Write the distribution record that registers :class:`NoOcrEngine` as ``noocr`` into
    ``folder`` (made if missing); ``folder``."""
    dist = folder / DIST
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: formocr-bench-noocr\nVersion: 0\n", "utf-8"
    )
    (dist / "entry_points.txt").write_text(
        f"[formocr.engines]\n{NAME} = bench.noocr:NoOcrEngine\n", "utf-8"
    )
    return folder


def environment(env: dict[str, str], folder: Path, repository: Path) -> dict[str, str]:
    """``env`` with ``folder`` (see :func:`register`) and the repository root (for
    ``bench.noocr``) first on ``PYTHONPATH``, the engine set to ``noocr`` and the second
    reader off (it would read the crops that this engine does not)."""
    path = [str(register(folder)), str(repository)]
    if env.get("PYTHONPATH"):
        path.append(env["PYTHONPATH"])
    out = dict(env)
    out.update(PYTHONPATH=":".join(path), FORMOCR_ENGINE=NAME, FORMOCR_SECOND_READER="false")
    return out


class SkimProcessor:
    """A :class:`~ocr_pipeline.watch.FileProcessor` that reads the first file through the
    pipeline (with this engine) and answers every later file with the same pages: for the
    coordination ceiling, where every file is one page of the same form (a PNG, stored as its
    own page image). Everything after reading (saving pages, documents, fields, the page
    image, completing the work item) runs as usual."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.model_copy(update={"engine": NAME, "second_reader": False})
        self._pages: list[PageResult] | None = None

    def process(self, path: Path, form_id: str | None, check: Check) -> ProcessedFile:
        check()
        data = path.read_bytes()
        if self._pages is None:
            from ocr_pipeline.watch import pipeline_processor

            first = pipeline_processor(self.settings).process(path, form_id, check)
            self._pages = first.pages
        pages = [replace(p, source=path.name) for p in self._pages]
        if not data.startswith(b"\x89PNG"):
            raise ValueError(f"{path.name}: the skim processor takes single-page PNG files only")
        return ProcessedFile(pages=pages, images={p.page: data for p in pages})


def skim_processor(settings: Settings) -> FileProcessor:
    """Factory of :class:`SkimProcessor` (``formocr worker --processor
    bench.noocr:skim_processor``)."""
    return SkimProcessor(settings)
