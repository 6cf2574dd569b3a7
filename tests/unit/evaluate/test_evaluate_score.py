"""Scoring results against truth, and the evaluation report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from form_schemas.spec import FieldValue
from ocr_pipeline.errors import BadArgumentsError, InputUnreadableError
from ocr_pipeline.evaluate.score import (
    FieldOutcome,
    PageOutcome,
    edit_distance,
    report,
    score_page,
)
from ocr_pipeline.evaluate.stats import wilson_upper
from ocr_pipeline.evaluate.truth import TruthPage, load_truth, scans_with_truth
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus
from tests.json_contract import REPORT_KEYS


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("", "abc", 3),
        ("abc", "abc", 0),
        ("kitten", "sitting", 3),
        ("山田太郎", "山田大郎", 1),
        ("ヤマダ", "ヤマダ\u3000タロウ", 4),
        ("12345", "1245", 1),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def _field(
    fid: str, ftype: str, value: FieldValue, conf: float = 0.99, review: bool = False
) -> FieldResult:
    status = FieldStatus.REVIEW if review else FieldStatus.ACCEPTED
    return FieldResult(id=fid, type=ftype, value=value, confidence=conf, status=status)


def _page(fields: list[FieldResult], form: str = "water_service", page: int = 1) -> PageResult:
    return PageResult(
        source="scan.png",
        page=page,
        status=PageStatus.OK,
        form=form,
        fields={f.id: f for f in fields},
    )


def _outcomes(result: PageResult, truth: dict[str, FieldValue]) -> dict[str, FieldOutcome]:
    _, fields = score_page(result, TruthPage(form="water_service", fields=truth))
    return {f.field: f for f in fields}


def test_a_field_is_correct_only_with_the_same_value_and_type() -> None:
    result = _page(
        [
            _field("flag", "checkbox", 1),
            _field("on", "checkbox", True),
            _field("amount", "amount", 1),
            _field("empty", "text", None),
            _field("name", "name", "山田\u3000太郎"),
            _field("code", "digits", 1234),
        ]
    )
    truth: dict[str, FieldValue] = {
        "flag": True,
        "on": True,
        "amount": 1,
        "empty": None,
        "name": "山田\u3000太朗",
        "code": "1234",
    }
    out = _outcomes(result, truth)
    assert not out["flag"].correct  # 1 == True in Python, but not in an export
    assert out["on"].correct
    assert out["amount"].correct
    assert out["empty"].correct
    assert not out["name"].correct
    assert (out["name"].edits, out["name"].length) == (1, 5)
    assert not out["code"].correct  # digits are strings: leading zeros matter


def test_a_field_missing_from_the_result_is_wrong_and_marked() -> None:
    out = _outcomes(_page([]), {"phone": "03-1234-5678"})
    assert not out["phone"].correct
    assert out["phone"].type == "missing"
    assert out["phone"].reasons == ("missing",)
    assert out["phone"].status == "review"


def test_a_page_read_as_another_form_scores_no_fields() -> None:
    page, fields = score_page(
        _page([_field("phone", "phone", "03")], form="furusato_onestop"),
        TruthPage(form="water_service", fields={"phone": "03"}),
    )
    assert fields == []
    assert not page.correct


def test_a_blank_page_is_correct_when_it_comes_out_blank() -> None:
    result = PageResult(source="s.pdf", page=2, status=PageStatus.BLANK)
    page, fields = score_page(result, TruthPage(form=None, fields={}, status="blank"))
    assert page.correct and fields == []
    wrong = PageOutcome("s.pdf", 2, "blank", None, "unclassified", None)
    assert not wrong.correct


def _outcome(
    correct: bool, conf: float, status: str = "accepted", ftype: str = "name", page: int = 1
) -> FieldOutcome:
    return FieldOutcome(
        source="s.png", page=page, form="water_service", field=f"f{conf}", type=ftype,
        truth="a", value="a" if correct else "b", confidence=conf, status=status,
        reasons=() if status == "accepted" else ("low_confidence",),
        correct=correct, edits=0 if correct else 1, length=1,
    )  # fmt: skip


def test_report_has_every_documented_key_and_adds_up() -> None:
    pages = [
        PageOutcome("s.png", 1, "ok", "water_service", "ok", "water_service"),
        PageOutcome("s.png", 2, "blank", None, "blank", None),
    ]
    fields = [
        _outcome(True, 0.99),
        _outcome(False, 0.98),
        _outcome(True, 0.5, status="review", ftype="phone"),
        _outcome(True, 0.97, ftype="phone"),
    ]
    rep = report(pages, fields, seconds=4.0)
    assert set(rep) >= REPORT_KEYS
    assert rep["pages"] == 2
    assert rep["field_accuracy"] == pytest.approx(0.75)
    assert rep["char_accuracy"] == pytest.approx(0.75)
    assert rep["straight_through_rate"] == pytest.approx(0.75)
    assert rep["auto_accept_error_rate"] == pytest.approx(1 / 3)
    assert rep["pages_per_second"] == pytest.approx(0.5)
    assert rep["page_accuracy"] == pytest.approx(1.0)
    assert set(rep["by_type"]) == {"name", "phone"}
    assert rep["by_type"]["phone"] == {
        "fields": 2,
        "field_accuracy": 1.0,
        "auto_accepted": 0.5,
        "accepted": 1,
        "wrong_accepted": 0,
        "auto_accept_error_rate": 0.0,
        "auto_accept_error_upper_95": pytest.approx(wilson_upper(0, 1)),
    }
    assert (rep["accepted"], rep["wrong_accepted"]) == (3, 1)
    assert rep["auto_accept_error_upper_95"] == pytest.approx(wilson_upper(1, 3), abs=1e-6)
    assert set(rep["by_form"]) == {"water_service"}
    json.dumps(rep)  # the --json output


def test_report_of_nothing_has_no_rates() -> None:
    rep = report([], [], seconds=0.0)
    assert set(rep) >= REPORT_KEYS
    assert rep["pages"] == 0
    assert rep["field_accuracy"] is None
    assert rep["char_accuracy"] is None
    assert rep["pages_per_second"] is None


def test_truth_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "a.truth.json"
    path.write_text(
        json.dumps(
            {
                "pages": [
                    {"form": "water_service", "fields": {"phone": "03"}, "style": "hand"},
                    {"form": None, "status": "blank", "fields": {}},
                    {"form": None},
                ]
            }
        ),
        encoding="utf-8",
    )
    first, blank, foreign = load_truth(path)
    assert (first.form, first.status, first.fields, first.meta) == (
        "water_service",
        "ok",
        {"phone": "03"},
        {"style": "hand"},
    )
    assert blank.status == "blank"
    assert foreign.status == "unclassified"


def test_a_malformed_truth_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "a.truth.json"
    path.write_text('{"pages": 3}', encoding="utf-8")
    with pytest.raises(InputUnreadableError) as info:
        load_truth(path)
    assert info.value.path == path


def test_a_folder_without_truth_is_a_bad_argument(tmp_path: Path) -> None:
    (tmp_path / "scan.png").write_bytes(b"not read")
    with pytest.raises(BadArgumentsError):
        list(scans_with_truth(tmp_path))
    with pytest.raises(BadArgumentsError):
        list(scans_with_truth(tmp_path / "missing"))
