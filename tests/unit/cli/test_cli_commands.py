"""The ``formocr`` command: exit codes, remedies and the JSON contracts of its subcommands.

OCR is not measured here: ``process`` runs with a fake engine (see tests/integration for the
real models).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from form_schemas.registry import FormRegistry
from ocr_pipeline import pipeline as pipeline_module
from ocr_pipeline.cli import main
from ocr_pipeline.engines.models import PADDLE_MODELS, RAPID_MODELS
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.reader2 import model as reader2_model
from ocr_pipeline.synth import Degrade, Style, SynthOptions, synthesize

pytestmark = pytest.mark.usefixtures("no_formocr_env")

MakeEngine = Callable[..., Any]  # the ``fake_engine`` fixture


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(out: str) -> list[Any]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


# -- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["no-such-command"],
        ["process"],
        ["synth", "--form", "water_service", "--count", "many", "--out", "x"],
        ["config", "--threads", "two"],
        ["forms"],
        ["process", "x.png", "--no-such-flag"],
    ],
)
def test_bad_arguments_exit_2_and_say_what_to_do(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == int(ExitCode.BAD_ARGS) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "usage: formocr" in err
    assert "What to do: see `formocr" in err


def test_unknown_form_exits_2_with_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "forms", "show", "no_such_form", "--json")
    assert code == 2
    assert out == ""
    assert "unknown form 'no_such_form'" in err
    assert "What to do: use one of: furusato_onestop, resident_move, water_service" in err


def test_synth_of_an_unknown_form_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "synth", "--form", "nope", "--count", "1", "--out", tmp_path / "o")
    assert code == 2
    assert "water_service" in err
    assert not (tmp_path / "o").exists()


# -- forms ----------------------------------------------------------------------------------


def test_forms_list_json(capsys: pytest.CaptureFixture[str], registry: FormRegistry) -> None:
    code, out, _ = run(capsys, "forms", "list", "--json")
    assert code == 0
    (forms,) = json_lines(out)
    assert [f["id"] for f in forms] == registry.ids
    for f in forms:
        assert {"id", "title", "version", "fields"} <= set(f)
        assert f["fields"] == len(registry.get(f["id"]).fields)
        assert f["title"] == registry.get(f["id"]).spec.title


@pytest.mark.parametrize("form_id", ["furusato_onestop", "resident_move", "water_service"])
def test_forms_show_json_matches_the_documented_contract(
    capsys: pytest.CaptureFixture[str], registry: FormRegistry, form_id: str
) -> None:
    code, out, _ = run(capsys, "forms", "show", form_id, "--json")
    assert code == 0
    (doc,) = json_lines(out)
    form = registry.get(form_id)
    assert {"id", "title", "template", "fields"} <= set(doc)
    assert doc["id"] == form_id and doc["title"] == form.spec.title
    with Image.open(form.template_path) as img:
        size = img.size
    assert (doc["template"]["width"], doc["template"]["height"]) == size
    assert doc["template"]["dpi"] == form.spec.template.dpi
    assert [f["id"] for f in doc["fields"]] == [f.id for f in form.fields]
    for f in doc["fields"]:
        assert {"id", "label", "type", "bbox", "options", "boxes"} <= set(f)
        x0, y0, x1, y1 = f["bbox"]
        assert 0 <= x0 < x1 <= size[0] and 0 <= y0 < y1 <= size[1]
        assert isinstance(f["boxes"], int)
        for o in f["options"]:
            assert set(o) == {"code", "label", "bbox"} and len(o["bbox"]) == 4
    by_id = {f["id"]: f for f in doc["fields"]}
    if form_id == "furusato_onestop":
        assert by_id["my_number"]["boxes"] == 12
        assert [o["code"] for o in by_id["sex"]["options"]] == ["male", "female"]
        assert by_id["sex"]["options"][1]["label"] == "女"


def _broken_form(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(
        FormRegistry.from_dirs().get("water_service").template_path, folder / "template.png"
    )
    (folder / "form.yaml").write_text(
        "id: broken_form\n"
        "title: 壊れた帳票\n"
        "fields:\n"
        "- {id: sex, label: 性別, type: choice,\n"
        "   options: [{code: m, label: 男, bbox: [1, 1, 9, 9]}]}\n"
        "- {id: when, label: 日付, type: date}\n",
        encoding="utf-8",
    )
    return folder


def test_forms_check_lists_every_problem_of_a_broken_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "forms", "check", _broken_form(tmp_path / "broken"))
    assert code == int(ExitCode.SCHEMA_INVALID) == 5
    assert out == ""
    problems = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(problems) == 2
    assert "'sex'" in problems[0] and "two options" in problems[0]
    assert "'when'" in problems[1] and "parts" in problems[1]
    assert "What to do" in err


def test_forms_check_of_a_folder_without_a_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "forms", "check", tmp_path)
    assert code == 5
    assert "form.yaml" in err


def test_forms_check_accepts_a_built_in_form(
    capsys: pytest.CaptureFixture[str], registry: FormRegistry
) -> None:
    code, out, _ = run(capsys, "forms", "check", registry.get("water_service").folder)
    assert code == 0
    assert "water_service" in out and "OK" in out


def test_a_broken_extra_forms_dir_is_a_schema_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _broken_form(tmp_path / "forms" / "broken")
    code, _, err = run(capsys, "forms", "list", "--forms-dir", tmp_path / "forms")
    assert code == 5
    assert "formocr forms check" in err


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_forms_blank_writes_the_template_image(
    capsys: pytest.CaptureFixture[str], registry: FormRegistry, tmp_path: Path, suffix: str
) -> None:
    out_path = tmp_path / f"blank{suffix}"
    code, _, _ = run(capsys, "forms", "blank", "water_service", "--out", out_path)
    assert code == 0
    form = registry.get("water_service")
    with Image.open(out_path) as img:
        assert img.format == ("PNG" if suffix == ".png" else "JPEG")
        assert img.size == (form.width, form.height)


def test_forms_blank_into_a_missing_folder_is_unwritable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "forms", "blank", "water_service", "--out", tmp_path / "no" / "x.png"
    )
    assert code == ExitCode.OUTPUT_UNWRITABLE
    assert "What to do" in err


# -- config ---------------------------------------------------------------------------------


def test_config_shows_each_value_with_its_source(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    toml = tmp_path / "site.toml"
    toml.write_text('threads = 3\nengine = "rapidocr"\nrec_batch_size = 8\n', encoding="utf-8")
    monkeypatch.setenv("FORMOCR_CONFIG", str(toml))
    monkeypatch.setenv("FORMOCR_ENGINE", "paddleocr")
    monkeypatch.setenv("FORMOCR_THREADS", "4")
    code, out, _ = run(capsys, "config", "--json", "--threads", "5")
    assert code == 0
    (doc,) = json_lines(out)
    assert doc["config_file"] == str(toml)
    s = doc["settings"]
    assert set(s) >= {"engine", "threads", "rec_batch_size", "forms_dir", "data_dir", "dpi"}
    assert s["threads"]["value"] == "5" and s["threads"]["source"] == "flag"
    assert s["engine"] == {
        **s["engine"],
        "value": "paddleocr",
        "source": "environment FORMOCR_ENGINE",
    }
    assert s["rec_batch_size"]["value"] == "8" and s["rec_batch_size"]["source"] == f"file {toml}"
    assert s["dpi"]["value"] == "200" and s["dpi"]["source"] == "default"
    assert all(v["description"] for v in s.values())


def test_config_file_values_apply_without_env_or_flag(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    toml = tmp_path / "site.toml"
    toml.write_text("threads = 3\n", encoding="utf-8")
    monkeypatch.setenv("FORMOCR_CONFIG", str(toml))
    (doc,) = json_lines(run(capsys, "config", "--json")[1])
    assert doc["settings"]["threads"] == {**doc["settings"]["threads"], "value": "3"}


@pytest.mark.parametrize("content", ["threads = 0\n", "no_such_setting = 1\n", "threads = [\n"])
def test_an_invalid_config_file_exits_6(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    content: str,
) -> None:
    toml = tmp_path / "site.toml"
    toml.write_text(content, encoding="utf-8")
    monkeypatch.setenv("FORMOCR_CONFIG", str(toml))
    code, out, err = run(capsys, "config", "--json")
    assert code == int(ExitCode.CONFIG_INVALID) == 6
    assert out == "" and "What to do" in err


def test_a_missing_config_file_exits_6(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FORMOCR_CONFIG", str(tmp_path / "nowhere.toml"))
    code, _, err = run(capsys, "config")
    assert code == 6
    assert "nowhere.toml" in err and "FORMOCR_CONFIG" in err


# -- models ---------------------------------------------------------------------------------


def test_models_json_lists_every_verified_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "models", "--json")
    assert code == 0
    (entries,) = json_lines(out)
    recorded = {f.sha256 for files in PADDLE_MODELS.values() for f in files.values()}
    recorded |= {f.sha256 for f in RAPID_MODELS.values()}
    recorded |= {reader2_model.MODEL_SHA256, reader2_model.CLASSES_SHA256}
    assert len(entries) == len(recorded)
    assert {e["sha256"] for e in entries} == recorded
    for e in entries:
        assert set(e) == {"model", "sha256", "path"}
        assert Path(e["path"]).is_file()
    smallest = min(entries, key=lambda e: Path(e["path"]).stat().st_size)
    assert hashlib.sha256(Path(smallest["path"]).read_bytes()).hexdigest() == smallest["sha256"]


def test_models_from_an_empty_model_dir_exit_4(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FORMOCR_MODEL_DIR", str(tmp_path))
    code, out, err = run(capsys, "models", "--json")
    assert code == int(ExitCode.MODEL_MISSING) == 4
    assert out == ""
    assert "What to do" in err and "model_dir" in err


# -- process --------------------------------------------------------------------------------


@pytest.fixture
def fake_ocr(monkeypatch: pytest.MonkeyPatch, fake_engine: MakeEngine) -> Any:
    """Make ``Pipeline.create`` use a fake engine instead of loading a model."""
    engine = fake_engine()
    monkeypatch.setattr(pipeline_module, "create_engine", lambda _settings: engine)
    return engine


@pytest.fixture
def scans(tmp_path: Path, registry: FormRegistry) -> Path:
    """A folder with an empty water_service form, and a file that is no scan at all."""
    folder = tmp_path / "scans"
    folder.mkdir(parents=True)
    shutil.copy(registry.get("water_service").template_path, folder / "a_form.png")
    (folder / "b_broken.png").write_bytes(b"this is not an image, although it says so")
    return folder


@pytest.mark.usefixtures("fake_ocr")
def test_an_unreadable_file_is_reported_and_the_others_processed(
    capsys: pytest.CaptureFixture[str], scans: Path
) -> None:
    code, out, err = run(capsys, "process", scans / "b_broken.png", scans / "a_form.png", "--json")
    assert code == int(ExitCode.INPUT_UNREADABLE) == 3
    broken, good = json_lines(out)
    assert broken["source"] == str(scans / "b_broken.png")
    assert broken["status"] == "error"
    assert "b_broken.png" in broken["reason"] and "not a PNG" in broken["reason"]
    assert good["source"] == str(scans / "a_form.png")
    assert good["status"] == "ok" and good["form"] == "water_service"
    assert "Traceback" not in err


@pytest.mark.usefixtures("fake_ocr")
def test_process_a_folder_in_name_order(capsys: pytest.CaptureFixture[str], scans: Path) -> None:
    code, out, _ = run(capsys, "process", scans, "--json", "--brief")
    assert code == 3
    pages = json_lines(out)
    assert [Path(p["source"]).name for p in pages] == ["a_form.png", "b_broken.png"]
    assert "raw" not in pages[0]["fields"]["phone"]  # --brief


@pytest.mark.usefixtures("fake_ocr")
def test_process_a_folder_without_scans_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("nothing to read", encoding="utf-8")
    code, _, err = run(capsys, "process", tmp_path, "--json")
    assert code == 2
    assert "holds no scans" in err


def test_process_with_an_unknown_engine_exits_2(
    capsys: pytest.CaptureFixture[str], scans: Path
) -> None:
    code, out, err = run(capsys, "process", scans / "a_form.png", "--engine", "tesseract")
    assert code == 2
    assert out == ""
    assert "paddleocr" in err and "rapidocr" in err


@pytest.fixture
def filled_scan(tmp_path: Path, registry: FormRegistry) -> Path:
    """A printed, filled water_service form without scanner effects."""
    options = SynthOptions(style=Style.PRINT, degrade=Degrade.NONE)
    (written,) = synthesize(registry.get("water_service"), 1, tmp_path / "filled", options)
    return written


def test_an_engine_failure_on_a_page_is_an_error_record_not_a_crash(
    capsys: pytest.CaptureFixture[str],
    scans: Path,
    filled_scan: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_engine: MakeEngine,
) -> None:
    failing = fake_engine(fail=RuntimeError("inference session lost"))
    monkeypatch.setattr(pipeline_module, "create_engine", lambda _settings: failing)
    code, out, _ = run(capsys, "process", filled_scan, scans / "a_form.png", "--json")
    assert code == 0
    failed, empty = json_lines(out)
    assert failed["status"] == "error"
    assert "RuntimeError: inference session lost" in failed["reason"]
    assert empty["status"] == "ok"  # nothing written: the engine was never asked


@pytest.mark.usefixtures("fake_ocr")
def test_process_with_an_unknown_form_exits_2(
    capsys: pytest.CaptureFixture[str], scans: Path
) -> None:
    code, out, err = run(capsys, "process", scans / "a_form.png", "--form", "nope", "--json")
    assert code == 2
    assert out == ""
    assert "What to do: use one of" in err
