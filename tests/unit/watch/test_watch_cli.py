"""The watcher's command-line side: flags become settings, the log line, signals, samples."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from pathlib import Path

import pytest

from ocr_pipeline.cli import build_parser
from ocr_pipeline.cli.cmd_demo import sample_scans
from ocr_pipeline.cli.cmd_watch import stop_on_signals, summary_line, watch_settings
from ocr_pipeline.errors import BadArgumentsError, ConfigInvalidError
from ocr_pipeline.settings import Settings
from ocr_pipeline.watch import FileOutcome, Outcome, QuarantineCode, RunSummary, WatchOptions


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["watch", *argv])


@pytest.mark.usefixtures("no_formocr_env")
def test_flags_become_settings_and_options(tmp_path: Path) -> None:
    s = watch_settings(_args("--inbox", str(tmp_path / "in"), "--workers", "3", "--settle",
                             "0.5", "--rescan", "7", "--once"))  # fmt: skip
    assert (s.inbox_path, s.workers, s.settle_seconds, s.rescan_seconds) == (
        tmp_path / "in", 3, 0.5, 7.0,
    )  # fmt: skip
    opts = WatchOptions.from_settings(s, once=True)
    assert (opts.workers, opts.settle, opts.rescan, opts.once) == (3, 0.5, 7.0, True)
    with pytest.raises(ConfigInvalidError):
        watch_settings(_args("--workers", "0"))


@pytest.mark.usefixtures("no_formocr_env")
def test_folders_default_to_runtime_in_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMOCR_QUARANTINE_DIR", "/srv/q")
    s = watch_settings(_args())
    assert s.inbox_path == s.data_dir / "runtime" / "inbox"
    assert s.archive_path == s.data_dir / "runtime" / "archive"
    assert s.quarantine_path == Path("/srv/q")


def test_the_log_line_names_tenant_file_outcome_and_seconds() -> None:
    line = FileOutcome(
        tenant="012025", name="water_service/申請 1.pdf", outcome=Outcome.DOCUMENTS,
        seconds=2.345, source_id=7, documents=2, pages={"ok": 2, "blank": 1},
        fields_to_review=3,
    ).line()  # fmt: skip
    assert line.startswith('tenant=012025 file="water_service/申請 1.pdf" outcome=documents ')
    assert 'documents=2 pages="blank:1 ok:2" review_fields=3' in line
    assert line.endswith("seconds=2.35") and "\n" not in line
    bad = FileOutcome("t", "a\nb.pdf", Outcome.QUARANTINED, 0.1, code=QuarantineCode.UNREADABLE,
                      reason="the file is empty (0 bytes)").line()  # fmt: skip
    assert "\n" not in bad and 'reason="the file is empty (0 bytes)"' in bad
    summary = RunSummary([FileOutcome("t", "x", Outcome.DUPLICATE, 0.0)])
    assert summary_line(summary) == "1 file(s): 1 duplicate; 0 document(s)"


def test_signals_set_the_stop_event_and_are_restored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    stop = threading.Event()
    with stop_on_signals(stop) as received:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(5) and received == [signal.SIGTERM]
    assert signal.getsignal(signal.SIGTERM) == before


def test_demo_samples(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"x")
    (tmp_path / "a.truth.json").write_text("{}")
    (tmp_path / "b.JPG").write_bytes(b"x")
    assert [p.name for p in sample_scans(tmp_path)] == ["a.pdf", "b.JPG"]
    assert sample_scans(None)  # the committed samples of the repository
    with pytest.raises(BadArgumentsError):
        sample_scans(tmp_path / "empty")


def test_settings_defaults_are_sane() -> None:
    fields = Settings.model_fields
    assert fields["workers"].default >= 1 and fields["settle_seconds"].default > 0
    assert fields["lease_seconds"].default > 3 * 1.0  # heartbeats every third of the lease
