"""What is written in each part of a reviewed field, told from its final value."""

from __future__ import annotations

from form_schemas.spec import FieldSpec
from ocr_pipeline.training.samples import part_labels
from tests.training_kit import FORMS


def _spec(form: str, field: str) -> FieldSpec:
    return next(f for f in FORMS.get(form).spec.all_fields() if f.id == field)


def _all(parts: list[str]) -> dict[str, bool]:
    return dict.fromkeys(parts, True)


def test_comb_boxes_take_the_characters_in_order_only_when_they_fit() -> None:
    spec = _spec("water_service", "meter_number")  # 8 boxes
    boxes = [f"0.{b}" for b in range(8)]
    assert part_labels(spec, "12345678", _all(boxes)) == dict(zip(boxes, "12345678", strict=True))
    # 7 digits in 8 boxes with writing: which box is empty is not known
    assert part_labels(spec, "1234567", _all(boxes)) == {}
    # 7 digits and 7 boxes with writing (the last one empty): in order
    written = {**_all(boxes), "0.7": False}
    assert part_labels(spec, "1234567", written) == dict(zip(boxes[:7], "1234567", strict=True))


def test_postal_code_boxes_skip_the_hyphen() -> None:
    spec = _spec("water_service", "mailing_postal_code")  # 3 + 4 boxes
    parts = [f"0.{b}" for b in range(3)] + [f"1.{b}" for b in range(4)]
    assert "".join(part_labels(spec, "779-5323", _all(parts)).values()) == "7795323"


def test_phone_segments_take_their_group() -> None:
    spec = _spec("water_service", "phone")
    assert part_labels(spec, "03-1234-5678", _all(["0", "1", "2"])) == {
        "0": "03",
        "1": "1234",
        "2": "5678",
    }
    assert part_labels(spec, "0312345678", _all(["0", "1", "2"])) == {}


def test_wareki_parts_use_the_era_year_and_leave_out_year_one() -> None:
    spec = _spec("water_service", "filed_on")
    parts = _all(["year", "month", "day"])
    assert part_labels(spec, "2024-04-01", parts) == {"year": "6", "month": "4", "day": "1"}
    assert part_labels(spec, "2019-05-01", parts) == {"month": "5", "day": "1"}  # 令和元年
    assert part_labels(spec, "2024-04-01", {"year": True, "month": False, "day": True}) == {
        "year": "6",
        "day": "1",
    }


def test_lines_and_unreadable_are_left_out() -> None:
    assert part_labels(_spec("water_service", "remarks"), "a", _all(["0"])) == {}  # 2 lines
    assert part_labels(_spec("water_service", "user_name"), None, _all(["0"])) == {}
    kana = part_labels(_spec("water_service", "user_kana"), "ヤマダ\u3000タロウ", _all(["0"]))
    assert kana == {"0": "ヤマダ タロウ"}
