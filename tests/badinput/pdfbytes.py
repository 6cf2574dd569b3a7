"""PDF files written byte by byte, so that the corpus controls every object and offset.

Real scanners write PDFs that no Python library writes: a page image coded as CCITT G4,
JBIG2 or JPEG 2000, pages before their images, a cross-reference table whose offsets are
wrong. ``pdf_file`` lays out any list of pages as a classic (PDF 1.4 style) file:
catalog, page tree, then per page its dictionary, its content stream and its image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class PdfImage:
    """An image XObject: its stream data as stored, and the dictionary entries describing it."""

    width: int
    height: int
    data: bytes
    filter: str  # "DCTDecode", "CCITTFaxDecode", "JBIG2Decode", "JPXDecode", "FlateDecode"
    colour_space: str = "DeviceGray"
    bits: int = 8
    parms: str = ""  # the /DecodeParms dictionary, e.g. "<< /K -1 /Columns 1654 >>"


@dataclass(frozen=True)
class PdfPage:
    """A page of ``width`` x ``height`` points, empty or covered by one image."""

    width: float
    height: float
    image: PdfImage | None = None
    extra: dict[str, str] = field(default_factory=dict)  # more page dictionary entries


def image_page(image: PdfImage, dpi: float) -> PdfPage:
    """A page exactly the size of ``image`` scanned at ``dpi``."""
    scale = POINTS_PER_INCH / dpi
    return PdfPage(image.width * scale, image.height * scale, image)


def blank_a4() -> PdfPage:
    """An A4 page with no content at all: an empty back side as a PDF holds it."""
    return PdfPage(595.28, 841.89)


def _image_object(image: PdfImage) -> bytes:
    entries = [
        "/Type /XObject /Subtype /Image",
        f"/Width {image.width} /Height {image.height}",
        f"/ColorSpace /{image.colour_space} /BitsPerComponent {image.bits}",
        f"/Filter /{image.filter} /Length {len(image.data)}",
    ]
    if image.parms:
        entries.append(f"/DecodeParms {image.parms}")
    head = ("<< " + " ".join(entries) + " >>").encode("ascii")
    return head + b"\nstream\n" + image.data + b"\nendstream"


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def pdf_objects(pages: list[PdfPage]) -> list[bytes]:
    """The bodies of every object, numbered from 1: catalog, page tree, then the pages."""
    per_page = [3 if page.image else 1 for page in pages]
    first = [3 + sum(per_page[:i]) for i in range(len(pages))]
    kids = " ".join(f"{n} 0 R" for n in first)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode("ascii"),
    ]
    for page, number in zip(pages, first, strict=True):
        entries = [
            "/Type /Page /Parent 2 0 R",
            f"/MediaBox [0 0 {page.width:.2f} {page.height:.2f}]",
            *(f"/{key} {value}" for key, value in page.extra.items()),
        ]
        if page.image is None:
            objects.append(("<< " + " ".join(entries) + " >>").encode("ascii"))
            continue
        entries.append(f"/Contents {number + 1} 0 R")
        entries.append(f"/Resources << /XObject << /Im0 {number + 2} 0 R >> >>")
        objects.append(("<< " + " ".join(entries) + " >>").encode("ascii"))
        draw = f"q {page.width:.2f} 0 0 {page.height:.2f} 0 0 cm /Im0 Do Q".encode("ascii")
        objects.append(_stream(draw))
        objects.append(_image_object(page.image))
    return objects


def assemble(
    objects: list[bytes], *, xref_shift: int = 0, comment: str = "", trailer_extra: bytes = b""
) -> bytes:
    """A PDF file of ``objects`` (object 1 is the catalog) with its cross-reference table.

    ``xref_shift`` moves every recorded offset by that many bytes: a file whose table points
    into the middle of its objects, which readers have to repair by scanning the file.
    ``comment`` goes into a comment line after the header (to make files differ).
    ``trailer_extra`` is written into the trailer dictionary (``/Encrypt``, ``/ID``).
    """
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if comment:
        out += b"%" + " ".join(comment.splitlines()).encode("utf-8", "replace") + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset + xref_shift)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_file(pages: list[PdfPage], *, xref_shift: int = 0, comment: str = "") -> bytes:
    """A complete PDF file holding ``pages`` (see ``assemble`` for the options)."""
    return assemble(pdf_objects(pages), xref_shift=xref_shift, comment=comment)


_OBJECT = re.compile(rb"(\d+) 0 obj\n")


def object_offsets(pdf: bytes) -> dict[int, int]:
    """Where each ``N 0 obj`` starts in a file written by ``assemble``."""
    return {int(m.group(1)): m.start() for m in _OBJECT.finditer(pdf)}
