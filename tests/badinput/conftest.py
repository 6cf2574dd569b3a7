"""Fixtures for the bad-input tests: the corpus's page images (made once per session), a
case built on its own into a test's folder, and ``formocr`` run in this process on the real
OCR engine (loaded once per session, handed to the pipeline through the engine seam).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline import pipeline as pipeline_module
from ocr_pipeline.cli import main
from ocr_pipeline.engines import OcrEngine

from .case import Case, Target
from .pages import Pages


@pytest.fixture(scope="session")
def corpus_pages() -> Pages:
    """The page images every case is made from (synthesised once)."""
    return Pages()


@pytest.fixture
def build_case(tmp_path: Path, corpus_pages: Pages) -> Callable[[Case], Path]:
    """``build_case(case)``: write the case's file into ``tmp_path / "inbox"``; its path."""

    def build(case: Case) -> Path:
        folder, aside = tmp_path / "inbox", tmp_path / "aside"
        folder.mkdir(exist_ok=True)
        aside.mkdir(exist_ok=True)
        path = case.path(folder)
        case.build(Target(path, aside, corpus_pages))
        return path

    return build


@dataclass(frozen=True)
class CliRun:
    """One ``formocr`` run: exit code, the JSON lines it printed, and its stderr."""

    code: int
    lines: list[dict[str, Any]]
    stderr: str


@pytest.fixture
def formocr(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    ocr_engine: OcrEngine,
) -> Callable[..., CliRun]:
    """``formocr(*argv, stdout=None)``: run the command in this process, as a clerk would (no
    FORMOCR_* variables but the data folder, no config file), with the session's real OCR
    engine; ``stdout`` replaces standard output for the run."""
    for key in list(os.environ):
        if key.startswith("FORMOCR_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FORMOCR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pipeline_module, "create_engine", lambda _settings: ocr_engine)

    def run(*argv: str | Path, stdout: object = None) -> CliRun:
        capsys.readouterr()
        with pytest.MonkeyPatch.context() as mp:
            if stdout is not None:
                mp.setattr("sys.stdout", stdout)
            code = main([os.fspath(a) for a in argv])
        out, err = capsys.readouterr()
        return CliRun(code, [json.loads(line) for line in out.splitlines() if line], err)

    return run
