"""Field specs built in code for the form_schemas unit tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from form_schemas.spec import Era, FieldSpec

BOX = [0, 0, 10, 10]
ERA_OPTIONS = [
    {"code": e.value, "label": label, "bbox": BOX}
    for e, label in zip(Era, "明大昭平令", strict=True)
]
PARTS = {"year": {"bbox": BOX}, "month": {"bbox": BOX}, "day": {"bbox": BOX}}

MakeField = Callable[..., FieldSpec]


def make_field(type_: str, field_id: str = "f", **extra: Any) -> FieldSpec:
    """A valid FieldSpec of ``type_`` with placeholder geometry; ``extra`` overrides."""
    data: dict[str, Any] = {"id": field_id, "label": field_id, "type": type_}
    if type_ in ("date", "wareki_date"):
        data["parts"] = PARTS
        if type_ == "wareki_date" and "era" not in extra and "options" not in extra:
            data["options"] = ERA_OPTIONS
    elif type_ == "choice":
        data["options"] = [
            {"code": "male", "label": "男", "bbox": BOX},
            {"code": "female", "label": "女", "bbox": BOX},
        ]
    elif type_ in ("checkbox", "presence") or "segments" not in extra:
        data["bbox"] = BOX
    data.update(extra)
    return FieldSpec.model_validate(data)


@pytest.fixture(scope="session")
def field() -> MakeField:
    """``field("phone", required=True)`` → a FieldSpec for that type."""
    return make_field
