"""How long a reviewer waits per action in the review UI: Enter on a field (confirm and go on
to the next), opening a document from the queue (Alt+O), and logging in until the queue is
shown. Measured two ways on one store (a reviewer, documents of the 水道 form with every
field sent to review):

- server: Streamlit's AppTest runs the app in this process; the seconds of the run that an
  action causes (for Enter, the fragment's own run when the field panel is a fragment);
- chromium: the app started as ``formocr ui`` starts it, driven by Playwright in Debian's
  chromium; the seconds from the key press until the next field's value box has the keyboard
  (Enter, open) or the queue's table is shown (login).

It prints the median and the slowest figure per action, asserts nothing, and is not a test.

    .venv/bin/python -m bench.review_latency                 # both, 12 Enters per run
    .venv/bin/python -m bench.review_latency --only server --json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from form_schemas.reasons import Reason
from form_schemas.registry import FormRegistry
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus
from review_ui import inline_image
from tests.ui.app_pages import goto
from tests.ui.browser_app import seeded_store, wait_idle

ROOT = Path(__file__).resolve().parents[1]

APP = ROOT / "review_ui" / "app.py"
PASSWORD = "bench-pass-123"
VALUE_LABEL = "値（Enter で確定）"
VALUES = {
    "filed_on": "2024-04-01", "notice_type": "start", "effective_on": "2024-04-10",
    "service_address": "東京都千代田区千代田１－１", "meter_number": "12345678",
    "user_kana": "ヤマダ\u3000タロウ", "user_name": "山田\u3000太郎", "phone": "03-1234-5678",
    "payment_method": "invoice",
}  # fmt: skip


def _page(registry: FormRegistry) -> PageResult:
    """A page of the 水道 form read as ``VALUES``, every field with a value sent to review."""
    spec = registry.get("water_service").spec
    fields = {}
    for f in spec.all_fields():
        value = VALUES.get(f.id)
        raw = "" if value is None else str(value)
        flagged = value is not None
        fields[f.id] = FieldResult(
            id=f.id, type=f.type.value, value=value, confidence=0.6 if flagged else 0.99,
            status=FieldStatus.REVIEW if flagged else FieldStatus.ACCEPTED,
            reasons=[Reason("low_confidence", "")] if flagged else [], raw=raw,
            char_confidences=[0.6] * len(raw), bbox=f.outline(),
        )  # fmt: skip
    return PageResult(
        source="bench.pdf", page=1, status=PageStatus.OK, form="water_service",
        form_version=spec.version, fields=fields,
    )  # fmt: skip


def seed(data: Path, documents: int) -> list[int]:
    """A store in ``data`` with town-a, the reviewer ``rev`` and ``documents`` documents."""
    registry = FormRegistry.from_dirs([ROOT / "form_schemas" / "forms"])
    png = registry.get("water_service").template_path.read_bytes()
    # The password hashed as the app hashes it (argon2id defaults): a login costs what it will.
    with seeded_store(data, cheap=False) as (store, town):
        store.users.add(
            "rev", password=PASSWORD, role="reviewer", tenants=["town-a"], actor="bench",
            display_name="確認 太郎",
        )  # fmt: skip
        ids = []
        for n in range(documents):
            sha = hashlib.sha256(f"bench-{n}".encode()).hexdigest()
            src, _ = town.register_source(sha, f"水道届_{n:04d}.pdf", 1000)
            ids.extend(town.save_result(src.id, [_page(registry)], {1: png}))
        return ids


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(times), 3),
        "max": round(max(times), 3),
        "n": len(times),
    }


def _timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def server(data: Path, doc_ids: list[int], enters: int) -> dict[str, dict[str, float]]:
    """AppTest in this process (the settings come from ``FORMOCR_DATA_DIR``)."""
    import os

    from streamlit.testing.v1 import AppTest

    os.environ["FORMOCR_DATA_DIR"] = str(data)
    out: dict[str, list[float]] = {"login_to_queue": [], "open": [], "enter": []}
    for doc_id in doc_ids:
        at = AppTest.from_file(str(APP), default_timeout=120).run()
        at.text_input(key="login_id").input("rev")
        at.text_input(key="login_password").input(PASSWORD)
        at.button(key="login_submit").click()
        out["login_to_queue"].append(_timed(at.run))
        goto(at, "review")
        at.query_params["doc"] = str(doc_id)
        out["open"].append(_timed(at.run))
        for _ in range(enters):
            boxes = [t for t in at.text_input if t.label == VALUE_LABEL]
            if not boxes:
                break
            (ok,) = [b for b in at.button if b.label == "確定"]
            ok.click()
            out["enter"].append(_timed(at.run))
    return {k: _summary(v) for k, v in out.items() if v}


def chromium(data: Path, workdir: Path, doc_ids: list[int], enters: int) -> dict[str, Any]:
    """The app as ``formocr ui`` starts it, in Debian's chromium (Playwright)."""
    from tests.ui.browser_app import chromium as browser_of
    from tests.ui.browser_app import new_page, running_app

    out: dict[str, list[float]] = {"login_to_queue": [], "open": [], "enter": []}
    with running_app(workdir, data) as base, browser_of() as browser:
        for _ in doc_ids:
            page = new_page(browser)
            page.goto(base)
            page.get_by_label("ログインID").fill("rev")
            page.get_by_label("パスワード").fill(PASSWORD)
            started = time.perf_counter()
            page.keyboard.press("Enter")
            page.get_by_role("button", name="開く").wait_for()
            page.locator("[data-testid='stDataFrame']").wait_for()
            wait_idle(page)
            out["login_to_queue"].append(time.perf_counter() - started)
            page.get_by_role("heading", name="確認キュー").click()
            started = time.perf_counter()
            page.keyboard.press("Alt+O")
            _wait_value_box(page, None)
            page.locator(f"figure.{inline_image.MARKER} img").first.wait_for()
            out["open"].append(time.perf_counter() - started)
            for _ in range(enters):
                before = _heading(page)
                if "要確認" not in before:
                    break
                started = time.perf_counter()
                page.keyboard.press("Enter")
                try:
                    _wait_value_box(page, before)
                except Exception:
                    page.screenshot(path="/tmp/review-latency-timeout.png")
                    print(before, "->", _heading(page), file=sys.stderr)
                    raise
                out["enter"].append(time.perf_counter() - started)
            page.close()
    return {k: _summary(v) for k, v in out.items() if v}


