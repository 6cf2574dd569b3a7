"""The bad-input corpus: every kind of file that a scanner, a clerk or a shared folder hands
formocr which is not a clean scan, each built by code, with the outcome expected of it.

``build_all(folder)`` writes one file (or link) per case into ``folder`` and returns the
cases. Nothing is committed as a binary: the pages come from ``ocr_pipeline.synth``, the
files from Pillow, pypdf and ``pdfbytes``. The README's "Bad input" table has one row per
case, in this order (``test_badinput_docs.py`` checks it).

A case is *read* (its pages come out with the statuses it lists), *refused* (the whole file:
exit code 3, one error line with a reason containing ``message`` and what to do) or, for the
simulated full disk, *unwritable* (exit code 7). A case with a ``fault`` needs the test to do
something around the run: see ``Fault``.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import builders as b
from .case import Case, Fault, Outcome, Target
from .pages import FORM_ID, Pages

__all__ = ["CASES", "Case", "Fault", "Outcome", "Target", "build_all"]

READ, REFUSED = Outcome.READ, Outcome.REFUSED
OK = ("ok",)
TRUNCATED_PDF = "there is no %%EOF marker at its end, so the file looks truncated"

CASES: tuple[Case, ...] = (
    # The path and the file system
    Case(
        "empty_file", "0-byte file",
        "An empty file, as a scanner leaves when its upload to the share fails.",
        "empty_file.pdf", b.data(lambda _t: b""), REFUSED,
        "the file is empty (0 bytes)",
    ),
    Case(
        "symlink_to_scan", "symbolic link to a scan",
        "A link in the folder to a scan stored elsewhere: formocr process follows links to "
        "regular files; the watcher never follows links.",
        "symlink_to_scan.png", b.symlink_to_scan, READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "dangling_symlink", "symbolic link to nothing",
        "A link whose target was moved or deleted.",
        "dangling_symlink.pdf", b.dangling_symlink, REFUSED,
        "which does not exist or cannot be resolved (dangling link)",
    ),
    Case(
        "path_traversal_name", "path-traversal file name",
        r"A scan named ..\..\..\Windows\scan.png (backslashes are ordinary characters on "
        "Linux, separators on a Windows share): only ever a file of that name; its leading "
        "dot makes it a hidden file, which the watcher never takes.",
        "..\\..\\..\\Windows\\scan.png", b.form_png, READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "non_utf8_name", "file name that is not UTF-8",
        "A scan named 届出表.png in Shift_JIS bytes (an old Windows share); the second byte of "
        "表 is a backslash.",
        os.fsdecode("届出表.png".encode("cp932")), b.form_png, READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "leading_dash_name", "file name starting with '-'",
        "A PDF named -scan.pdf, which a careless call would pass to poppler as an option.",
        "-scan.pdf", b.data(b.form_pdf), READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "read_only", "read-only file in a read-only inbox",
        "A scan whose permissions allow reading only; the watcher test also makes its inbox "
        "read-only.",
        "read_only.png", b.read_only, READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "still_being_written", "file still being written",
        "The first 60 % of a PDF, modified just now: the scanner is still copying it.",
        "still_being_written.pdf", b.truncated(b.form_pdf, 0.6), REFUSED, TRUNCATED_PDF,
        fault=Fault.GROWING, complete=b.data(b.form_pdf),
    ),
    Case(
        "deleted_while_queued", "file deleted while queued",
        "A scan that is deleted after it was listed and before it is read.",
        "deleted_while_queued.png", b.form_png, REFUSED, "does not exist",
        fault=Fault.VANISH,
    ),
    Case(
        "disk_full", "full disk (simulated)",
        "A good scan whose results cannot be written: every write fails with ENOSPC.",
        "disk_full.png", b.form_png, Outcome.UNWRITABLE, "No space left on device",
        pages=OK, form=FORM_ID, fault=Fault.DISK_FULL,
    ),
    # Names and formats
    Case(
        "text_named_pdf", "text file named .pdf",
        "A scanner's error note in Shift_JIS text, saved under the scan's name.",
        "text_named_pdf.pdf", b.data(lambda _t: b.SCANNER_NOTE), REFUSED,
        "not a PDF: starts with",
    ),
    Case(
        "html_named_pdf", "HTML error page saved as .pdf",
        "A web server's 503 page that a browser download saved as the PDF.",
        "html_named_pdf.pdf", b.data(lambda _t: b.HTML_ERROR), REFUSED,
        "which is an HTML page",
    ),
    Case(
        "docx", "Word document (.docx)",
        "A form typed into Word instead of scanned.",
        "docx.docx", b.data(b.docx), REFUSED,
        "unsupported format: starts with b'PK\\x03\\x04",
    ),
    Case(
        "heic", "iPhone photo (.heic)",
        "A photo of the form taken with an iPhone (HEIF container).",
        "heic.heic", b.data(lambda _t: b.HEIC_HEAD), REFUSED, "HEIC/HEIF image",
    ),
    Case(
        "bmp", "BMP image",
        "A Windows bitmap; not a scanner format, so not supported.",
        "bmp.bmp", b.image(b.form_page, "BMP"), REFUSED, "which is a BMP image",
    ),
    Case(
        "png_named_jpg", "PNG named .jpg",
        "A PNG scan with a .jpg name: the content decides, with a warning in the log.",
        "png_named_jpg.jpg", b.data(b.form_png_bytes), READ, pages=OK, form=FORM_ID,
    ),
    # PDF
    Case(
        "truncated_pdf", "truncated PDF",
        "The first half of a PDF (Pillow's layout: image first, page object last).",
        "truncated_pdf.pdf", b.truncated(b.pillow_pdf, 0.5), REFUSED, TRUNCATED_PDF,
    ),
    Case(
        "encrypted_pdf", "password-protected PDF",
        "A PDF encrypted with AES-256 that needs a password to open.",
        "encrypted_pdf.pdf", b.data(b.encrypted), REFUSED, "the PDF is password-protected",
    ),
    Case(
        "owner_password_pdf", "PDF with permissions password only",
        "A PDF encrypted with an empty user password (printing/copying restricted), as some "
        "scanners write: every viewer opens it, and so does formocr (with a warning).",
        "owner_password_pdf.pdf", b.data(b.owner_password_only), READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "pdf_no_pages", "PDF with no pages",
        "A well-formed PDF whose page tree is empty.",
        "pdf_no_pages.pdf", b.data(b.no_pages), REFUSED, "the PDF has no pages",
    ),
    Case(
        "pdf_300_pages", "300-page PDF",
        "A batch of 300 pages (forms on pages 1, 150 and 300, empty back sides between), "
        "within max_pages (1000): read one page at a time.",
        "pdf_300_pages.pdf", b.data(b.long_pdf), READ,
        "blank page",
        pages=tuple(
            "ok" if i in b.LONG_PDF_FORMS else "blank" for i in range(b.LONG_PDF_PAGES)
        ),
        form=FORM_ID,
    ),
    Case(
        "pdf_over_page_limit", "PDF over the page limit",
        "1,001 pages, one more than max_pages: refused before any page is read, rather than "
        "read in part.",
        "pdf_over_page_limit.pdf", b.data(b.over_page_limit), REFUSED,
        "the file has 1001 pages, more than max_pages (1000)",
    ),
    Case(
        "pdf_page_bomb", "PDF page of 200 x 200 inches",
        "A page as large as PDF allows: 1.6 gigapixels at 200 dpi, refused before rendering.",
        "pdf_page_bomb.pdf", b.data(b.page_bomb), REFUSED,
        "over the limit of 144 megapixels; refused before decoding",
    ),
    Case(
        "pdf_page_bomb_in_batch", "PDF batch with one page of 200 x 200 inches",
        "Three pages, the second as large as PDF allows (a drawing merged into a batch of "
        "scans): that page is refused before rendering, the forms on either side are read.",
        "pdf_page_bomb_in_batch.pdf", b.data(b.page_bomb_in_batch), READ,
        "page 2 of 3: the page declares 40000 x 40000 pixels",
        pages=("ok", "error", "ok"), form=FORM_ID,
    ),
    Case(
        "pdf_undrawable_page", "PDF batch with one page whose image is damaged",
        "Three pages, the second's JPEG image data damaged at its start: poppler reports a "
        "syntax error, exits 0 and draws that page white; it is an error page to scan again, "
        "not an empty back side to drop, and the forms on either side are read.",
        "pdf_undrawable_page.pdf", b.data(b.undrawable_page_in_batch), READ,
        "page 2 of 3: the PDF page could not be drawn (poppler: Syntax Error: Could not find "
        "start of jpeg data); it came out blank",
        pages=("ok", "error", "ok"), form=FORM_ID,
    ),
    Case(
        "pdf_ccitt_g4", "PDF with a CCITT G4 image",
        "A black-and-white scan stored as CCITT Group 4, as B/W scanners write PDFs.",
        "pdf_ccitt_g4.pdf", b.data(b.ccitt_pdf), READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "pdf_jbig2", "PDF with a JBIG2 image",
        "A black-and-white scan stored as JBIG2 (the 'high compression' setting of many "
        "multi-function printers).",
        "pdf_jbig2.pdf", b.data(b.jbig2_pdf), READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "pdf_jpx", "PDF with a JPEG 2000 image",
        "A grey scan stored as JPEG 2000 (JPXDecode).",
        "pdf_jpx.pdf", b.data(b.jpx_pdf), READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "pdf_damaged_xref", "PDF with a damaged cross-reference table",
        "Every offset in the xref table is wrong (a careless editor or a bad copy); poppler "
        "rebuilds the table and the page is read.",
        "pdf_damaged_xref.pdf", b.data(b.damaged_xref), READ, pages=OK, form=FORM_ID,
    ),
    # Raster images
    Case(
        "truncated_jpeg", "truncated JPEG",
        "The first 60 % of a JPEG scan.",
        "truncated_jpeg.jpg", b.truncated(b.form_jpeg, 0.6), REFUSED,
        "the JPEG data is damaged or truncated",
    ),
    Case(
        "truncated_png", "truncated PNG",
        "The first 60 % of a PNG scan.",
        "truncated_png.png", b.truncated(b.form_png_bytes, 0.6), REFUSED,
        "the PNG data is damaged or truncated",
    ),
    Case(
        "png_bomb", "decompression bomb",
        "A real 12,500 x 12,500 PNG (156 megapixels) of a few kilobytes.",
        "png_bomb.png", b.png_bomb, REFUSED,
        "(156.2 megapixels), over the limit of 144 megapixels; refused before decoding",
    ),
    Case(
        "huge_dimensions", "image header claiming 100,000 x 100,000 pixels",
        "A PNG whose header declares ten gigapixels and holds a few bytes.",
        "huge_dimensions.png", b.data(b.huge_header), REFUSED,
        "the image declares more pixels than allowed; refused before decoding",
    ),
    Case(
        "one_pixel", "1 x 1 image",
        "A one-pixel PNG (a tracking pixel or an icon saved by mistake).",
        "one_pixel.png", b.data(b.one_pixel), REFUSED, "the page is only 1 x 1 pixels",
    ),
    Case(
        "tiff_16bit", "16-bit grey TIFF",
        "A 16-bit grey scan (archive settings): scaled to 8 bits, not clipped.",
        "tiff_16bit.tif", b.tiff_16bit, READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "tiff_cmyk", "CMYK TIFF",
        "A TIFF in CMYK, as print-shop software exports it.",
        "tiff_cmyk.tif", b.tiff_cmyk, READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "tiff_fax_g4", "1-bit fax TIFF (CCITT G4)",
        "A 1-bit TIFF coded with CCITT Group 4 at 200 dpi.",
        "tiff_fax_g4.tif", b.tiff_g4, READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "tiff_fax_standard", "fax TIFF at 204 x 98 dpi (CCITT G3)",
        "A fax in 'standard' resolution, pixels twice as tall as wide: resampled to square.",
        "tiff_fax_standard.tif", b.tiff_fax_standard, READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "tiff_no_pages", "TIFF with no pages",
        "A TIFF header whose first directory offset is 0.",
        "tiff_no_pages.tif", b.data(b.tiff_no_pages), REFUSED,
        "the TIFF header is damaged or truncated",
    ),
    Case(
        "tiff_corrupt_page", "multi-page TIFF with one corrupt page",
        "Three pages (form, form, empty back); the second page's image data is overwritten. "
        "Pillow still finds the third page (the file's directories are intact), so only the "
        "second is lost, as an error page naming it.",
        "tiff_corrupt_page.tif", b.tiff_corrupt_page, READ,
        "page 2 of 3: the TIFF data is damaged or truncated",
        pages=("ok", "error", "blank"), form=FORM_ID,
    ),
    Case(
        "jpeg_exif_rotated", "JPEG turned by EXIF orientation",
        "A JPEG stored upside down with EXIF orientation 3 (phones, document cameras).",
        "jpeg_exif_rotated.jpg", b.exif_rotated, READ, pages=OK, form=FORM_ID,
    ),
    # Pages that are well-formed but not a readable form
    Case(
        "blank_page", "blank page",
        "An empty back side: paper noise and specks only.",
        "blank_page.png", b.image(lambda t: t.pages.blank, "PNG", dpi=(200, 200)), READ,
        "blank page", pages=("blank",),
    ),
    Case(
        "upside_down", "upside-down page",
        "The form scanned upside down (rotated 180 degrees in the pixels).",
        "upside_down.png", b.image(lambda t: t.pages.form.rotate(180), "PNG", dpi=(200, 200)),
        READ, pages=OK, form=FORM_ID,
    ),
    Case(
        "unknown_form", "page of no known form",
        "A printed letter that is none of the defined forms.",
        "unknown_form.png", b.image(lambda t: t.pages.foreign, "PNG", dpi=(200, 200)), READ,
        "matches no known form",
        pages=("unclassified",),
    ),
)  # fmt: skip


def build_all(folder: Path, aside: Path | None = None, pages: Pages | None = None) -> list[Case]:
    """Write every case's file into ``folder`` (created if needed) and return the cases.

    Link targets go to ``aside`` (default: the sibling folder ``<folder>.aside``), so that
    ``folder`` holds exactly one entry per case. Every entry is dated an hour ago (a finished
    scan) except a ``GROWING`` case's, which is written just now.
    """
    folder.mkdir(parents=True, exist_ok=True)
    aside = aside if aside is not None else folder.with_name(folder.name + ".aside")
    aside.mkdir(parents=True, exist_ok=True)
    pages = pages if pages is not None else Pages()
    settled = os.stat(folder).st_mtime - 3600
    for case in CASES:
        path = case.path(folder)
        case.build(Target(path, aside, pages))
        if case.fault is not Fault.GROWING:
            os.utime(path, (settled, settled), follow_symlinks=False)
    return list(CASES)
