"""The review UI's pure parts: values as typed and shown, 個人番号 masking, the marked reading,
crops and page drawings, background jobs (never another's), the inbox drop."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import cast

import pytest
from PIL import Image

from form_schemas import sensitivity
from form_schemas.fieldtypes import interpret_typed
from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldValue
from ocr_pipeline.cli.cmd_ui import streamlit_command
from ocr_pipeline.errors import BadArgumentsError
from review_ui import images, inbox, jobs, texts, values


@pytest.mark.parametrize(
    ("form_id", "field_id", "value"),
    [
        ("water_service", "notice_type", "start"),
        ("water_service", "filed_on", "2024-04-01"),
        ("water_service", "phone", "03-1234-5678"),
        ("water_service", "user_name", "山田\u3000太郎"),
        ("furusato_onestop", "within_five", True),
        ("furusato_onestop", "donation_amount", 65000),
        ("furusato_onestop", "my_number", "463009968008"),
    ],
)
def test_a_value_shown_for_typing_reads_back_as_itself(
    registry: FormRegistry, form_id: str, field_id: str, value: FieldValue
) -> None:
    spec = registry.get(form_id).spec.field(field_id)
    text = values.to_text(spec, value)
    assert interpret_typed(spec, text).value == value
    assert values.to_text(spec, None) == ""


def test_masks_and_era_dates() -> None:
    assert sensitivity.mask("4630 0996-8008") == "●●●● ●●●●-●●●●"
    assert values.shown(None, "mynumber", "463009968008", revealed=False) == "●" * 12
    assert values.shown(None, "mynumber", "463009968008", revealed=True) == "463009968008"
    assert values.shown(None, "phone", "03-1", revealed=False) == "03-1"
    assert values.wareki("2019-05-01") == "令和元年5月1日"
    assert values.wareki("1989-01-07") == "昭和64年1月7日"
    assert values.wareki("not a date") == "not a date"


def test_the_reading_marks_unsure_characters_and_escapes_markdown() -> None:
    text = values.marked_reading("1*2", [0.99, 0.5, 0.99])
    assert text == "1:orange-background[**\\***]2"
    assert values.marked_reading("12", [0.1, 0.99], masked=True) == ":orange-background[**●**]●"
    assert values.marked_reading("", []) == "（空欄）"
    assert values.unsure_count("abc", [0.1, 0.95, 0.2]) == 2


def _png(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("L", size, 255).save(buf, "PNG")
    return buf.getvalue()


def test_a_crop_is_readable_and_scaled_from_template_pixels() -> None:
    page = _png((827, 1170))  # stored at half the template's size
    crop = Image.open(io.BytesIO(images.crop_field(page, (400, 900, 1000, 960), (1654, 2340))))
    assert crop.height >= images.MIN_HEIGHT and crop.width <= images.MAX_WIDTH
    drawn = images.page_with_boxes(page, [images.Box((10, 20, 110, 60), 1, "#ff0000")])
    assert Image.open(io.BytesIO(drawn)).size == (827, 1170)


def test_jobs_run_in_the_background_and_belong_to_their_owner() -> None:
    runner = jobs.JobRunner(workers=1)
    gate = threading.Event()
    job = runner.submit(("town-a", "sato"), "export", lambda: gate.wait(5) and 42)
    assert job.state is jobs.JobState.RUNNING
    assert runner.get(job.id, ("town-b", "sato")) is None  # another town's user sees nothing
    assert runner.latest(("town-a", "suzuki"), "export") is None
    gate.set()
    done = runner.wait(job.id, ("town-a", "sato"), timeout=5)
    assert done is not None and (done.state, done.result) == (jobs.JobState.DONE, 42)
    submitted = runner.submit(("town-a", "sato"), "export", lambda: 1 / 0)
    failed = runner.wait(submitted.id, ("town-a", "sato"), timeout=5)
    assert failed is not None and failed.state is jobs.JobState.FAILED
    # a bug is logged with a reference; the person is given the reference, not the exception
    assert "参照番号" in (failed.error or "") and "ZeroDivisionError" not in (failed.error or "")
    latest = runner.latest(("town-a", "sato"), "export")
    assert latest is not None and latest.id == failed.id


def test_uploads_land_in_the_towns_inbox_without_replacing_anything(tmp_path: Path) -> None:
    first = inbox.save_upload(tmp_path, "town-a", "../../etc/scan.pdf", b"one")
    second = inbox.save_upload(tmp_path, "town-a", "scan.pdf", b"two")
    hinted = inbox.save_upload(tmp_path, "town-a", "w.pdf", b"3", form_id="water_service")
    assert first.path.parent == tmp_path / "town-a" and first.path.read_bytes() == b"one"
    assert second.path != first.path and second.path.read_bytes() == b"two"
    assert hinted.path.parent == tmp_path / "town-a" / "water_service"
    assert not [p for p in (tmp_path / "town-a").iterdir() if p.name.startswith(".")]
    with pytest.raises(BadArgumentsError):
        inbox.save_upload(tmp_path, "../town-b", "x.pdf", b"x")


def test_japanese_names_cover_every_state() -> None:
    from ocr_pipeline.store import Action, DocumentStatus, FieldState, Role, SourceState

    assert set(texts.ACTION) == set(Action)
    assert set(texts.DOCUMENT_STATUS) == set(DocumentStatus)
    assert set(texts.FIELD_STATE) == set(FieldState)
    assert set(texts.ROLE) == set(Role) and set(texts.SOURCE_STATE) == set(SourceState)
    assert texts.size(12) == "12 B" and texts.size(2048) == "2.0 KB"


def test_a_scanned_page_is_brought_onto_the_template_by_its_matrix() -> None:
    img = Image.new("L", (100, 60), 255)
    img.putpixel((10, 20), 0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    # Upside down (180°) and shifted, as the registration of a page fed the wrong way round.
    registration = {"matrix": [[-1.0, 0.0, 104.0], [0.0, -1.0, 67.0]], "scale": 1.0}
    matrix = images.matrix_of(registration)
    assert matrix is not None and images.matrix_of({"matrix": "x"}) is None
    assert images.matrix_of(None) is None
    out = Image.open(io.BytesIO(images.registered(buf.getvalue(), matrix, (120, 80))))
    assert out.size == (120, 80)
    dark = [(x, y) for x in range(120) for y in range(80) if cast(int, out.getpixel((x, y))) < 128]
    assert dark == [(94, 47)]


def test_no_page_has_a_bare_string_streamlit_would_show() -> None:
    """Streamlit's "magic" prints any expression statement of a page, so a string meant as a
    note for programmers (after the module docstring) would appear in the UI, in English."""
    import ast

    screens = Path(__file__).parents[2] / "review_ui" / "screens"
    shown = []
    for path in sorted(screens.glob("*.py")):
        body = ast.parse(path.read_text("utf-8")).body
        shown += [
            f"{path.name}:{node.lineno}"
            for node in body[1:]
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ]
    assert shown == []
    assert "--runner.magicEnabled" in streamlit_command(8501, "127.0.0.1")


def test_the_two_readings_are_shown_in_japanese_and_never_as_markdown() -> None:
    note = texts.readings_note("month: recognizer 04, second reader 08")
    assert note == "`月: 主方式 04, 第2方式 08`"
    assert texts.readings_note("day: x`**y**") == "`日: x'**y**`"
    shown = texts.readings_note(
        "day: recognizer 1, second reader sees 2 characters; second reader's reading shown"
    )
    assert shown == "`日: 主方式 1, 第2方式は文字数 2 （表示は第2方式の読み）`"


def test_every_page_is_a_function_and_its_module_draws_nothing_on_import() -> None:
    """The navigation runs ``render()`` of each page's module; importing the module only
    defines things (no Streamlit call, no store access at the top level)."""
    import ast

    from review_ui import navigation

    screens = Path(__file__).parents[2] / "review_ui" / "screens"
    for name in [p.name for p in navigation.PAGES] + ["login"]:
        assert callable(navigation.render_of(name)), name
        body = ast.parse((screens / f"{name}.py").read_text("utf-8")).body
        for node in body[1:]:
            assert isinstance(
                node,
                ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef | ast.Assign
                | ast.AnnAssign,
            ), f"{name}.py:{node.lineno} runs at import"  # fmt: skip
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                calls = [n for n in ast.walk(node.value) if isinstance(n, ast.Call)]
                called = [ast.unparse(c.func) for c in calls]
                assert not [c for c in called if c.startswith(("st.", "services."))], (
                    f"{name}.py:{node.lineno} calls {called} at import"
                )
