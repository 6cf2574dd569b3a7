"""The typed result tree of a processed page, and its JSON form (the CLI contract).

``formocr process --json`` prints one :meth:`PageResult.to_dict` per line. Keys documented in
the README are stable; new keys may be added. ``from_dict`` reads that form back:
``PageResult.from_dict(page.to_dict()) == page`` for a page whose numbers are already rounded
as ``to_dict`` rounds them (confidences 4 places, registration as its keys say). The brief form
(``detail=False``) leaves out what cannot then come back: a field's type, raw reading,
per-character confidences, box and reason details come back empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from form_schemas.reasons import Reason
from form_schemas.spec import BBox, FieldValue


class FieldStatus(StrEnum):
    ACCEPTED = "accepted"
    REVIEW = "review"


class PageStatus(StrEnum):
    OK = "ok"
    UNCLASSIFIED = "unclassified"
    BLANK = "blank"
    UNREGISTERED = "unregistered"
    ERROR = "error"


@dataclass
class FieldResult:
    """One field as read: value in export form, confidence 0-1, routing status and reasons.

    ``raw`` is what the recognizer (or the mark detector) saw before normalisation;
    ``char_confidences`` are per character of ``raw`` where the engine provides them.
    ``bbox`` is the field's zone outline in template pixels (for the review UI's crop).
    """

    id: str
    type: str
    value: FieldValue
    confidence: float
    status: FieldStatus
    reasons: list[Reason] = field(default_factory=list)
    raw: str = ""
    char_confidences: list[float] = field(default_factory=list)
    bbox: BBox | None = None

    def to_dict(self, detail: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "confidence": round(self.confidence, 4),
            "status": self.status.value,
            "reasons": [r.code for r in self.reasons],
        }
        if detail:
            out["type"] = self.type
            out["details"] = [r.detail for r in self.reasons]
            out["raw"] = self.raw
            out["char_confidences"] = [round(c, 4) for c in self.char_confidences]
            out["bbox"] = list(self.bbox) if self.bbox else None
        return out

    @classmethod
    def from_dict(cls, field_id: str, data: Mapping[str, Any]) -> FieldResult:
        """The field ``field_id`` from its :meth:`to_dict` form (the page keys fields by id)."""
        details = data.get("details") or [""] * len(data["reasons"])
        bbox = data.get("bbox")
        return cls(
            id=field_id,
            type=data.get("type", ""),
            value=data["value"],
            confidence=float(data["confidence"]),
            status=FieldStatus(data["status"]),
            reasons=[Reason(c, d) for c, d in zip(data["reasons"], details, strict=True)],
            raw=data.get("raw", ""),
            char_confidences=[float(c) for c in data.get("char_confidences", [])],
            bbox=None if bbox is None else (bbox[0], bbox[1], bbox[2], bbox[3]),
        )


@dataclass
class RegistrationInfo:
    """How the page was fitted onto its template."""

    coverage: float
    residual: float
    rotation: float
    scale: float
    inliers: int
    matrix: list[list[float]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": round(self.coverage, 4),
            "residual_px": round(self.residual, 2),
            "rotation_deg": round(self.rotation, 2),
            "scale": round(self.scale, 4),
            "inliers": self.inliers,
            "matrix": [[round(v, 6) for v in row] for row in self.matrix],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RegistrationInfo:
        """The registration from its :meth:`to_dict` form."""
        return cls(
            coverage=float(data["coverage"]),
            residual=float(data["residual_px"]),
            rotation=float(data["rotation_deg"]),
            scale=float(data["scale"]),
            inliers=int(data["inliers"]),
            matrix=[[float(v) for v in row] for row in data["matrix"]],
        )


@dataclass
class PageResult:
    """One page of one source file. ``page`` is 1-based. ``reason`` says why a page that is
    not ``ok`` came out as it did, in words a clerk can act on."""

    source: str
    page: int
    status: PageStatus
    form: str | None = None
    form_version: int | None = None
    reason: str | None = None
    fields: dict[str, FieldResult] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    registration: RegistrationInfo | None = None
    # The second reader model that read the page ("packaged" or a municipality's own model
    # id); None when the second reader was off. Stored on each field; not part of to_dict.
    reader_model: str | None = None

    def to_dict(self, detail: bool = True) -> dict[str, Any]:
        return {
            "source": self.source,
            "page": self.page,
            "form": self.form,
            "form_version": self.form_version,
            "status": self.status.value,
            "reason": self.reason,
            "fields": {k: f.to_dict(detail) for k, f in self.fields.items()},
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "registration": self.registration.to_dict() if self.registration else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PageResult:
        """The page from its :meth:`to_dict` form (a line of ``formocr process --json``)."""
        registration = data.get("registration")
        return cls(
            source=data["source"],
            page=int(data["page"]),
            status=PageStatus(data["status"]),
            form=data.get("form"),
            form_version=data.get("form_version"),
            reason=data.get("reason"),
            fields={k: FieldResult.from_dict(k, f) for k, f in data.get("fields", {}).items()},
            timings={k: float(v) for k, v in data.get("timings", {}).items()},
            registration=None if registration is None else RegistrationInfo.from_dict(registration),
        )

    @property
    def needs_review(self) -> list[str]:
        return [k for k, f in self.fields.items() if f.status is FieldStatus.REVIEW]
