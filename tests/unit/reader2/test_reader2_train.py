"""``formocr train reader`` end to end on a tiny setting: a loadable model that reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocr_pipeline.cli import main
from ocr_pipeline.reader2.model import SecondReader
from tests.reader2_glyphs import drawn

pytest.importorskip("sklearn")
pytest.importorskip("skl2onnx")


@pytest.mark.ocr
def test_training_writes_a_model_that_loads_and_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tiny.onnx"
    code = main(
        [
            "train",
            "reader",
            "--out",
            str(out),
            "--per-class",
            "12",
            "--classes",
            "017",
            "--workers",
            "1",
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["out"] == str(out) and len(report["sha256"]) == 64
    assert set(report["per_class"]) == {"0", "1", "7"}
    reader = SecondReader.load(out, sha256=report["sha256"], classes_sha256=None)
    assert reader.classes == ("0", "1", "7")
    (guess,) = reader.read([drawn("0", 40)])
    assert guess.char in "017"


def test_an_unknown_class_is_a_bad_argument(tmp_path: Path) -> None:
    assert main(["train", "reader", "--out", str(tmp_path / "x.onnx"), "--classes", "漢"]) == 2
