"""Format comes from the content, not the name."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from ocr_pipeline.errors import InputUnreadableError
from ocr_pipeline.ingest import SUPPORTED_SUFFIXES, ScanFormat, detect_scan_format, iter_pages
from ocr_pipeline.ingest.sniff import detect_format

A4_200DPI = (1654, 2339)


def test_supported_suffixes() -> None:
    assert {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"} == SUPPORTED_SUFFIXES


def test_text_named_pdf_is_refused_showing_its_start(
    write_bytes: Callable[[str, bytes], Path],
) -> None:
    path = write_bytes("form.pdf", b"Hello, this is not a scan at all\n")
    with pytest.raises(InputUnreadableError) as caught:
        iter_pages(path)
    message = caught.value.message
    assert "not a PDF: starts with b'Hello, this is n'..." in message
    assert "mis-named" in message


def test_png_named_jpg_loads_with_a_warning(
    save_image: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    path = save_image("scan.jpg", Image.new("RGB", A4_200DPI, "white"), format="PNG")
    with caplog.at_level(logging.WARNING, logger="ocr_pipeline.ingest"):
        pages = list(iter_pages(path))
    assert len(pages) == 1
    assert pages[0].image.shape == (A4_200DPI[1], A4_200DPI[0], 3)
    assert any(
        "suggests JPEG but the content is PNG" in record.getMessage() for record in caplog.records
    )


def test_upper_case_suffix_matching_content_logs_nothing(
    save_image: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    path = save_image("SCAN.PNG", Image.new("L", A4_200DPI, 255), format="PNG")
    with caplog.at_level(logging.WARNING, logger="ocr_pipeline.ingest"):
        assert detect_scan_format(path) is ScanFormat.PNG
    assert caplog.records == []


@pytest.mark.parametrize(
    ("name", "head", "described"),
    [
        ("form.gif", b"GIF89a\x10\x00\x10\x00" + b"\x00" * 40, "a GIF image"),
        ("form.bmp", b"BM" + b"\x00" * 60, "a BMP image"),
        ("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 40, "HEIC"),
        ("form.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40, "a WebP image"),
    ],
    ids=["gif", "bmp", "heic", "webp"],
)
def test_unsupported_formats_say_what_is_supported(
    write_bytes: Callable[[str, bytes], Path], name: str, head: bytes, described: str
) -> None:
    with pytest.raises(InputUnreadableError) as caught:
        iter_pages(write_bytes(name, head))
    message = caught.value.reason
    assert message.startswith(f"unsupported format: starts with {head[:16]!r}")
    assert described in message
    assert "supported formats are PDF, TIFF, JPEG and PNG" in message


def test_other_format_under_a_supported_name_says_both(
    write_bytes: Callable[[str, bytes], Path],
) -> None:
    with pytest.raises(InputUnreadableError) as caught:
        iter_pages(write_bytes("scan.png", b"GIF87a" + b"\x00" * 40))
    assert "not a PNG" in caught.value.message
    assert "which is a GIF image" in caught.value.message


def test_text_mentioning_the_pdf_header_is_not_a_pdf() -> None:
    assert detect_format(b'data = b"%PDF-1.4 ..."\n') is None


def test_pdf_header_after_a_junk_line_is_a_pdf() -> None:
    assert detect_format(b"\xef\xbb\xbfjunk from a mail gateway\r\n%PDF-1.7\n") is ScanFormat.PDF


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.4\n", ScanFormat.PDF),
        (b"II*\x00\x08\x00\x00\x00", ScanFormat.TIFF),
        (b"MM\x00*\x00\x00\x00\x08", ScanFormat.TIFF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", ScanFormat.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", ScanFormat.PNG),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_magic_bytes(head: bytes, expected: ScanFormat | None) -> None:
    assert detect_format(head) is expected
