"""Uploads through the review UI joined with the watcher's record of the same bytes; queue
filters by day with counts for paging; dashboard figures computed in the database."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ocr_pipeline.store import DocumentStatus, FieldState, SourceState, TenantStore

if TYPE_CHECKING:
    from tests.unit.store.conftest import Kit


def test_an_upload_shows_what_the_watcher_made_of_it(town_a: TenantStore, kit: Kit) -> None:
    good, bad, waiting = kit.sha("good"), kit.sha("bad"), kit.sha("waiting")
    for sha, name in ((good, "good.pdf"), (bad, "bad.pdf"), (waiting, "waiting.pdf")):
        town_a.record_upload(sha, name, 10, actor="user:clerk")
    town_a.record_upload(kit.sha("other"), "other.pdf", 1, actor="user:someone")
    src, _ = town_a.register_source(good, "good.pdf", 10, actor="system:watcher")
    town_a.save_result(src.id, [kit.water(1)], {})
    refused, _ = town_a.register_source(bad, "bad.pdf", 10, actor="system:watcher")
    town_a.quarantine(refused.id, {"reason": "encrypted PDF"})
    mine = town_a.uploads(actor="user:clerk")
    assert [u.name for u in mine] == ["waiting.pdf", "bad.pdf", "good.pdf"]  # newest first
    waiting_up, bad_up, good_up = mine
    assert waiting_up.source is None
    assert bad_up.source is not None and bad_up.source.state is SourceState.QUARANTINED
    assert bad_up.source.error == {"reason": "encrypted PDF"}
    assert good_up.source is not None and good_up.source.state is SourceState.DONE
    assert len(town_a.uploads()) == 4 and len(town_a.uploads(limit=2, offset=3)) == 1


def test_documents_filter_by_the_day_they_were_made(
    town_a: TenantStore, kit: Kit, clock: Any
) -> None:
    start = clock()
    for n in range(3):
        src, _ = town_a.register_source(kit.sha(f"d{n}"), f"d{n}.pdf", 1)
        town_a.save_result(src.id, [kit.water(1, review=() if n == 2 else ("user_name",))], {})
        clock.advance(86400)
    day2 = start + timedelta(days=1)
    assert town_a.count_documents() == 3
    assert town_a.count_documents(since=day2) == 2
    assert town_a.count_documents(since=day2, until=day2 + timedelta(days=1)) == 1
    assert town_a.count_documents(DocumentStatus.REVIEW, "water_service", since=day2) == 1
    listed = town_a.list_documents(since=day2, order="hardest")
    assert [d.open_fields for d in listed] == [1, 0]


def test_dashboard_figures(town_a: TenantStore, kit: Kit, clock: Any) -> None:
    src, _ = town_a.register_source(kit.sha("s"), "s.pdf", 1)
    review, straight = town_a.save_result(
        src.id, [kit.water(1, review=("user_name", "phone")), kit.water(2, review=())], {}
    )
    doc = town_a.correct_field(review, "user_name", "山田 花子", actor="sato", expected_version=1)
    doc = town_a.confirm_field(review, "phone", actor="sato", expected_version=doc.version)
    clock.advance(15 * 3600)  # the next day in Japan (09:00 UTC + 15 h = 09:00 JST next day)
    town_a.approve(review, actor="kacho", expected_version=doc.version)
    town_a.approve(straight, actor="kacho", expected_version=1)
    assert town_a.straight_through() == (2, 1)
    stats = {(s.field_type, s.status): s.count for s in town_a.field_stats()}
    assert stats[("name", FieldState.CORRECTED)] == 1
    assert stats[("phone", FieldState.CONFIRMED)] == 1
    assert stats[("name", FieldState.ACCEPTED)] == 1
    assert {s.form_id for s in town_a.field_stats()} == {"water_service"}
    days = town_a.daily_counts(30)
    assert [(d.day, d.created, d.approved) for d in days] == [
        ("2025-01-06", 2, 0),
        ("2025-01-07", 0, 2),
    ]
    assert town_a.daily_counts(30, now=clock() + timedelta(days=60)) == []
