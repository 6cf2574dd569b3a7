"""Format detection by content (magic bytes), never by file name.

A file whose content is a supported format is read as that format even if its name says
otherwise (a warning is logged). A file whose content is not supported is refused with a
message that shows its first bytes and, where they are recognisable, what the file really is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from ocr_pipeline.errors import InputUnreadableError, RefusalCode
from ocr_pipeline.ingest.filecheck import HEAD_BYTES

logger = logging.getLogger(__name__)


class ScanFormat(StrEnum):
    """The formats ingest reads. Values are Pillow's format names (PDF is read by poppler)."""

    PDF = "PDF"
    TIFF = "TIFF"
    JPEG = "JPEG"
    PNG = "PNG"


SUFFIX_FORMATS: dict[str, ScanFormat] = {
    ".pdf": ScanFormat.PDF,
    ".tif": ScanFormat.TIFF,
    ".tiff": ScanFormat.TIFF,
    ".jpg": ScanFormat.JPEG,
    ".jpeg": ScanFormat.JPEG,
    ".png": ScanFormat.PNG,
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(SUFFIX_FORMATS)
"""Lower-case suffixes of the supported formats; compare with ``path.suffix.lower()``."""

SUPPORTED_TEXT = "PDF, TIFF, JPEG and PNG"

_MAGIC: tuple[tuple[bytes, ScanFormat], ...] = (
    (b"\x89PNG\r\n\x1a\n", ScanFormat.PNG),
    (b"\xff\xd8\xff", ScanFormat.JPEG),
    (b"II*\x00", ScanFormat.TIFF),
    (b"MM\x00*", ScanFormat.TIFF),
    (b"II+\x00", ScanFormat.TIFF),  # BigTIFF
    (b"MM\x00+", ScanFormat.TIFF),
)

_PDF_HEADER = re.compile(rb"(?:^|[\r\n])%PDF-")

# Recognisable formats we do not read, so that the refusal can say what the file is.
_KNOWN_OTHERS: tuple[tuple[Callable[[bytes], bool], str], ...] = (
    (lambda h: h.startswith((b"GIF87a", b"GIF89a")), "a GIF image"),
    (lambda h: h.startswith(b"BM") and len(h) >= 14, "a BMP image"),
    (
        lambda h: h[4:8] == b"ftyp" and h[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"hevc"},
        "a HEIC/HEIF image (the default format of iPhone photos)",
    ),
    (lambda h: h[4:8] == b"ftyp" and h[8:12] in {b"avif", b"avis"}, "an AVIF image"),
    (lambda h: h.startswith(b"RIFF") and h[8:12] == b"WEBP", "a WebP image"),
    (
        lambda h: h.startswith((b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51")),
        "a JPEG 2000 image",
    ),
    (lambda h: h.startswith((b"\xff\x0a", b"\x00\x00\x00\x0cJXL ")), "a JPEG XL image"),
    (lambda h: h.startswith(b"AT&TFORM"), "a DjVu document"),
    (lambda h: h.startswith(b"%!PS"), "a PostScript file"),
    (lambda h: h.startswith(b"PK\x03\x04"), "a ZIP archive (or a .docx/.xlsx document)"),
    (lambda h: h.startswith(b"\xd0\xcf\x11\xe0"), "an old Microsoft Office document"),
    (lambda h: h.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")), "an HTML page"),
)


def detect_format(head: bytes) -> ScanFormat | None:
    """The supported format whose signature ``head`` carries, or ``None``."""
    for magic, fmt in _MAGIC:
        if head.startswith(magic):
            return fmt
    # Readers (poppler too) accept junk before the header within the first 1 KiB; requiring
    # it to start a line keeps text that merely mentions "%PDF-" from passing as a PDF.
    if _PDF_HEADER.search(head[:HEAD_BYTES]):
        return ScanFormat.PDF
    return None


def describe_other(head: bytes) -> str | None:
    """What an unsupported file is (``"a GIF image"``), if its first bytes say so."""
    for matches, description in _KNOWN_OTHERS:
        if matches(head):
            return description
    return None


def sniff(path: Path, head: bytes) -> ScanFormat:
    """Return the format of ``path`` from its first bytes ``head``, or raise.

    A supported format under a different or unknown suffix is accepted with a warning. Anything
    else raises ``InputUnreadableError`` naming what the file starts with.
    """
    named = SUFFIX_FORMATS.get(path.suffix.lower())
    fmt = detect_format(head)
    if fmt is not None:
        if fmt is not named:
            logger.warning(
                "%s: the name suggests %s but the content is %s; reading it as %s",
                path,
                named.value if named else f"'{path.suffix}'",
                fmt.value,
                fmt.value,
            )
        return fmt
    raise _refusal(path, head, named)


def _refusal(path: Path, head: bytes, named: ScanFormat | None) -> InputUnreadableError:
    shown = repr(head[:16]) + ("..." if len(head) > 16 else "")
    other = describe_other(head)
    what = f"starts with {shown}" + (f", which is {other}" if other else "")
    if named is not None:
        return InputUnreadableError(
            path,
            f"not a {named.value}: {what}; the file may be mis-named or not a scan",
            f"Open the file to see what it is. Supported formats are {SUPPORTED_TEXT}; "
            "save or export the scan again in one of them.",
            code=RefusalCode.FORMAT_MISMATCH,
        )
    return InputUnreadableError(
        path,
        f"unsupported format: {what}; supported formats are {SUPPORTED_TEXT}",
        "Convert the file to PDF or TIFF, or set the scanner to save PDF or TIFF "
        "(JPEG and PNG are also accepted).",
        code=RefusalCode.UNSUPPORTED_FORMAT,
    )
