"""The seam between the watcher's workers and the recognition pipeline.

A worker asks a :class:`FileProcessor` for every page of a file and the PNG image of each page
to keep; the built-in one (:func:`pipeline_processor`) runs :mod:`ocr_pipeline.pipeline`. A test
or a third party passes another factory (a picklable module-level function taking the settings)
to :class:`~ocr_pipeline.watch.Watcher`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

from ..ingest import iter_pages
from ..results import PageResult, PageStatus
from ..settings import Settings

if TYPE_CHECKING:
    from ..pipeline import Pipeline

log = logging.getLogger(__name__)

Check = Callable[[], None]
"""Called before each page; raises to stop reading (the worker stops, or lost its lease)."""


@dataclass
class ProcessedFile:
    """Every page of a file, and PNG images by page number (blank pages have none)."""

    pages: list[PageResult]
    images: dict[int, bytes] = field(default_factory=dict)


class FileProcessor(Protocol):
    def process(self, path: Path, form_id: str | None, check: Check) -> ProcessedFile:
        """Read every page of ``path`` (as form ``form_id`` when given). A file that cannot be
        read raises :class:`~ocr_pipeline.errors.InputUnreadableError`; an unknown
        ``form_id`` raises :class:`~ocr_pipeline.errors.BadArgumentsError`."""
        ...


ProcessorFactory = Callable[[Settings], FileProcessor]


def encode_png(image: NDArray[np.uint8]) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("the page image could not be encoded as PNG")
    return bytes(buf)


class PipelineProcessor:
    """:class:`FileProcessor` over :class:`~ocr_pipeline.pipeline.Pipeline`: one page in
    memory at a time (plus the PNG bytes of the pages read so far)."""

    def __init__(self, pipe: Pipeline) -> None:
        self.pipe = pipe

    def process(self, path: Path, form_id: str | None, check: Check) -> ProcessedFile:
        from ..pipeline import process_page

        pipe = self.pipe
        pipe.candidates(form_id)
        pages = iter_pages(path, dpi=pipe.settings.dpi, max_pages=pipe.settings.max_pages)
        out = ProcessedFile(pages=[])
        while True:
            check()
            started = time.perf_counter()
            page = next(pages, None)  # a damaged page raises InputUnreadableError here
            if page is None:
                return out
            loaded = time.perf_counter() - started
            try:
                result = process_page(pipe, page, form_id, loaded)
            except Exception as exc:  # one bad page must not lose the others
                log.exception("page %d of %s failed", page.index + 1, path)
                result = PageResult(
                    source=str(path),
                    page=page.index + 1,
                    status=PageStatus.ERROR,
                    reason=f"unexpected error on this page: {type(exc).__name__}: {exc}",
                )
            out.pages.append(result)
            if result.status is not PageStatus.BLANK:
                out.images[result.page] = encode_png(page.image)


def pipeline_processor(settings: Settings) -> FileProcessor:
    """The built-in processor: a :class:`~ocr_pipeline.pipeline.Pipeline` with the engine the
    settings name (loaded once per worker process)."""
    from ..pipeline import Pipeline

    return PipelineProcessor(Pipeline.create(settings))
