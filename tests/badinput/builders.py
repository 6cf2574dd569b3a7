"""Builders of the corpus files: each takes a ``Target`` and writes ``target.path``.

Grouped as the README groups the cases: the path and the file system, names and formats,
PDF, raster images, and pages that are well-formed but not a readable form.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable

import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter

from .case import Builder, Target
from .pages import DPI, damage_frames, encode, g4_data, jbig2_data, png_declaring
from .pdfbytes import PdfImage, PdfPage, assemble, blank_a4, image_page, pdf_file

# Helpers ------------------------------------------------------------------------------


def _jpeg_image(page: Image.Image) -> PdfImage:
    return PdfImage(page.width, page.height, encode(page, "JPEG", quality=85), "DCTDecode")


def form_pdf(target: Target) -> bytes:
    """A one-page PDF of the form (a JPEG image, as multi-function printers write), marked
    with its file name so that no two cases' files are the same bytes."""
    page = image_page(_jpeg_image(target.pages.form), DPI)
    return pdf_file([page], comment=f"corpus file {target.path.name}")


def _encrypt(pdf: bytes, user_password: str, owner_password: str) -> bytes:
    """``pdf`` encrypted with AES-256, as current scanners and Acrobat write it."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password, owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def data(make: Callable[[Target], bytes]) -> Builder:
    """A builder writing the bytes ``make`` returns."""

    def build(target: Target) -> None:
        target.path.write_bytes(make(target))

    return build


def truncated(make: Callable[[Target], bytes], keep: float) -> Builder:
    """A builder writing the first ``keep`` fraction of what ``make`` returns."""

    def build(target: Target) -> None:
        whole = make(target)
        target.path.write_bytes(whole[: int(len(whole) * keep)])

    return build


def image(make: Callable[[Target], Image.Image], fmt: str, **options: object) -> Builder:
    """A builder saving the image ``make`` returns as ``fmt`` (Pillow options as given)."""

    def build(target: Target) -> None:
        make(target).save(target.path, fmt, **options)

    return build


def form_page(target: Target) -> Image.Image:
    return target.pages.form


def form_png(target: Target) -> None:
    """The form as a PNG, tagged with its own file name: every case's file has different
    bytes, so the watcher never takes one case for a duplicate of another."""
    info = PngInfo()
    info.add_text("Source", os.fsencode(target.path.name).decode("utf-8", "replace"))
    target.pages.form.save(target.path, "PNG", dpi=(DPI, DPI), pnginfo=info)


# The path and the file system ------------------------------------------------------


def symlink_to_scan(target: Target) -> None:
    """A link in the folder to a scan kept elsewhere (a clerk's shortcut)."""
    scan = target.aside / "linked-scan.png"
    form_png(Target(scan, target.aside, target.pages))
    target.path.symlink_to(scan)


def dangling_symlink(target: Target) -> None:
    """A link whose target was moved away."""
    target.path.symlink_to(target.aside / "moved-away.pdf")


def read_only(target: Target) -> None:
    """A scan whose permission bits allow reading only (copied from a read-only share)."""
    form_png(target)
    target.path.chmod(0o444)


# Names and formats ------------------------------------------------------------------

SCANNER_NOTE = "スキャンに失敗しました。用紙を確認してください。\r\n".encode("cp932")
HTML_ERROR = (
    b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n"
    b"<body><h1>Service Unavailable</h1><p>The document server is busy.</p></body></html>\n"
)
HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200)


