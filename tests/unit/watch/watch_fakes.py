"""A scripted :class:`~ocr_pipeline.watch.FileProcessor` for testing the code around OCR.

A "scan" for it is a small JSON file that says what the pages are (so every test file is made
in code and has its own bytes)::

    {"pages": ["ok", "blank", "unclassified"], "nonce": "a"}     three pages, one document
    {"unreadable": "the PDF is damaged ..."}                     raises InputUnreadableError
    {"unreadable": "...", "refusal": "password_protected"}       ... with that RefusalCode
                                                                 (default: damaged)
    {"pages": ["ok"], "sleep": 0.5}                              sleeps before each page
    {"pages": ["ok"], "die": "/path/marker"}                     the process exits (os._exit)
                                                                 while the marker is missing;
                                                                 it creates the marker first
    {"pages": ["ok"], "die": "always"}                           exits every time

Anything that is not such JSON is unreadable, like a real scan reader would say. This module is
imported by name in spawned worker processes (``fake_factory``), so it holds no pytest fixtures.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from form_schemas.reasons import Reason
from ocr_pipeline.errors import InputUnreadableError, RefusalCode
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus
from ocr_pipeline.settings import Settings
from ocr_pipeline.watch import ProcessedFile
from ocr_pipeline.watch.processor import Check

FAST: dict[str, Any] = {"settle": 0.05, "rescan": 0.2, "tick": 0.02, "events": False, "lease": 30.0}
"""Watcher options for quick tests (no file-system events: rescans find everything)."""


def scan_bytes(pages: Sequence[str] = ("ok",), nonce: str = "", **extra: Any) -> bytes:
    """The bytes of a fake scan (see the module docstring)."""
    return json.dumps({"pages": list(pages), "nonce": nonce, **extra}).encode()


def tiny_png(seed: int) -> bytes:
    img = Image.new("L", (32, 24), 255)
    img.putpixel((seed % 32, 3), 0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def water_page(path: Path, page: int) -> PageResult:
    """A 水道 page with one field for review and one accepted."""
    return PageResult(
        source=str(path),
        page=page,
        status=PageStatus.OK,
        form="water_service",
        form_version=1,
        fields={
            "user_name": FieldResult(
                id="user_name",
                type="name",
                value="山田\u3000太郎",
                confidence=0.5,
                status=FieldStatus.REVIEW,
                reasons=[Reason("low_confidence", "0.5 < 0.9")],
                raw="山田 太郎",
            ),
            "phone": FieldResult(
                id="phone",
                type="phone",
                value="03-1234-5678",
                confidence=0.99,
                status=FieldStatus.ACCEPTED,
                raw="0312345678",
            ),
        },
    )


class FakeProcessor:
    """Reads fake scans; ``calls`` lists ``(path name, form_id)`` of every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def process(self, path: Path, form_id: str | None, check: Check) -> ProcessedFile:
        self.calls.append((path.name, form_id))
        try:
            spec = json.loads(path.read_bytes())
            assert isinstance(spec, dict)
        except (ValueError, AssertionError):
            raise InputUnreadableError(
                path, "unsupported format: not a fake scan", code=RefusalCode.UNSUPPORTED_FORMAT
            ) from None
        if "unreadable" in spec:
            code = RefusalCode(spec.get("refusal", RefusalCode.DAMAGED))
            raise InputUnreadableError(path, spec["unreadable"], code=code)
        die = spec.get("die")
        if die == "always":
            os._exit(70)
        if die and not Path(die).exists():
            Path(die).touch()
            os._exit(70)
        out = ProcessedFile(pages=[])
        for n, kind in enumerate(spec["pages"], start=1):
            check()
            time.sleep(float(spec.get("sleep", 0.0)))
            if kind == "ok":
                out.pages.append(water_page(path, n))
            else:
                status = PageStatus(kind)
                out.pages.append(PageResult(str(path), n, status, reason=f"{kind} page"))
            if kind != "blank":
                out.images[n] = tiny_png(n + len(out.pages))
        return out


def fake_factory(settings: Settings) -> FakeProcessor:
    """A processor factory that spawned workers can import by name."""
    return FakeProcessor()
