"""Fixtures for ingest tests: scan files synthesised in temporary folders, never committed.

The fixtures return small factories so that each test states the file it needs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.badinput.pages import damage_frames, png_declaring
from tests.badinput.pdfbytes import assemble

# Standard security handler padding string (PDF 1.7, 7.6.3.3, algorithm 2).
_PDF_PASSWORD_PAD = bytes.fromhex(
    "28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A"
)
_PDF_ID = b"formocr-test-id!"
_PDF_OWNER_HASH = b"\x11" * 32
_PDF_PERMISSIONS = -3904  # printing and copying not allowed: an "owner password only" PDF


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _encrypt_dict(user_password_needed: bool) -> bytes:
    """An RC4 40-bit /Encrypt dictionary (revision 2).

    With ``user_password_needed`` the /U entry matches no password, so nothing can open the
    file without one; otherwise /U is computed for the empty user password, as in a PDF that
    only carries permission restrictions.
    """
    if user_password_needed:
        user_hash = b"\x22" * 32
    else:
        permissions = (_PDF_PERMISSIONS & 0xFFFFFFFF).to_bytes(4, "little")
        key = hashlib.md5(_PDF_PASSWORD_PAD + _PDF_OWNER_HASH + permissions + _PDF_ID).digest()[:5]
        user_hash = _rc4(key, _PDF_PASSWORD_PAD)
    return b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
        _PDF_OWNER_HASH.hex().encode(),
        user_hash.hex().encode(),
        _PDF_PERMISSIONS,
    )


def build_pdf(
    media_boxes: list[tuple[float, float]],
    encrypt: str | None = None,
    rotate: int = 0,
) -> bytes:
    """A hand-written PDF with one blank page per (width, height) in points.

    ``encrypt`` is None, ``"user"`` (a password is needed to open it) or ``"owner"``
    (encrypted, but opens with the empty password). Pages have no content stream, so an
    encrypted file needs no encrypted strings.
    """
    page_numbers = range(3, 3 + len(media_boxes))
    kids = b" ".join(b"%d 0 R" % n for n in page_numbers)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(media_boxes)),
    ]
    for width, height in media_boxes:
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Rotate %d >>"
            % (width, height, rotate)
        )
    trailer = b""
    if encrypt is not None:
        objects.append(_encrypt_dict(user_password_needed=encrypt == "user"))
        ident = _PDF_ID.hex().encode()
        trailer = b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (len(objects), ident, ident)
    return assemble(objects, trailer_extra=trailer)


@pytest.fixture
def write_bytes(tmp_path: Path) -> Callable[[str, bytes], Path]:
    """Write ``data`` to ``tmp_path / name`` and return the path."""

    def write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def save_image(tmp_path: Path) -> Callable[..., Path]:
    """Save a Pillow image (or several, as pages) to ``tmp_path / name`` and return the path."""

    def save(name: str, image: Image.Image, *more: Image.Image, **options: Any) -> Path:
        path = tmp_path / name
        if more:
            image.save(path, save_all=True, append_images=list(more), **options)
        else:
            image.save(path, **options)
        return path

    return save


@pytest.fixture
def make_pdf(write_bytes: Callable[[str, bytes], Path]) -> Callable[..., Path]:
    """Write a hand-made PDF (see ``build_pdf``) and return its path."""

    def make(
        name: str,
        media_boxes: list[tuple[float, float]],
        encrypt: str | None = None,
        rotate: int = 0,
    ) -> Path:
        return write_bytes(name, build_pdf(media_boxes, encrypt=encrypt, rotate=rotate))

    return make


@pytest.fixture
def make_declared_png(write_bytes: Callable[[str, bytes], Path]) -> Callable[[int, int], Path]:
    """Write a PNG that declares a size but carries almost no data (see ``png_declaring``)."""

    def make(width: int, height: int) -> Path:
        return write_bytes(f"declared_{width}x{height}.png", png_declaring(width, height))

    return make


@pytest.fixture
def damaged_tiff(
    save_image: Callable[..., Path], write_bytes: Callable[[str, bytes], Path]
) -> Callable[..., Path]:
    """``damaged_tiff(name, shades, damaged)``: a multi-page LZW TIFF with one grey page per
    shade, whose ``damaged`` frames (0-based) have their image data overwritten: the file's
    directories are intact, so every frame is found, but those frames no longer decode."""

    def make(name: str, shades: list[int], damaged: list[int]) -> Path:
        frames = [Image.new("L", (400, 300), shade) for shade in shades]
        whole = save_image(f"whole-{name}", *frames, compression="tiff_lzw").read_bytes()
        return write_bytes(name, damage_frames(whole, damaged))

    return make
