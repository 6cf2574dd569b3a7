"""Every corpus case through ``formocr process FILE --json``: the exit code, one JSON line per
page (or one error line naming the file, why and what to do), and never a traceback. Then the
whole corpus in one real ``formocr`` process under a strict UTF-8 locale."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline.cli import cmd_process
from ocr_pipeline.errors import ExitCode

from .case import Case, Fault, Outcome
from .conftest import CliRun
from .corpus import CASES, build_all
from .pages import Pages

pytestmark = pytest.mark.ocr

EXIT_CODES = {
    Outcome.READ: ExitCode.OK,
    Outcome.REFUSED: ExitCode.INPUT_UNREADABLE,
    Outcome.UNWRITABLE: ExitCode.OUTPUT_UNWRITABLE,
}


class FullDisk:
    """Standard output on a full disk: every write fails with ENOSPC."""

    encoding = "utf-8"

    def write(self, _text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _rotation(line: dict[str, Any]) -> float:
    return float(line["registration"]["rotation_deg"]) % 360


EXTRA_CHECKS: dict[str, Callable[[list[dict[str, Any]]], bool]] = {
    # Turned upright by registration, and by EXIF before it.
    "upside_down": lambda lines: abs(_rotation(lines[0]) - 180) < 5,
    "jpeg_exif_rotated": lambda lines: min(_rotation(lines[0]), 360 - _rotation(lines[0])) < 5,
}


def assert_refusal(case: Case, path: Path, line: dict[str, Any]) -> None:
    """The one line of a refused file: page 0, status error, a reason naming the file, saying
    why (``case.message``) and what to do."""
    assert (line["source"], line["page"], line["status"]) == (str(path), 0, "error")
    reason = line["reason"]
    assert reason.startswith(f"{path}: "), reason
    assert case.message in reason
    assert "\n  What to do: " in reason


def assert_pages(case: Case, path: Path, lines: list[dict[str, Any]]) -> None:
    """The pages of a read file: in order, with the statuses and form the case expects, and
    ``case.message`` in the reasons of its error pages (of all pages not ``ok`` if none)."""
    assert [line["status"] for line in lines] == list(case.pages)
    assert [line["page"] for line in lines] == list(range(1, len(case.pages) + 1))
    explained = {"error"} if "error" in case.pages else set(case.pages) - {"ok"}
    for line in lines:
        assert line["source"] == str(path)
        if line["status"] == "ok":
            assert line["form"] == case.form
            assert line["fields"], "an ok page has its fields"
        else:
            assert line["reason"]
            assert case.message in line["reason"] or line["status"] not in explained


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_process(
    case: Case,
    build_case: Callable[[Case], Path],
    formocr: Callable[..., CliRun],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = build_case(case)
    stdout: object = None
    if case.fault is Fault.VANISH:
        listed = cmd_process.expand

        def list_then_delete(paths: list[Path]) -> list[Path]:
            files = listed(paths)
            path.unlink()
            return files

        monkeypatch.setattr(cmd_process, "expand", list_then_delete)
    elif case.fault is Fault.DISK_FULL:
        stdout = FullDisk()
    if case.id == "read_only":
        path.parent.chmod(0o555)  # a read-only inbox: reading needs no write permission
    try:
        run = formocr("process", path, "--json", stdout=stdout)
    finally:
        path.parent.chmod(0o755)
    assert "Traceback" not in run.stderr
    assert run.code == EXIT_CODES[case.outcome], run.stderr
    if case.outcome is Outcome.UNWRITABLE:
        assert run.lines == []
        assert run.stderr.startswith("formocr: error: cannot write the output")
        assert case.message in run.stderr and "\n  What to do: Free space" in run.stderr
    elif case.outcome is Outcome.REFUSED:
        (line,) = run.lines
        assert_refusal(case, path, line)
    else:
        assert_pages(case, path, run.lines)
        if case.id in EXTRA_CHECKS:
            assert EXTRA_CHECKS[case.id](run.lines), run.lines[0]["registration"]


def test_whole_corpus_in_one_real_process(tmp_path: Path, corpus_pages: Pages) -> None:
    """One ``formocr process --json`` process over every file at once, under a strict UTF-8
    locale (a file name that is not UTF-8 must not break the output): every file accounted
    for, exit code 3 (some files were refused, the others still read), no traceback."""
    folder = tmp_path / "inbox"
    cases = [c for c in build_all(folder, pages=corpus_pages) if c.fault is not Fault.DISK_FULL]
    for case in cases:
        if case.fault is Fault.VANISH:
            case.path(folder).unlink()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMOCR_")}
    env |= {"FORMOCR_DATA_DIR": str(tmp_path / "data"), "PYTHONIOENCODING": "utf-8:strict"}
    argv = [sys.executable, "-m", "ocr_pipeline", "process", "--json", "--brief"]
    proc = subprocess.run(
        [*argv, *(os.fspath(c.path(folder)) for c in cases)],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=1200,
        check=False,
    )
    stderr = proc.stderr.decode("utf-8", "backslashreplace")
    assert b"Traceback" not in proc.stderr, stderr
    assert "Warning: " not in stderr, "ingest applies its own limits; no Python warnings"
    assert proc.returncode == ExitCode.INPUT_UNREADABLE, stderr
    lines = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    by_source: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        by_source.setdefault(line["source"], []).append(line)
    assert set(by_source) == {str(c.path(folder)) for c in cases}
    for case in cases:
        path = case.path(folder)
        if case.outcome is Outcome.REFUSED:
            (line,) = by_source[str(path)]
            assert_refusal(case, path, line)
        else:
            assert_pages(case, path, by_source[str(path)])
