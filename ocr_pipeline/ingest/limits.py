"""Size limits a page must meet before it is decoded or rendered.

Both limits are checked on the size a file *declares* (image header, PDF page box x dpi), so a
decompression bomb is refused before any memory is spent on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ocr_pipeline.errors import BadArgumentsError, InputUnreadableError, RefusalCode

DEFAULT_MAX_PIXELS = 12_000 * 12_000
"""144 megapixels: A3 at 600 dpi is 70 Mpx, so only broken or hostile files reach this."""

MAX_UPLOAD_MB = 50
"""Largest file the review UI's upload screen takes, in MB (``formocr ui`` sets Streamlit's
``server.maxUploadSize`` to it). The watched folder has no such limit: its files are
checked page by page against :class:`PageLimits`."""

DEFAULT_MIN_SIDE = 200
"""Pixels on the shorter side; one inch at 200 dpi. Anything smaller is an icon, not a scan."""


@dataclass(frozen=True)
class PageLimits:
    """The pixel limits applied to every page of a file."""

    max_pixels: int = DEFAULT_MAX_PIXELS
    min_side: int = DEFAULT_MIN_SIDE

    def __post_init__(self) -> None:
        if self.max_pixels < 1:
            raise BadArgumentsError(
                f"max_pixels must be a positive number of pixels, got {self.max_pixels}",
                "Pass a limit such as 12000 * 12000.",
            )
        if self.min_side < 1:
            raise BadArgumentsError(
                f"min_side must be at least 1 pixel, got {self.min_side}",
                "Pass a minimum such as 200.",
            )


def page_label(index: int, count: int) -> str:
    """``"page 3 of 5: "`` for multi-page files (1-based, as a viewer shows it), else ``""``."""
    return f"page {index + 1} of {count}: " if count > 1 else ""


def check_page_size(path: Path, label: str, width: int, height: int, limits: PageLimits) -> None:
    """Raise ``InputUnreadableError`` if a ``width`` x ``height`` page breaks ``limits``.

    ``label`` prefixes the message (see ``page_label``).
    """
    pixels = width * height
    if pixels > limits.max_pixels:
        raise InputUnreadableError(
            path,
            f"{label}the page declares {width} x {height} pixels "
            f"({_megapixels(pixels)} megapixels), over the limit of "
            f"{_megapixels(limits.max_pixels)} megapixels; refused before decoding "
            "(possible decompression bomb)",
            "Scan the form again at 200 or 300 dpi. If such a large page is genuine, "
            "raise max_pixels.",
            code=RefusalCode.TOO_LARGE,
        )
    if min(width, height) < limits.min_side:
        raise InputUnreadableError(
            path,
            f"{label}the page is only {width} x {height} pixels, too small to be a scanned "
            f"form (minimum {limits.min_side} pixels on each side)",
            "Scan the paper form at 200 or 300 dpi; a thumbnail or icon cannot be read.",
            code=RefusalCode.TOO_SMALL,
        )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1e6:.1f}".removesuffix(".0")


def declared_pixels_refused(path: Path, label: str, pillow_message: str) -> InputUnreadableError:
    """The error for an image that Pillow itself refused as a decompression bomb.

    Pillow refuses at open, before our own check can run, when a header declares more than
    twice ``PIL.Image.MAX_IMAGE_PIXELS`` (about 179 megapixels by default).
    """
    return InputUnreadableError(
        path,
        f"{label}the image declares more pixels than allowed; refused before decoding "
        f"(possible decompression bomb): {pillow_message}",
        "Scan the form again at 200 or 300 dpi; the file's header claims an image far larger "
        "than any paper form.",
        code=RefusalCode.TOO_LARGE,
    )
