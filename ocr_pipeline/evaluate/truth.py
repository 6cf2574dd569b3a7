"""Ground truth files written by ``formocr synth`` (or by hand): ``<stem>.truth.json`` beside
each scan, ``{"pages": [{"form": ID | null, "fields": {FIELD_ID: VALUE}, ...}]}``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from form_schemas.spec import FieldValue

from ..errors import BadArgumentsError, InputUnreadableError, RefusalCode
from ..ingest import SUPPORTED_SUFFIXES

TRUTH_SUFFIX = ".truth.json"


@dataclass(frozen=True)
class TruthPage:
    """What one page really holds. ``status`` is "ok" for a form page, or "blank" etc."""

    form: str | None
    fields: dict[str, FieldValue]
    expect_review: dict[str, str] = field(default_factory=dict)
    status: str = "ok"
    meta: dict[str, Any] = field(default_factory=dict)


def truth_path(scan: Path) -> Path:
    return scan.with_name(scan.stem + TRUTH_SUFFIX)


def load_truth(path: Path) -> list[TruthPage]:
    """Parse a truth file; raises InputUnreadableError naming the file when it is malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pages = []
        for p in data["pages"]:
            pages.append(
                TruthPage(
                    form=p.get("form"),
                    fields=dict(p.get("fields", {})),
                    expect_review=dict(p.get("expect_review", {})),
                    status=p.get("status", "ok" if p.get("form") else "unclassified"),
                    meta={
                        k: v
                        for k, v in p.items()
                        if k not in ("form", "fields", "expect_review", "status")
                    },
                )
            )
        return pages
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputUnreadableError(
            path,
            f"not a valid truth file: {exc}",
            'a truth file holds {"pages": [...]}',
            code=RefusalCode.MALFORMED,
        ) from exc


def scans_with_truth(directory: Path) -> Iterator[tuple[Path, list[TruthPage]]]:
    """Every scan in ``directory`` (recursively) that has a truth file, in name order."""
    if not directory.is_dir():
        raise BadArgumentsError(
            f"{directory} is not a folder",
            "give a folder holding scans and their .truth.json files",
        )
    scans = sorted(
        p for p in directory.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file()
    )
    found = False
    for scan in scans:
        tp = truth_path(scan)
        if tp.is_file():
            found = True
            yield scan, load_truth(tp)
    if not found:
        raise BadArgumentsError(
            f"no scans with truth files in {directory}",
            "make an evaluation set with `formocr synth ... --out DIR`",
        )
