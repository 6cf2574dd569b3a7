"""What the pipeline keeps of each form's blank template, computed once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from form_schemas.registry import FormDefinition

from . import features
from .ink import Gray, Mask, flatten, ink_mask, to_gray

LINE_MARGIN = 3
"""Template ink is widened by this many pixels before it is subtracted from a page, to absorb
residual misregistration and the blur of scanned lines."""


@dataclass(frozen=True)
class TemplateModel:
    """A form's blank template as grey pixels, its printed ink and its features."""

    form: FormDefinition
    gray: Gray
    ink: Mask
    printed: Mask  # ink widened by LINE_MARGIN: what to remove from a registered page
    features: features.Features

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in template pixels."""
        return self.form.width, self.form.height

    @property
    def dpi(self) -> int:
        return self.form.spec.template.dpi


def _read_gray(path: Path) -> Gray:
    data = np.fromfile(str(path), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ValueError(f"cannot decode template image {path}")
    if image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return to_gray(np.asarray(image, dtype=np.uint8))


@lru_cache(maxsize=64)
def _build(form: FormDefinition, mtime_ns: int) -> TemplateModel:
    gray = _read_gray(form.template_path)
    ink = ink_mask(flatten(gray))
    k = 2 * LINE_MARGIN + 1
    printed = cv2.dilate(ink.astype(np.uint8), np.ones((k, k), np.uint8)).astype(bool)
    return TemplateModel(form, gray, ink, printed, features.extract(gray))


def template_model(form: FormDefinition) -> TemplateModel:
    """The (cached) template model of ``form``; rebuilt when the image file changes."""
    return _build(form, form.template_path.stat().st_mtime_ns)
