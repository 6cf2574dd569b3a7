"""How long a purge takes: ``python -m bench.purge_benchmark [--documents N] [--postgres URL]``.

Saves N one-page 水道 documents (each with its own small page image and 12 fields) in a
fresh store (SQLite in a temporary folder, or a fresh schema on the PostgreSQL server of
``--postgres``, dropped afterwards), returns them all, and times
:meth:`TenantStore.purge_finished` over them with its batches, row deletions, audit erasure
and file removals. Prints the figures (JSON with
``--json``); asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from form_schemas.reasons import Reason
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus
from ocr_pipeline.store import Store, upgrade
from tests.pg_schema import fresh_schema
from tests.sample_records import WATER_VALUES
from tests.unit.store.conftest import WATER_TYPES


def _png(seed: int) -> bytes:
    img = Image.new("L", (120, 80), 255)
    img.putpixel((seed % 120, (seed // 120) % 80), 0)
    img.putpixel(((seed // 9600) % 120, 79), 0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _page(n: int) -> PageResult:
    fields = {
        fid: FieldResult(
            id=fid,
            type=WATER_TYPES[fid],
            value=value,
            confidence=0.5 if fid == "user_name" else 0.99,
            status=FieldStatus.REVIEW if fid == "user_name" else FieldStatus.ACCEPTED,
            reasons=[Reason("low_confidence", "0.5 < 0.9")] if fid == "user_name" else [],
            raw="" if value is None else str(value),
        )
        for fid, value in WATER_VALUES.items()
    }
    return PageResult(f"scan{n}.pdf", 1, PageStatus.OK, "water_service", 1, fields=fields)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--documents", type=int, default=1000)
    p.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite in a temp folder)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        url = f"sqlite:///{Path(tmp) / 'formocr.db'}"
        if args.postgres:
            url = stack.enter_context(fresh_schema(args.postgres, prefix="bench"))
        upgrade(url)
        with Store.open(url, Path(tmp) / "images") as store:
            town = store.for_tenant("bench")
            town.ensure_tenant()
            started = time.perf_counter()
            for n in range(args.documents):
                sha = hashlib.sha256(f"scan{n}".encode()).hexdigest()
                src, _ = town.register_source(sha, f"scan{n}.pdf", 1)
                (doc,) = town.save_result(src.id, [_page(n)], {1: _png(n)})
                town.return_document(doc, actor="bench", expected_version=1, reason="bench")
            setup = time.perf_counter() - started
            started = time.perf_counter()
            report = town.purge_finished(datetime.now(UTC), actor="bench")
            seconds = time.perf_counter() - started
    figures = {
        "backend": "postgresql" if args.postgres else "sqlite",
        "documents": len(report.documents),
        "page_images": report.images,
        "events_erased": report.events_erased,
        "batches": report.batches,
        "purge_seconds": round(seconds, 2),
        "documents_per_second": round(len(report.documents) / seconds, 1) if seconds else None,
        "setup_seconds": round(setup, 1),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for k, v in figures.items():
            print(f"{k:>22}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
