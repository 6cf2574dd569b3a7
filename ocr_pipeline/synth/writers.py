"""Writing scans to disk (PNG, JPEG, PDF, multi-page TIFF) with their truth JSON.

Output is byte-for-byte reproducible: no timestamps go into the files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image as PILImage

from ..errors import BadArgumentsError, OutputUnwritableError
from .canvas import Image
from .options import OutFormat

TruthPage = dict[str, Any]
EXTENSIONS = {
    OutFormat.PNG: "png",
    OutFormat.JPG: "jpg",
    OutFormat.PDF: "pdf",
    OutFormat.TIFF: "tiff",
}


def truth_path(scan_path: Path) -> Path:
    """``x/name.png`` → ``x/name.truth.json``."""
    return scan_path.with_suffix(".truth.json")


def blank_truth(degrade: dict[str, object] | None = None) -> TruthPage:
    """Truth of an empty back side."""
    return {"form": None, "status": "blank", "fields": {}, "degrade": degrade or {}}


def foreign_truth(degrade: dict[str, object] | None = None) -> TruthPage:
    """Truth of a page that belongs to no known form."""
    return {"form": None, "status": "unclassified", "fields": {}, "degrade": degrade or {}}


def to_pil(image: Image) -> PILImage.Image:
    """BGR (or 2-D grey) array → PIL image in RGB (or L)."""
    if image.ndim == 2:
        return PILImage.fromarray(image, "L")
    return PILImage.fromarray(np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)), "RGB")


def _save(images: list[PILImage.Image], path: Path, fmt: OutFormat, dpi: int, quality: int) -> None:
    first, rest = images[0], images[1:]
    if fmt is OutFormat.PNG:
        first.save(path, "PNG", dpi=(dpi, dpi), compress_level=1)
    elif fmt is OutFormat.JPG:
        first.save(path, "JPEG", dpi=(dpi, dpi), quality=quality)
    elif fmt is OutFormat.PDF:
        first.save(
            path,
            "PDF",
            save_all=True,
            append_images=rest,
            resolution=float(dpi),
            quality=quality,
            title=path.stem,
            creationDate=None,
            modDate=None,
        )
    else:
        first.save(
            path, "TIFF", save_all=True, append_images=rest, dpi=(dpi, dpi), compression="tiff_lzw"
        )


def write_document(
    pages: list[tuple[Image, TruthPage]],
    path: Path,
    fmt: OutFormat,
    dpi: int,
    *,
    jpeg_quality: int = 90,
) -> Path:
    """Write ``pages`` as one scan at ``path`` and ``{"pages": [...]}`` beside it as
    ``<stem>.truth.json``; returns ``path``. PNG and JPEG hold exactly one page;
    ``jpeg_quality`` applies to JPEG files and to the JPEG-coded images inside PDFs."""
    if not pages:
        raise BadArgumentsError("a document needs at least one page", "Pass one or more pages.")
    if not fmt.multipage and len(pages) > 1:
        raise BadArgumentsError(
            f"{fmt.value} holds one page, got {len(pages)}", "Use pdf or tiff for several pages."
        )
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _save([to_pil(img) for img, _ in pages], path, fmt, dpi, jpeg_quality)
        text = json.dumps({"pages": [t for _, t in pages]}, ensure_ascii=False, indent=2)
        truth_path(path).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise OutputUnwritableError(
            f"cannot write {path}: {exc}", "Check that the output folder exists and is writable."
        ) from exc
    return path
