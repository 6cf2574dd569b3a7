"""The keys formocr's JSON outputs promise, written once for the tests that check them: a page
result of ``formocr process --json``, a field in it, and the report of ``formocr evaluate``.
Tests assert the output holds at least these (``>=``): adding a key breaks no consumer."""

from __future__ import annotations

PAGE_KEYS = frozenset({"source", "page", "form", "status", "reason", "fields", "timings"})
FIELD_KEYS = frozenset({"value", "confidence", "status", "reasons"})
REPORT_KEYS = frozenset(
    {
        "pages",
        "field_accuracy",
        "char_accuracy",
        "by_type",
        "by_form",
        "straight_through_rate",
        "auto_accept_error_rate",
        "pages_per_second",
    }
)
