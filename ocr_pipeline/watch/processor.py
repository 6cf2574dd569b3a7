"""The seam between the watcher's workers and the recognition pipeline.

A worker asks a :class:`FileProcessor` for every page of a file and the PNG image of each page
to keep; the built-in one (:func:`pipeline_processor`) runs :mod:`ocr_pipeline.pipeline`. A test
or a third party passes another factory (a picklable module-level function taking the settings)
to :class:`~ocr_pipeline.watch.Watcher`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ..results import PageResult, PageStatus
from ..settings import Settings

if TYPE_CHECKING:
    from ..pipeline import Pipeline

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
        read raises :class:`~ocr_pipeline.errors.InputUnreadableError`; so does a file none of
        whose pages can be read, while one unreadable page of several is a page with status
        ``error`` (and no image). An unknown ``form_id`` raises
        :class:`~ocr_pipeline.errors.BadArgumentsError`."""
        ...


@runtime_checkable
class ReaderSwitch(Protocol):
    """A processor that can read each municipality with its own second reader model (the
    built-in one can): the worker calls :meth:`use_reader` before every file."""

    def use_reader(self, tenant: str, model_id: str | None) -> None:
        """Read the next file with ``tenant``'s model ``model_id`` (None: the packaged one)."""
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

    def use_reader(self, tenant: str, model_id: str | None) -> None:
        self.pipe.use_reader(tenant, model_id)

    def process(self, path: Path, form_id: str | None, check: Check) -> ProcessedFile:
        from ..pipeline import process_pages

        pages = process_pages(self.pipe, path, form_id)
        out = ProcessedFile(pages=[])
        while True:
            check()
            # A file that cannot be read as a whole (or none of whose pages can be) raises
            # InputUnreadableError here; one damaged page comes out as an error page.
            item = next(pages, None)
            if item is None:
                return out
            result, page = item
            out.pages.append(result)
            if page is not None and result.status is not PageStatus.BLANK:
                out.images[result.page] = encode_png(page.image)


def pipeline_processor(settings: Settings) -> FileProcessor:
    """The built-in processor: a :class:`~ocr_pipeline.pipeline.Pipeline` with the engine the
    settings name (loaded once per worker process)."""
    from ..pipeline import Pipeline

    return PipelineProcessor(Pipeline.create(settings))
