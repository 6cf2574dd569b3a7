"""Scans for the integration tests, and one ``formocr process --json`` run over all of them.

Besides the session's synthesised forms (``synth_scans``) this makes the pages a correct
pipeline must refuse: an empty back side, a letter of no known form, a form with most of the
page cut off, and a two-page PDF holding two different forms.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from form_schemas.registry import FormRegistry
from ocr_pipeline.cli import main
from ocr_pipeline.synth import (
    Degrade,
    OutFormat,
    Style,
    SynthOptions,
    blank_page,
    blank_truth,
    degrade_page,
    foreign_page,
    foreign_truth,
    synth_page,
    write_document,
)
from ocr_pipeline.synth.scan import a4_size

Image = np.ndarray[Any, np.dtype[np.uint8]]


@dataclass(frozen=True)
class Extras:
    """Paths of the special scans."""

    folder: Path
    blank: Path
    foreign: Path
    cropped: Path
    two_forms: Path
    two_forms_truth: list[dict[str, Any]]


def _at_200_dpi(scan: Image, dpi: int) -> Image:
    if dpi == 200:
        return scan
    f = 200 / dpi
    return np.asarray(cv2.resize(scan, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), np.uint8)


@pytest.fixture(scope="session")
def extras(tmp_path_factory: pytest.TempPathFactory, registry: FormRegistry) -> Extras:
    folder = tmp_path_factory.mktemp("extras")
    rng = np.random.default_rng(2024)
    options = SynthOptions(style=Style.PRINT, degrade=Degrade.MILD)

    blank = write_document(
        [(blank_page(rng, Degrade.MILD, dpi=300), blank_truth())], folder / "blank.png",
        OutFormat.PNG, 300,
    )  # fmt: skip

    letter, applied = degrade_page(foreign_page(rng), rng, Degrade.MILD, dpi=200)
    foreign = write_document(
        [(letter, foreign_truth(applied))], folder / "foreign.png", OutFormat.PNG, 200
    )

    scan, truth = synth_page(registry.get("water_service"), rng, options)
    dpi = int(truth["degrade"]["dpi"])
    width, height = a4_size(dpi)
    page = np.full((height, width, *scan.shape[2:]), 255, dtype=np.uint8)
    top = scan[: scan.shape[0] // 5, :width]
    page[: top.shape[0], : top.shape[1]] = top
    cropped = write_document(
        [(page, {"form": None, "status": "unregistered", "fields": {}})],
        folder / "cropped.png", OutFormat.PNG, dpi,
    )  # fmt: skip

    pages = []
    for form_id in ("furusato_onestop", "resident_move"):
        scan, truth = synth_page(registry.get(form_id), rng, options)
        pages.append((_at_200_dpi(scan, int(truth["degrade"]["dpi"])), truth))
    two_forms = write_document(pages, folder / "two_forms.pdf", OutFormat.PDF, 200)
    return Extras(folder, blank, foreign, cropped, two_forms, [t for _, t in pages])


@contextlib.contextmanager
def cli_environment(data_dir: Path) -> Iterator[None]:
    """The CLI as a clerk runs it: no FORMOCR_* variables but the data folder, no config file."""
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith("FORMOCR_"):
                mp.delenv(key)
        mp.setenv("FORMOCR_DATA_DIR", str(data_dir))
        mp.chdir(data_dir)
        yield


def run_cli(data_dir: Path, *argv: str | Path) -> tuple[int, str]:
    """``formocr ARGV`` in this process; its exit code and stdout."""
    out = io.StringIO()
    with cli_environment(data_dir), contextlib.redirect_stdout(out):
        code = main([str(a) for a in argv])
    return code, out.getvalue()


@pytest.fixture(scope="session")
def cli() -> Callable[..., tuple[int, str]]:
    """``cli(data_dir, *argv)``: run ``formocr`` in this process (see :func:`run_cli`)."""
    return run_cli


@dataclass(frozen=True)
class Processed:
    code: int
    pages: list[dict[str, Any]]

    def of(self, path: Path) -> list[dict[str, Any]]:
        return [p for p in self.pages if p["source"] == str(path)]


@pytest.fixture(scope="session")
def processed(
    synth_scans: Path, extras: Extras, tmp_path_factory: pytest.TempPathFactory
) -> Processed:
    """``formocr process --json`` over the synthesised forms and the special scans."""
    code, out = run_cli(
        tmp_path_factory.mktemp("cli-data"), "process", synth_scans, extras.folder, "--json"
    )
    return Processed(code, [json.loads(line) for line in out.splitlines() if line.strip()])
