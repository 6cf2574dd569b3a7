"""How long the review UI's pages take with a large store: 100,000 documents (nine fields each,
an audit trail of made / approved / exported) in one municipality, as after years of use.

The store is filled with bulk inserts (no OCR), then each page is run in Streamlit's AppTest,
logged in as an administrator, a few times; the script prints the median and the slowest
seconds per page. It prints figures and asserts nothing.

    .venv/bin/python -m bench.ui_benchmark                 # 100,000 documents, SQLite
    .venv/bin/python -m bench.ui_benchmark --documents 20000 --runs 5 --json
    .venv/bin/python -m bench.ui_benchmark --database-url postgresql+psycopg://…  (empty db)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher, profiles
from sqlalchemy import insert, select

from ocr_pipeline.store import DocumentStatus, Store, upgrade
from ocr_pipeline.store.models import AuditEventRow, DocumentRow, FieldRow
from tests.ui.app_pages import goto

ROOT = Path(__file__).resolve().parents[1]

APP = ROOT / "review_ui" / "app.py"
TENANT = "bench"
PASSWORD = "bench-pass-123"
FIELDS = (
    ("filed_on", "wareki_date"), ("notice_type", "choice"), ("effective_on", "wareki_date"),
    ("service_address", "address"), ("meter_number", "digits"), ("user_kana", "kana"),
    ("user_name", "name"), ("phone", "phone"), ("payment_method", "choice"),
)  # fmt: skip
# Most documents of a store that has run for years are long exported.
STATUSES = ("review", "review", "ready", "approved", "returned") + ("exported",) * 95
PAGES = ("queue", "dashboard", "export", "upload", "forms", "audit", "review")
CHUNK = 20_000


def _fill(store: Store, documents: int) -> float:
    town = store.for_tenant(TENANT)
    src, _ = town.register_source("b" * 64, "bulk.pdf", 1)
    start = datetime(2023, 4, 1, tzinfo=UTC)
    began = time.perf_counter()
    for first in range(0, documents, CHUNK):
        n = min(CHUNK, documents - first)
        at = [start + timedelta(minutes=7 * (first + i)) for i in range(n)]
        docs = [
            {
                "tenant_id": TENANT, "source_file_id": src.id, "first_page": first + i + 1,
                "form_id": "water_service", "form_version": 1,
                "status": STATUSES[(first + i) % len(STATUSES)], "version": 3,
                "open_fields": (first + i) % 3, "min_confidence": ((first + i) % 97) / 100,
                "created_at": at[i], "updated_at": at[i],
            }
            for i in range(n)
        ]  # fmt: skip
        with store._db.write() as s:
            s.execute(insert(DocumentRow), docs)
            ids = list(
                s.scalars(
                    select(DocumentRow.id)
                    .where(DocumentRow.first_page > first, DocumentRow.first_page <= first + n)
                    .order_by(DocumentRow.id)
                )
            )
            fields = [_field(d, at[i], k) for i, d in enumerate(ids) for k in range(len(FIELDS))]
            s.execute(insert(FieldRow), fields)
            events = [
                e for i, d in enumerate(ids) for e in _events(d, at[i], str(docs[i]["status"]))
            ]
            s.execute(insert(AuditEventRow), events)
        print(f"  {first + n:,} documents", file=sys.stderr)
    with store._db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return time.perf_counter() - began


def _field(doc_id: int, at: datetime, k: int) -> dict[str, Any]:
    field_id, type_ = FIELDS[k]
    flagged = (doc_id + k) % 11 == 0
    return {
        "tenant_id": TENANT, "document_id": doc_id, "field_id": field_id, "type": type_,
        "page_no": 1, "value": "1", "ocr_value": "1", "raw": "1", "confidence": 0.99,
        "char_confidences": [0.99], "status": "review" if flagged else "accepted",
        "reasons": [], "bbox": [0, 0, 10, 10], "updated_at": at, "updated_by": "system:ocr",
    }  # fmt: skip


def _events(doc_id: int, at: datetime, status: str) -> list[dict[str, Any]]:
    base = {"tenant_id": TENANT, "document_id": doc_id, "doc_version": 1, "old": None,
            "new": None, "detail": "", "source_file_id": None, "field_id": None}  # fmt: skip
    out = [base | {"at": at, "actor": "system:watcher", "action": "created"}]
    if doc_id % 9 == 0:
        out.append(base | {"at": at, "actor": "user:rev", "action": "corrected",
                           "field_id": "user_name"})  # fmt: skip
    if status in ("approved", "exported"):
        out.append(base | {"at": at + timedelta(hours=3), "actor": "user:rev",
                           "action": "approved"})  # fmt: skip
    return out


def _time_pages(runs: int) -> dict[str, list[float]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300).run()
    at.text_input(key="login_id").input("bench-admin")
    at.text_input(key="login_password").input(PASSWORD)
    at.button(key="login_submit").click()
    at.run()
    town_doc = None
    times: dict[str, list[float]] = {}
    for name in PAGES:
        for _ in range(runs):
            started = time.perf_counter()
            if name in ("audit", "review"):
                at.query_params["doc"] = str(town_doc)
            goto(at, name).run()
            times.setdefault(name, []).append(time.perf_counter() - started)
            if at.exception:
                raise SystemExit(f"{name}: {at.exception[0].value}")
        if name == "queue":
            town_doc = _first_in_review()
    return times


def _time_figures(store: Store, runs: int) -> list[float]:
    """The dashboard's figures (review_ui/screens/dashboard.py ``compute``), which the page
    has a background job work out while it shows the last ones."""
    town = store.for_tenant(TENANT)
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        town.counts()
        town.straight_through()
        town.field_stats()
        town.daily_counts(30)
        took.append(time.perf_counter() - started)
    return took


def _first_in_review() -> int:
    url = os.environ["FORMOCR_DATABASE_URL"]
    with Store.open(url, Path(os.environ["FORMOCR_DATA_DIR"]) / "images") as store:
        return store.for_tenant(TENANT).list_documents(DocumentStatus.REVIEW, limit=1)[0].id


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--documents", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3, help="runs of each page (3)")
    p.add_argument("--database-url", help="an empty database (default: SQLite in a temp dir)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="formocr-uibench-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        url = args.database_url or f"sqlite:///{data / 'formocr.db'}"
        for key in [k for k in os.environ if k.startswith("FORMOCR_")]:
            del os.environ[key]
        os.environ["FORMOCR_DATA_DIR"] = str(data)
        os.environ["FORMOCR_DATABASE_URL"] = url
        os.chdir(tmp)
        upgrade(url)
        cheap = PasswordHasher.from_parameters(profiles.CHEAPEST)
        with Store.open(url, data / "images", password_hasher=cheap) as store:
            store.for_tenant(TENANT).ensure_tenant("ベンチ町")
            store.users.add("bench-admin", password=PASSWORD, role="administrator",
                            tenants=[TENANT], actor="bench")  # fmt: skip
            print(f"filling the store with {args.documents:,} documents…", file=sys.stderr)
            filled = _fill(store, args.documents)
            backend = store._db.backend
            figures = _time_figures(store, args.runs)
        times = _time_pages(args.runs)
        times["dashboard figures (background job)"] = figures
    report = {
        "documents": args.documents,
        "fields": args.documents * len(FIELDS),
        "backend": backend,
        "fill_seconds": round(filled, 1),
        "runs": args.runs,
        "pages": {
            n: {"median_s": round(statistics.median(t), 3), "max_s": round(max(t), 3)}
            for n, t in times.items()
        },
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    print(
        f"{report['documents']:,} documents, {report['fields']:,} fields ({backend}); "
        f"filled in {report['fill_seconds']} s; {args.runs} runs per page (AppTest, admin)"
    )
    print(f"{'page':<36}{'median s':>10}{'max s':>10}")
    for name, t in report["pages"].items():
        print(f"{name:<36}{t['median_s']:>10.3f}{t['max_s']:>10.3f}")


if __name__ == "__main__":
    main()