def docx(_target: Target) -> bytes:
    """A minimal Word document: a ZIP archive with the parts Word expects."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return out.getvalue()


# PDF --------------------------------------------------------------------------------


def pillow_pdf(target: Target) -> bytes:
    """The form as Pillow writes a PDF (the image first, the page object at the end)."""
    return encode(target.pages.form, "PDF", resolution=float(DPI))


def encrypted(target: Target) -> bytes:
    return _encrypt(form_pdf(target), "1234", "admin-5678")


def owner_password_only(target: Target) -> bytes:
    return _encrypt(form_pdf(target), "", "admin-5678")


def no_pages(_target: Target) -> bytes:
    return assemble([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


LONG_PDF_PAGES = 300
LONG_PDF_FORMS = (0, 149, 299)
"""Pages (0-based) of the long PDF that hold the form; the others are empty back sides."""


def long_pdf(target: Target) -> bytes:
    form = image_page(_jpeg_image(target.pages.form), DPI)
    return pdf_file([form if i in LONG_PDF_FORMS else blank_a4() for i in range(LONG_PDF_PAGES)])


OVER_LIMIT_PAGES = 1001
"""One page over the default ``max_pages`` (1000)."""


def over_page_limit(_target: Target) -> bytes:
    return pdf_file([blank_a4()] * OVER_LIMIT_PAGES)


def page_bomb(_target: Target) -> bytes:
    """A page 200 x 200 inches (the largest PDF allows): 1.6 gigapixels at 200 dpi."""
    return pdf_file([PdfPage(14400.0, 14400.0)])


def page_bomb_in_batch(target: Target) -> bytes:
    """Three pages: the form, a page 200 x 200 inches, the form again."""
    form = image_page(_jpeg_image(target.pages.form), DPI)
    return pdf_file([form, PdfPage(14400.0, 14400.0), form])


DAMAGED_IMAGE_BYTES = 4096


def undrawable_page_in_batch(target: Target) -> bytes:
    """Three pages of the form, the second's JPEG with its first 4 KiB zeroed (a block lost in
    a bad copy): poppler finds no JPEG in it, says so, exits 0 and draws the page white."""
    form = _jpeg_image(target.pages.form)
    lost = bytes(DAMAGED_IMAGE_BYTES) + form.data[DAMAGED_IMAGE_BYTES:]
    damaged = PdfImage(form.width, form.height, lost, form.filter)
    return pdf_file([image_page(form, DPI), image_page(damaged, DPI), image_page(form, DPI)])


def ccitt_pdf(target: Target) -> bytes:
    bits = target.pages.form_bilevel
    parms = f"<< /K -1 /Columns {bits.width} /Rows {bits.height} >>"
    img = PdfImage(bits.width, bits.height, g4_data(bits), "CCITTFaxDecode", bits=1, parms=parms)
    return pdf_file([image_page(img, DPI)])


def jbig2_pdf(target: Target) -> bytes:
    bits = target.pages.form_bilevel
    img = PdfImage(bits.width, bits.height, jbig2_data(bits), "JBIG2Decode", bits=1)
    return pdf_file([image_page(img, DPI)])


def jpx_pdf(target: Target) -> bytes:
    page = target.pages.form
    coded = encode(page, "JPEG2000", quality_mode="rates", quality_layers=[20])
    return pdf_file([image_page(PdfImage(page.width, page.height, coded, "JPXDecode"), DPI)])


def damaged_xref(target: Target) -> bytes:
    """Every cross-reference offset 7 bytes off: poppler rebuilds the table by scanning."""
    return pdf_file([image_page(_jpeg_image(target.pages.form), DPI)], xref_shift=7)


# Raster images ------------------------------------------------------------------------


def form_jpeg(target: Target) -> bytes:
    return encode(target.pages.form, "JPEG", quality=85, dpi=(DPI, DPI))


def form_png_bytes(target: Target) -> bytes:
    return encode(target.pages.form, "PNG", dpi=(DPI, DPI))


def png_bomb(target: Target) -> None:
    """A real 12,500 x 12,500 image (156 megapixels) that compresses to a few kilobytes."""
    Image.new("1", (12_500, 12_500), 1).save(target.path, "PNG")


def huge_header(_target: Target) -> bytes:
    return png_declaring(100_000, 100_000, pixel_bytes=64)


def one_pixel(_target: Target) -> bytes:
    return encode(Image.new("L", (1, 1), 255), "PNG")


def tiff_16bit(target: Target) -> None:
    wide = np.asarray(target.pages.form, np.uint16) * 257
    Image.fromarray(wide).save(target.path, "TIFF", dpi=(DPI, DPI))  # mode I;16


def tiff_cmyk(target: Target) -> None:
    cmyk = target.pages.form.convert("RGB").convert("CMYK")
    cmyk.save(target.path, "TIFF", dpi=(DPI, DPI), compression="tiff_lzw")


def tiff_g4(target: Target) -> None:
    target.pages.form_bilevel.save(target.path, "TIFF", dpi=(DPI, DPI), compression="group4")


def tiff_fax_standard(target: Target) -> None:
    """Fax "standard" resolution: 204 x 98 dpi, CCITT Group 3, as a fax server stores it."""
    bits = target.pages.form_bilevel
    size = (round(bits.width * 204 / DPI), round(bits.height * 98 / DPI))
    fax = bits.convert("L").resize(size, Image.Resampling.BOX).point(lambda v: 255 * (v > 127))
    fax.convert("1").save(target.path, "TIFF", dpi=(204, 98), compression="group3")


def tiff_no_pages(_target: Target) -> bytes:
    """A TIFF header whose first directory is at offset 0: there is no page at all."""
    return b"II*\x00" + struct.pack("<I", 0)


def tiff_corrupt_page(target: Target) -> None:
    """Three pages (form, form, empty back); the second page's image data is overwritten."""
    first, second, blank = target.pages.form, target.pages.form, target.pages.blank
    buffer = io.BytesIO()
    first.save(
        buffer, "TIFF", save_all=True, append_images=[second, blank],
        dpi=(DPI, DPI), compression="tiff_lzw",
    )  # fmt: skip
    target.path.write_bytes(damage_frames(buffer.getvalue(), [1]))


def exif_rotated(target: Target) -> None:
    """A JPEG stored upside down with EXIF orientation 3 (a phone or a document camera)."""
    exif = Image.Exif()
    exif[0x0112] = 3
    target.pages.form.rotate(180).save(
        target.path, "JPEG", quality=85, dpi=(DPI, DPI), exif=exif.tobytes()
    )
