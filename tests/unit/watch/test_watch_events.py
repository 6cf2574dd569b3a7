"""File-system events of the inbox: which tenant folders changed; narrowed to an intake's share
(``follow``), the other folders' files are not its events."""

from __future__ import annotations

import time
from pathlib import Path

from ocr_pipeline.watch.events import ALL, InboxEvents

WAIT = 20.0


def collect(events: InboxEvents, until: str) -> set[str]:
    """Every tenant marked until ``until`` is, plus a short while for stragglers."""
    seen: set[str] = set()
    deadline = time.monotonic() + WAIT
    while until not in seen:
        assert time.monotonic() < deadline, f"no event for {until}: {seen}"
        seen |= events.take()
        time.sleep(0.05)
    time.sleep(0.3)
    return seen | events.take()


def test_a_share_hears_its_folders_and_new_folders_at_the_top_not_the_others(
    tmp_path: Path,
) -> None:
    for tenant in ("town-a", "town-b"):
        (tmp_path / tenant).mkdir()
    events = InboxEvents(tmp_path)
    assert events.start()
    try:
        (tmp_path / "town-b" / "before.pdf").write_bytes(b"x")  # everything is heard
        assert "town-b" in collect(events, "town-b")
        events.follow({"town-a", "town-c"})  # town-c has no folder yet: found by rescans
        (tmp_path / "town-b" / "other.pdf").write_bytes(b"x")
        (tmp_path / "town-a" / "mine.pdf").write_bytes(b"x")
        seen = collect(events, "town-a")
        assert "town-b" not in seen
        (tmp_path / "town-c").mkdir()
        assert ALL in collect(events, ALL)
        events.follow({"town-a", "town-c"})  # as the next rescan does
        (tmp_path / "town-c" / "late.pdf").write_bytes(b"x")
        assert "town-c" in collect(events, "town-c")
        events.follow({"town-b"})
        (tmp_path / "town-a" / "gone.pdf").write_bytes(b"x")
        (tmp_path / "town-b" / "again.pdf").write_bytes(b"x")
        assert "town-a" not in collect(events, "town-b")
    finally:
        events.stop()
