"""Pure OpenCV functions over page images: grey conversion and ink (:mod:`.ink`), template
models (:mod:`.templates`), registration of a scan onto its form's template (:mod:`.register`),
writing zones, marks, blank pages and streaks.

The pipeline uses the modules directly. Code outside ``ocr_pipeline`` (the review UI) uses only
the entry points exported here.
"""

from __future__ import annotations

from .ink import to_gray
from .register import warp_color
from .templates import TemplateModel, template_model

__all__ = ["TemplateModel", "template_model", "to_gray", "warp_color"]
