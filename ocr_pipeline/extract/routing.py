"""Confidence and routing: which fields pass and which go to a reviewer.

A field's confidence combines the evidence of its reading (weakest character probability,
emptiness of empty zones, certainty of marks), its checks (a failed check halves it) and the
page's registration quality. Thresholds per field type come from a calibration file written
by ``formocr calibrate`` (set so that auto-accepted fields stay under a target error rate);
a field passes when it is at or above its threshold, has no failed check, and its review
policy allows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from form_schemas.reasons import Reason, ReasonCode
from form_schemas.spec import FieldSpec, ReviewPolicy

from ..errors import ConfigInvalidError
from ..results import FieldStatus
from .agreement import AgreementRule
from .agreement import reason as agreement_reason
from .interpret import Reading

DEFAULT_CALIBRATION = Path(__file__).with_name("calibration.json")
FALLBACK_THRESHOLD = 0.99
FULL_QUALITY = 0.8  # registration quality from which fields are not discounted


@dataclass(frozen=True)
class Thresholds:
    """Confidence thresholds per field type (``default`` for types not calibrated)."""

    by_type: dict[str, float]
    default: float = FALLBACK_THRESHOLD
    source: str = "built-in fallback"

    def for_type(self, field_type: str) -> float:
        return self.by_type.get(field_type, self.default)

    @classmethod
    def load(cls, path: Path | None = None) -> Thresholds:
        """Read a calibration file (the packaged one when ``path`` is None)."""
        target = path or DEFAULT_CALIBRATION
        if not target.is_file():
            if path is None:
                return cls({})
            raise ConfigInvalidError(
                f"calibration file {target} does not exist",
                "run `formocr calibrate DIR --out FILE` or point `calibration` at an existing file",
            )
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
            by_type = {str(k): float(v) for k, v in data["thresholds"].items()}
            default = float(data.get("default", FALLBACK_THRESHOLD))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigInvalidError(
                f"calibration file {target} is not valid: {exc}",
                "write it again with `formocr calibrate`",
            ) from exc
        return cls(by_type, default, str(target))


def confidence(reading: Reading, registration_quality: float) -> float:
    """0-1 confidence of a reading on a page registered with the given quality."""
    factor = min(1.0, registration_quality / FULL_QUALITY)
    penalty = 0.5 if reading.reasons else 1.0
    return max(0.0, min(1.0, reading.evidence * factor * penalty))


def route(
    spec: FieldSpec,
    reading: Reading,
    conf: float,
    thresholds: Thresholds,
    rule: AgreementRule | None = None,
) -> tuple[FieldStatus, list[Reason]]:
    """Status and the full list of reasons for a field. With ``rule`` (a municipality's own
    second reader model), a field whose only reason is low confidence is accepted with
    ``readers_agree`` when the rule says the readers' agreement carries it
    (:mod:`.agreement`)."""
    reasons = list(reading.reasons)
    threshold = thresholds.for_type(spec.type.value)
    if conf < threshold:
        if (
            rule is not None
            and not reasons
            and spec.review is ReviewPolicy.AUTO
            and reading.agreement is not None
            and rule.raises(spec, conf, reading.agreement)
        ):
            return FieldStatus.ACCEPTED, [agreement_reason(conf, threshold, reading.agreement)]
        reasons.append(
            Reason(ReasonCode.LOW_CONFIDENCE, f"confidence {conf:.3f} below {threshold:.3f}")
        )
    if spec.review is ReviewPolicy.ALWAYS:
        reasons.append(Reason(ReasonCode.REVIEW_POLICY, "this field is always checked by a person"))
    if spec.review is ReviewPolicy.NEVER:
        return FieldStatus.ACCEPTED, reasons
    return (FieldStatus.REVIEW if reasons else FieldStatus.ACCEPTED), reasons
