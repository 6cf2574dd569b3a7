"""The result tree round-trips through its dict (and JSON) form: ``from_dict(to_dict(x)) == x``."""

from __future__ import annotations

import json

from form_schemas.reasons import Reason
from ocr_pipeline.results import (
    FieldResult,
    FieldStatus,
    PageResult,
    PageStatus,
    RegistrationInfo,
)


def _page() -> PageResult:
    """A page with every kind of value: text, bool, int and empty fields, reasons with and
    without details, a box and none, a registration, timings."""
    return PageResult(
        source="scan.pdf",
        page=2,
        status=PageStatus.OK,
        form="water_service",
        form_version=3,
        reason=None,
        fields={
            "user_name": FieldResult(
                "user_name",
                "name",
                "山田 太郎",
                0.9731,
                FieldStatus.ACCEPTED,
                raw="山田太郎",
                char_confidences=[0.99, 0.98, 0.5, 0.9731],
                bbox=(10, 20, 300, 60),
            ),
            "agree": FieldResult("agree", "checkbox", True, 1.0, FieldStatus.ACCEPTED),
            "amount": FieldResult("amount", "amount", 12000, 0.5, FieldStatus.REVIEW),
            "phone": FieldResult(
                "phone",
                "phone",
                None,
                0.0,
                FieldStatus.REVIEW,
                reasons=[Reason("empty_required", "nothing written"), Reason("review_policy")],
                bbox=None,
            ),
        },
        timings={"load": 0.1234, "ocr": 1.5},
        registration=RegistrationInfo(
            coverage=0.9912,
            residual=0.25,
            rotation=180.4,
            scale=1.0012,
            inliers=612,
            matrix=[[1.0, 0.001234, -2.5], [-0.001234, 1.0, 3.25]],
        ),
    )


def test_page_round_trips_through_its_dict() -> None:
    page = _page()
    assert PageResult.from_dict(page.to_dict()) == page


def test_page_round_trips_through_json() -> None:
    page = _page()
    line = json.dumps(page.to_dict(), ensure_ascii=False)
    assert PageResult.from_dict(json.loads(line)) == page


def test_page_without_form_fields_or_registration_round_trips() -> None:
    page = PageResult("blank.tif", 1, PageStatus.BLANK, reason="blank page (0.01% ink)")
    back = PageResult.from_dict(page.to_dict())
    assert back == page
    assert back.form is None and back.form_version is None and back.registration is None


def test_field_round_trips_on_its_own() -> None:
    field = _page().fields["phone"]
    assert FieldResult.from_dict(field.id, field.to_dict()) == field


def test_registration_round_trips_on_its_own() -> None:
    reg = _page().registration
    assert reg is not None
    assert RegistrationInfo.from_dict(reg.to_dict()) == reg


def test_brief_form_comes_back_without_what_it_leaves_out() -> None:
    page = _page()
    back = PageResult.from_dict(page.to_dict(detail=False))
    name = back.fields["user_name"]
    assert (name.value, name.confidence, name.status) == ("山田 太郎", 0.9731, FieldStatus.ACCEPTED)
    assert (name.type, name.raw, name.char_confidences, name.bbox) == ("", "", [], None)
    assert back.fields["phone"].reasons == [Reason("empty_required"), Reason("review_policy")]
    assert back.registration == page.registration and back.timings == page.timings
