"""The code around OCR, driven by a fake engine: what is asked of the engine, how readings
become values, and how fields are routed to review."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from form_schemas.reasons import Reason
from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldSpec
from ocr_pipeline.engines import OcrEngine, Recognition
from ocr_pipeline.errors import ConfigInvalidError, ExitCode
from ocr_pipeline.extract import Thresholds, extract_fields
from ocr_pipeline.extract.interpret import Reading
from ocr_pipeline.extract.observe import DIGITS
from ocr_pipeline.extract.routing import FALLBACK_THRESHOLD, confidence, route
from ocr_pipeline.results import FieldResult, FieldStatus

FillPage = Callable[..., Any]  # the ``fill_page`` fixture
MakeEngine = Callable[..., Any]  # the ``fake_engine`` fixture
MakeReading = Callable[..., Recognition]

MY_NUMBER = "123456789018"  # check digit 8
FURUSATO = {
    "my_number": MY_NUMBER,
    "phone": "03-1234-5678",
    "name": "山田\u3000太郎",
    "donation_amount": 30000,
}
ACCEPT_ALL = Thresholds({}, default=0.0)


def scripted(
    texts: list[str], make: MakeReading, conf: float = 0.999
) -> Callable[..., Recognition]:
    """Readings in the order the crops are handed to the engine."""
    return lambda i, _crop, _allowed: make(texts[i], conf)


def run(
    fill_page: FillPage,
    engine: OcrEngine,
    field_ids: list[str],
    *,
    thresholds: Thresholds = ACCEPT_ALL,
    form_id: str = "furusato_onestop",
    values: dict[str, Any] | None = None,
) -> dict[str, FieldResult]:
    filled = fill_page(form_id, FURUSATO if values is None else values)
    spec = filled.model.form.spec
    fields: list[FieldSpec] = [spec.field(f) for f in field_ids]
    return extract_fields(filled.reg, filled.model, engine, thresholds, fields=fields)


def codes(result: FieldResult) -> list[str]:
    return [r.code for r in result.reasons]


def test_one_digit_crop_per_written_box_restricted_to_digits(
    fill_page: FillPage, fake_engine: MakeEngine, reading: MakeReading
) -> None:
    engine = fake_engine(script=scripted(list(MY_NUMBER), reading))
    out = run(fill_page, engine, ["my_number"])
    ((crops, allowed),) = engine.calls
    assert len(crops) == 12
    assert allowed == [DIGITS] * 12
    assert out["my_number"].value == MY_NUMBER


def test_review_policy_always_sends_even_a_sure_reading_to_review(
    fill_page: FillPage, fake_engine: MakeEngine, reading: MakeReading
) -> None:
    engine = fake_engine(script=scripted([*MY_NUMBER, "03", "1234", "5678"], reading))
    out = run(fill_page, engine, ["my_number", "phone"])
    assert out["my_number"].status is FieldStatus.REVIEW
    assert codes(out["my_number"]) == ["review_policy"]
    # The same sure reading of a field without that policy is accepted.
    assert out["phone"].value == "03-1234-5678"
    assert out["phone"].status is FieldStatus.ACCEPTED
    assert codes(out["phone"]) == []


def test_a_weak_reading_goes_to_review_as_low_confidence(
    fill_page: FillPage, fake_engine: MakeEngine, reading: MakeReading
) -> None:
    thresholds = Thresholds({"phone": 0.9})
    weak = fake_engine(script=scripted(["03", "1234", "5678"], reading, conf=0.4))
    out = run(fill_page, weak, ["phone"], thresholds=thresholds)["phone"]
    assert out.value == "03-1234-5678"
    assert out.status is FieldStatus.REVIEW
    assert codes(out) == ["low_confidence"]
    assert out.confidence <= 0.4
    sure = fake_engine(script=scripted(["03", "1234", "5678"], reading, conf=0.95))
    assert (
        run(fill_page, sure, ["phone"], thresholds=thresholds)["phone"].status
        is FieldStatus.ACCEPTED
    )


def test_a_failed_check_goes_to_review_with_its_reason(
    fill_page: FillPage, fake_engine: MakeEngine, reading: MakeReading
) -> None:
    bad = MY_NUMBER[:-1] + "9"  # wrong check digit
    engine = fake_engine(script=scripted(list(bad), reading))
    out = run(fill_page, engine, ["my_number"])["my_number"]
    assert "mynumber_check_digit" in codes(out)
    assert out.status is FieldStatus.REVIEW


def test_a_name_read_with_its_gap_is_accepted(
    fill_page: FillPage, fake_engine: MakeEngine, reading: MakeReading
) -> None:
    engine = fake_engine(script=scripted(["山田太郎"], reading))
    out = run(fill_page, engine, ["name"])["name"]
    assert out.value == "山田\u3000太郎"
    assert out.status is FieldStatus.ACCEPTED


def test_empty_fields_are_not_sent_to_the_engine(
    fill_page: FillPage, fake_engine: MakeEngine
) -> None:
    engine = fake_engine()
    out = run(fill_page, engine, ["address", "postal_code"], values={})
    assert engine.crops_seen == 0
    assert out["address"].value is None
    assert "required_missing" in codes(out["address"])
    assert out["postal_code"].value is None and codes(out["postal_code"]) == []


MEMBER = {
    "members.0.kana": "ヤマダ\u3000タロウ",
    "members.0.name": "山田\u3000太郎",
    "members.0.birth_date": "1985-06-15",
    "members.0.sex": "male",
    "members.0.relationship": "世帯主",
}


def test_unused_table_rows_come_out_empty_without_reasons(
    fill_page: FillPage, fake_engine: MakeEngine, reading: MakeReading
) -> None:
    def script(_i: int, _crop: object, allowed: frozenset[str] | None) -> Recognition:
        return reading("6" if allowed else "山田太郎")

    filled = fill_page("resident_move", MEMBER)
    cells = [f for f in filled.model.form.fields if f.id.startswith("members.")]
    out = extract_fields(
        filled.reg, filled.model, fake_engine(script=script), ACCEPT_ALL, fields=cells
    )
    assert len(out) == 4 * 5
    for row in (1, 2, 3):
        for column in ("kana", "name", "birth_date", "sex", "relationship"):
            cell = out[f"members.{row}.{column}"]
            assert cell.value is None, cell
            assert cell.reasons == [], cell
            assert cell.status is FieldStatus.ACCEPTED
    # The used row is read, and its cells are required: leaving one empty is a finding.
    assert out["members.0.sex"].value == "male"
    assert out["members.0.name"].value is not None


def test_a_partly_filled_row_reports_its_missing_cells(
    fill_page: FillPage, fake_engine: MakeEngine, reading: MakeReading
) -> None:
    filled = fill_page("resident_move", {"members.0.name": "山田\u3000太郎"})
    cells = [f for f in filled.model.form.fields if f.id.startswith("members.0.")]
    engine = fake_engine(script=lambda _i, _c, _a: reading("山田太郎"))
    out = extract_fields(filled.reg, filled.model, engine, ACCEPT_ALL, fields=cells)
    assert "required_missing" in codes(out["members.0.relationship"])
    assert out["members.0.relationship"].status is FieldStatus.REVIEW


def test_an_engine_failure_is_not_swallowed_by_extraction(
    fill_page: FillPage, fake_engine: MakeEngine
) -> None:
    engine = fake_engine(fail=RuntimeError("onnxruntime crashed"))
    with pytest.raises(RuntimeError, match="onnxruntime crashed"):
        run(fill_page, engine, ["name"])


# -- confidence and route, directly ---------------------------------------------------------


def _reading(evidence: float, reasons: list[Reason] | None = None) -> Reading:
    return Reading("x", reasons or [], "x", [evidence], evidence, True)


def test_confidence_is_evidence_discounted_by_checks_and_registration() -> None:
    assert confidence(_reading(0.9), 1.0) == pytest.approx(0.9)
    assert confidence(_reading(0.9, [Reason("invalid_date")]), 1.0) == pytest.approx(0.45)
    assert confidence(_reading(0.9), 0.4) == pytest.approx(0.45)  # half the quality needed
    assert 0.0 <= confidence(_reading(1.5), 2.0) <= 1.0


def test_route_at_the_threshold_accepts(registry: FormRegistry) -> None:
    spec = registry.get("furusato_onestop").spec.field("phone")
    thresholds = Thresholds({"phone": 0.8})
    assert route(spec, _reading(0.8), 0.8, thresholds)[0] is FieldStatus.ACCEPTED
    status, reasons = route(spec, _reading(0.8), 0.79, thresholds)
    assert status is FieldStatus.REVIEW and [r.code for r in reasons] == ["low_confidence"]


# -- thresholds files -----------------------------------------------------------------------


def _write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "calibration.json"
    path.write_text(content, encoding="utf-8")
    return path


def test_thresholds_file_is_read(tmp_path: Path) -> None:
    doc = {"thresholds": {"name": 0.93, "phone": 0.5}, "default": 0.97}
    t = Thresholds.load(_write(tmp_path, json.dumps(doc)))
    assert (t.for_type("name"), t.for_type("phone"), t.for_type("kana")) == (0.93, 0.5, 0.97)
    assert str(tmp_path) in t.source


def test_thresholds_default_when_the_file_gives_none(tmp_path: Path) -> None:
    t = Thresholds.load(_write(tmp_path, '{"thresholds": {}}'))
    assert t.for_type("name") == FALLBACK_THRESHOLD


def test_the_packaged_thresholds_load() -> None:
    t = Thresholds.load()
    assert 0.0 <= t.default <= 1.0
    assert all(0.0 <= v <= 1.0 for v in t.by_type.values())


def test_a_missing_thresholds_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigInvalidError) as info:
        Thresholds.load(tmp_path / "nope.json")
    assert info.value.exit_code is ExitCode.CONFIG_INVALID
    assert "formocr calibrate" in info.value.remedy


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[1, 2]",
        '{"default": 0.9}',
        '{"thresholds": {"name": "high"}}',
        '{"thresholds": {"name": 0.9}, "default": "x"}',
        pytest.param(
            '{"thresholds": null}',
        ),
        pytest.param(
            '{"thresholds": [0.9]}',
        ),
    ],
)
def test_a_bad_thresholds_file_is_a_config_error(tmp_path: Path, content: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(ConfigInvalidError) as info:
        Thresholds.load(path)
    assert str(path) in info.value.message
    assert info.value.remedy
