"""The review queue stays fast with 100,000 documents: the queries list_documents makes are
served by an index without sorting (checked with EXPLAIN, never by timing)."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, insert

from ocr_pipeline.store import DocumentStatus, Store, TenantStore
from ocr_pipeline.store.models import DocumentRow

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit


N_DOCUMENTS = 100_000
FORMS = ("water_service", "furusato_onestop", "resident_move")
# As in an installation that has run for a while: most documents are long exported.
STATUSES = ("review", "review", "ready", "approved", "returned") + ("exported",) * 95


def _bulk_documents(store: Store, towns: list[tuple[str, int]], clock: Any) -> float:
    """Insert N_DOCUMENTS field-less documents spread over ``towns`` (tenant, source id);
    return the seconds it took."""
    now = clock()
    rows = [
        {
            "tenant_id": towns[i % len(towns)][0],
            "source_file_id": towns[i % len(towns)][1],
            "first_page": i + 1,
            "form_id": FORMS[i % 3],
            "form_version": 1,
            "status": STATUSES[i % len(STATUSES)],
            "version": 1,
            "open_fields": i % 7,
            "min_confidence": (i % 97) / 100,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(N_DOCUMENTS)
    ]
    started = time.perf_counter()
    with store._db.write() as s:
        s.execute(insert(DocumentRow), rows)
    took = time.perf_counter() - started
    with store._db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return took


def _plan(store: Store, statement: str, params: Any) -> str:
    with store._db.engine.connect() as conn:
        if store._db.is_postgres:
            plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar()
            return json.dumps(plan)
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        return " | ".join(str(r[-1]) for r in rows)


CASES = [(order, form) for order in ("oldest", "hardest") for form in (None, "water_service")]


def test_the_review_queue_is_served_by_an_index(
    store: Store, town_a: TenantStore, kit: Kit, clock: Any
) -> None:
    town_b = store.for_tenant("town-b")
    town_b.ensure_tenant()
    towns = [
        (t.tenant_id, t.register_source(kit.sha(t.tenant_id), "bulk.pdf", 1)[0].id)
        for t in (town_a, town_a, town_a, town_b)
    ]
    took = _bulk_documents(store, towns, clock)
    print(f"\n{store._db.backend}: bulk insert of {N_DOCUMENTS} documents took {took:.2f} s")
    for order, form_id in CASES:
        plan = _check_listing(store, town_a, order, form_id)
        assert "ix_documents_" in plan, (order, form_id, plan)
        assert "Sort" not in plan and "TEMP B-TREE" not in plan, (order, form_id, plan)


def _check_listing(store: Store, town: TenantStore, order: Any, form_id: str | None) -> str:
    """List 50 documents in review; check them; return the plan of the query that found them."""
    seen: list[tuple[str, Any]] = []

    def capture(*args: Any) -> None:
        statement, params = args[2], args[3]
        if "FROM documents" in statement:
            seen.append((statement, params))

    event.listen(store._db.engine, "before_cursor_execute", capture)
    try:
        got = town.list_documents(DocumentStatus.REVIEW, form_id, order, limit=50)
    finally:
        event.remove(store._db.engine, "before_cursor_execute", capture)
    assert len(got) == 50
    assert {d.status for d in got} == {DocumentStatus.REVIEW}
    assert form_id is None or {d.form_id for d in got} == {form_id}
    if order == "hardest":
        keys = [(-d.open_fields, d.min_confidence, d.id) for d in got]
    else:
        keys = [(0, 0.0, d.id) for d in got]
    assert keys == sorted(keys)
    statement, params = seen[-1]
    return _plan(store, statement, params)
