"""The page images the corpus is made from, synthesised by ``ocr_pipeline.synth``, and their
encodings (JPEG, PNG, CCITT G4, JBIG2, JPEG 2000) as bytes.

Every page is made at 200 dpi from fixed seeds, once per ``Pages`` object.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable
from functools import cached_property
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, TiffImagePlugin

from form_schemas.registry import FormRegistry
from ocr_pipeline import synth
from ocr_pipeline.synth import Degrade

DPI = 200
FORM_ID = "water_service"
"""The form on every page that should be read."""

Array = NDArray[np.uint8]


def _grey(image: Array) -> Array:
    if image.ndim == 2:
        return image
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)


class Pages:
    """Lazily made pages: a filled form, an empty back side and a letter of no known form.

    Each property gives a fresh copy: Pillow keeps state from one save on the image object
    (a PNG save's encoder settings broke a later multi-page TIFF save of the same image).
    """

    def __init__(self, seed: int = 20261126) -> None:
        self.seed = seed

    @property
    def form(self) -> Image.Image:
        """A printed, mildly degraded ``FORM_ID`` page, upright, grey, at ``DPI``."""
        return self._form.copy()

    @property
    def blank(self) -> Image.Image:
        """An empty back side (paper noise and specks) at ``DPI``."""
        return self._blank.copy()

    @property
    def foreign(self) -> Image.Image:
        """A printed letter that is none of the known forms, scanned at ``DPI``."""
        return self._foreign.copy()

    @property
    def form_bilevel(self) -> Image.Image:
        """The form page thresholded to black and white, as a fax or a B/W scan stores it."""
        return self._form.point(lambda v: 255 if v > 160 else 0).convert("1")

    @cached_property
    def _form(self) -> Image.Image:
        form = FormRegistry.from_dirs().get(FORM_ID)
        options = synth.SynthOptions(style=synth.Style.PRINT, degrade=Degrade.MILD)
        rng = np.random.default_rng(self.seed)
        while True:  # a mild scan may be turned; the corpus turns pages itself
            scan, truth = synth.synth_page(form, rng, options)
            if truth["degrade"]["rotation_90s"] == 0:
                break
        scan = _grey(scan)
        dpi = int(truth["degrade"]["dpi"])
        if dpi != DPI:
            scan = np.asarray(
                cv2.resize(scan, None, fx=DPI / dpi, fy=DPI / dpi, interpolation=cv2.INTER_AREA),
                np.uint8,
            )
        return Image.fromarray(scan, "L")

    @cached_property
    def _blank(self) -> Image.Image:
        rng = np.random.default_rng(self.seed + 1)
        return Image.fromarray(_grey(synth.blank_page(rng, Degrade.MILD, dpi=DPI)), "L")

    @cached_property
    def _foreign(self) -> Image.Image:
        rng = np.random.default_rng(self.seed + 2)
        scan, _ = synth.degrade_page(synth.foreign_page(rng), rng, Degrade.MILD, dpi=DPI)
        page = Image.fromarray(_grey(scan), "L")
        return page if page.height > page.width else page.rotate(90, expand=True)


def png_declaring(width: int, height: int, *, pixel_bytes: int = 16) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height`` grey pixels.

    It carries only ``pixel_bytes`` zero bytes of pixel data, so decoding it would fail: a
    refusal that names the size proves the size was checked before decoding.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * pixel_bytes))
        + chunk(b"IEND", b"")
    )


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    """``image`` saved as ``fmt`` (a Pillow format name) in memory."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def g4_data(image: Image.Image) -> bytes:
    """The CCITT T.6 (Group 4) coding of a 1-bit image, white runs being the paper.

    Pillow (libtiff) writes 1-bit TIFFs as "min is black", coding pixel value 0 as white
    runs; the image is inverted first so that the coding's white is the paper, as in a fax.
    """
    inverted = ImageOps.invert(image.convert("L")).convert("1")
    tiff = encode(inverted, "TIFF", compression="group4", tiffinfo={278: image.height})
    strips = tiff_strips(tiff, 0)
    if len(strips) != 1:
        raise AssertionError("expected the whole page in one strip")
    offset, count = strips[0]
    return tiff[offset : offset + count]


def tiff_strips(tiff: bytes, frame: int) -> list[tuple[int, int]]:
    """(offset, byte count) of every strip of the image data of ``frame`` in a TIFF file."""
    with TiffImagePlugin.TiffImageFile(io.BytesIO(tiff)) as parsed:
        parsed.seek(frame)
        return list(zip(parsed.tag_v2[273], parsed.tag_v2[279], strict=True))


def damage_frames(tiff: bytes, frames: Iterable[int]) -> bytes:
    """``tiff`` with the image data of ``frames`` (0-based) overwritten with 0xFF bytes: its
    directories intact, so every frame is still found, but a compressed frame no longer
    decodes."""
    raw = bytearray(tiff)
    for frame in frames:
        for offset, count in tiff_strips(tiff, frame):
            raw[offset : offset + count] = bytes([0xFF]) * count
    return bytes(raw)


def _jbig2_segment(number: int, kind: int, data: bytes) -> bytes:
    # Segment header (T.88 7.2): number, flags (type; 1-byte page association), no referred-to
    # segments, page 1, data length.
    return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data


def jbig2_data(image: Image.Image) -> bytes:
    """A 1-bit image as a JBIG2 embedded stream (as PDF's JBIG2Decode takes it): a page
    information segment and one immediate generic region coded with MMR, which is T.6."""
    width, height = image.size
    page_info = struct.pack(">IIIIBH", width, height, 0, 0, 0, 0)
    region_info = struct.pack(">IIIIB", width, height, 0, 0, 0)
    generic_flags = bytes([1])  # MMR coding
    return _jbig2_segment(0, 48, page_info) + _jbig2_segment(
        1, 38, region_info + generic_flags + g4_data(image)
    )
