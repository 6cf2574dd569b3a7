"""``formocr process`` output: 個人番号 and fields a form marks ``sensitive: true`` are masked
(table and JSON) unless ``--show-sensitive``; a file that cannot be read is said to be so,
with why and what to do, and no page line.

OCR is not measured here: the pipeline runs on the fake engine and the pages are made in code.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from form_schemas.reasons import Reason
from form_schemas.registry import FormRegistry
from form_schemas.sensitivity import MASK
from ocr_pipeline import pipeline as pipeline_module
from ocr_pipeline.cli import cmd_process, main
from ocr_pipeline.cli.masking import masked_page
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus
from tests.sample_records import FURUSATO_VALUES

pytestmark = pytest.mark.usefixtures("no_formocr_env")

MY_NUMBER = str(FURUSATO_VALUES["my_number"])


def _page(form: str, values: dict[str, Any], reasons: dict[str, list[Reason]]) -> PageResult:
    fields = {
        fid: FieldResult(
            fid,
            "text",
            value,
            0.5 if fid in reasons else 0.99,
            FieldStatus.REVIEW if fid in reasons else FieldStatus.ACCEPTED,
            reasons=reasons.get(fid, []),
            raw="" if value is None else str(value),
        )
        for fid, value in values.items()
    }
    return PageResult("scan.pdf", 1, PageStatus.OK, form, 1, fields=fields)


FURUSATO_PAGE = _page(
    "furusato_onestop",
    FURUSATO_VALUES,
    {"my_number": [Reason("box_count_mismatch", f"box 3 read as {MY_NUMBER[2]!r}")]},
)


@pytest.fixture
def reads(
    monkeypatch: pytest.MonkeyPatch, fake_engine: Callable[..., Any]
) -> Callable[[list[PageResult]], None]:
    """``reads(pages)``: every file given to ``formocr process`` reads as ``pages``."""
    engine = fake_engine()
    monkeypatch.setattr(pipeline_module, "create_engine", lambda _settings: engine)

    def use(pages: list[PageResult]) -> None:
        def process(_pipe: Any, _path: Path, _form: str | None) -> Iterator[PageResult]:
            yield from pages

        monkeypatch.setattr(cmd_process, "process_document", process)

    return use


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["process", "scan.pdf", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_table_masks_the_my_number(
    capsys: pytest.CaptureFixture[str], reads: Callable[[list[PageResult]], None]
) -> None:
    reads([FURUSATO_PAGE])
    code, out, _ = _run(capsys)
    assert code == 0
    assert MY_NUMBER not in out and MASK * 12 in out
    assert "野田" in out  # other fields as read


def test_json_masks_value_raw_and_details(
    capsys: pytest.CaptureFixture[str], reads: Callable[[list[PageResult]], None]
) -> None:
    reads([FURUSATO_PAGE])
    code, out, _ = _run(capsys, "--json")
    field = json.loads(out)["fields"]["my_number"]
    assert code == 0 and MY_NUMBER not in out
    assert field["value"] == field["raw"] == MASK * 12
    assert field["reasons"] == ["box_count_mismatch"]
    assert "read as" not in out and "withheld" in field["details"][0]
    assert json.loads(out)["fields"]["phone"]["value"] == FURUSATO_VALUES["phone"]


def test_show_sensitive_prints_it_as_read_and_says_so(
    capsys: pytest.CaptureFixture[str],
    reads: Callable[[list[PageResult]], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    reads([FURUSATO_PAGE])
    code, out, _ = _run(capsys, "--json", "--show-sensitive")
    assert code == 0 and json.loads(out)["fields"]["my_number"]["value"] == MY_NUMBER
    assert "--show-sensitive" in caplog.text
    code, out, _ = _run(capsys, "--show-sensitive")
    assert MY_NUMBER in out


def test_a_field_marked_sensitive_is_masked_too(tmp_path: Path, registry: FormRegistry) -> None:
    folder = tmp_path / "forms" / "water_private"
    shutil.copytree(registry.get("water_service").folder, folder)
    spec = yaml.safe_load((folder / "form.yaml").read_text(encoding="utf-8"))
    spec["id"] = "water_private"
    next(f for f in spec["fields"] if f["id"] == "phone")["sensitive"] = True
    (folder / "form.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    forms = FormRegistry.from_dirs([tmp_path / "forms"])
    page = _page("water_private", {"phone": "03-1234-5678", "user_name": "山田"}, {})
    shown = masked_page(page, forms)
    assert shown.fields["phone"].value == "●●-●●●●-●●●●"
    assert shown.fields["user_name"].value == "山田"
    assert page.fields["phone"].value == "03-1234-5678"  # the page itself is unchanged


def test_an_unreadable_file_says_so_without_a_page_line(
    capsys: pytest.CaptureFixture[str], fake_engine: Callable[..., Any], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    engine = fake_engine()
    monkeypatch.setattr(pipeline_module, "create_engine", lambda _settings: engine)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"this is not an image, although it says so")
    code = main(["process", str(broken)])
    out, _ = capsys.readouterr()
    assert code == 3
    assert out.startswith(f"{broken}: the file could not be read: not a PNG")
    assert "\n  What to do: " in out
    assert "p.0" not in out and "page(s)" not in out and "error" not in out
    assert out.endswith(f"1 file(s) could not be read (see above): {broken}\n")


def test_the_summary_counts_pages_and_names_the_files_not_read() -> None:
    text = cmd_process.summary(Counter({"ok": 2, "blank": 1}), 4, [Path("a.pdf"), Path("b.png")])
    assert text == (
        "3 page(s): 1 blank, 2 ok; 4 field(s) need review\n"
        "2 file(s) could not be read (see above): a.pdf, b.png\n"
    )
    assert cmd_process.summary(Counter({"ok": 1}), 0, []) == (
        "1 page(s): 1 ok; 0 field(s) need review\n"
    )