def _heading(page: Any) -> str:
    return str(page.evaluate("() => document.querySelector('h4')?.innerText ?? ''"))


def _wait_value_box(page: Any, before: str | None) -> None:
    """Until the app has finished its run (a key pressed while it runs may be lost), the
    field heading differs from ``before`` and the value box has the keyboard (or the document
    has no field left to do)."""
    page.wait_for_function(
        """([label, before]) => {
            const app = document.querySelector("[data-testid='stApp']");
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            const h = document.querySelector('h4');
            const text = h ? h.innerText : '';
            if (before !== null && text === before) return false;
            if (!text.includes('要確認')) return before !== null;  // nothing left to do
            const el = document.activeElement;
            return !!el && el.getAttribute('aria-label') === label;
        }""",
        arg=[VALUE_LABEL, before],
        polling=10,
        timeout=30_000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=3, help="documents worked through")
    parser.add_argument("--enters", type=int, default=8, help="Enters per document")
    parser.add_argument("--only", choices=("server", "chromium"), help="one of the two")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="review-latency-") as tmp:
        if args.only != "chromium":
            data = Path(tmp) / "server"
            report["server"] = server(data, seed(data, args.documents), args.enters)
        if args.only != "server":
            data = Path(tmp) / "chromium"
            ids = seed(data, args.documents)
            report["chromium"] = chromium(data, Path(tmp), ids, args.enters)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for where, figures in report.items():
        for action, f in figures.items():
            print(f"{where:9} {action:15} median {f['median']:.3f} s", end="")
            print(f"  max {f['max']:.3f} s  n={f['n']}")


if __name__ == "__main__":
    main()
