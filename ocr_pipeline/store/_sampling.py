"""The sampling audit of auto-accepted fields: which fields are drawn, how a drawn field is
dressed as an ordinary unsure one, and what the reviewer's decision says about the value the
machine had accepted. Pure functions; :mod:`._results` draws when a document is saved and
:mod:`._fields` records the outcome when a reviewer decides.

Why a disguise: a reviewer who knows that a field was accepted by the machine looks at it
differently (or not at all), and the audit would measure the reviewer rather than the
machine. So a drawn field gets what an unsure field has: status ``review``, the reason
``low_confidence`` (with a detail in the routing's own wording), a confidence below what it
had, and its weakest character marked as unsure. The truth (the accepted confidence,
character confidences and reasons) is kept in ``audit_samples``, never shown to a reviewer.

個人番号 fields are never drawn: they are checked by a person by their forms' review policy,
and drawing one would show a 特定個人情報 value to a person for no need of the work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from random import Random
from typing import Any

from form_schemas.reasons import Reason, ReasonCode
from form_schemas.spec import FieldValue

from ..errors import BadArgumentsError
from ..results import FieldResult, FieldStatus
from . import _convert as conv
from ._sealed import is_sensitive
from .states import FieldState

SHOWN_SHARE = (0.35, 0.85)
"""A drawn field is shown at this share (drawn uniformly) of the confidence it had."""

MAX_RATE = 1.0


class SampleOutcome(StrEnum):
    """What the reviewer's decision showed of the accepted value: ``right`` (confirmed, or
    corrected to the same value), ``wrong`` (corrected to another value) or ``unreadable``
    (the reviewer could not read what the machine had accepted; counted as wrong)."""

    RIGHT = "right"
    WRONG = "wrong"
    UNREADABLE = "unreadable"


WRONG_OUTCOMES = frozenset({SampleOutcome.WRONG.value, SampleOutcome.UNREADABLE.value})


def check_rate(rate: float) -> float:
    """A sampling rate as stored: a number from 0 (off) to 1 (every accepted field)."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= MAX_RATE:
        raise BadArgumentsError(
            f"audit rate {rate!r} is not a number from 0 to 1",
            "give a share, e.g. 0.02 for 2 % of the auto-accepted fields (0 turns it off)",
        )
    return float(rate)


def eligible(f: FieldResult) -> bool:
    """Whether a field can be drawn: accepted by the machine, not a 個人番号."""
    return f.status is FieldStatus.ACCEPTED and not is_sensitive(f.type)


def draw(fields: Sequence[FieldResult], rate: float, rng: Random) -> list[str]:
    """The ids of the fields drawn: each eligible field with probability ``rate``, in order."""
    if rate <= 0:
        return []
    return [f.id for f in fields if eligible(f) and rng.random() < rate]


def disguise(f: FieldResult, rng: Random) -> FieldResult:
    """``f`` as an ordinary low-confidence field (see the module docstring)."""
    shown = round(f.confidence * rng.uniform(*SHOWN_SHARE), 4)
    threshold = shown + (1.0 - shown) * rng.uniform(0.2, 0.8)
    chars = list(f.char_confidences)
    if chars:
        weakest = min(range(len(chars)), key=chars.__getitem__)
        chars[weakest] = min(chars[weakest], shown)
    reason = Reason(ReasonCode.LOW_CONFIDENCE, f"confidence {shown:.3f} below {threshold:.3f}")
    return replace(
        f, confidence=shown, status=FieldStatus.REVIEW, reasons=[reason], char_confidences=chars
    )


def sample_row(
    tenant: str, doc_id: int, f: FieldResult, rate: float, now: datetime
) -> dict[str, Any]:
    """The ``audit_samples`` row of a drawn field, from the field as accepted."""
    return {
        "tenant_id": tenant,
        "document_id": doc_id,
        "field_id": f.id,
        "created_at": now,
        "rate": rate,
        "confidence": float(f.confidence),
        "char_confidences": [float(c) for c in f.char_confidences],
        "reasons": conv.reasons_json(f.reasons),
        "outcome": None,
        "decided_at": None,
        "decided_by": None,
    }


def outcome(status: FieldState, value: FieldValue, accepted: FieldValue) -> SampleOutcome | None:
    """What a field's new state says of the value the machine had accepted; ``None`` while it
    still waits for a decision (e.g. two blind entries that differ)."""
    if status is FieldState.UNREADABLE:
        return SampleOutcome.UNREADABLE
    if status in (FieldState.CORRECTED, FieldState.CONFIRMED):
        return SampleOutcome.RIGHT if value == accepted else SampleOutcome.WRONG
    return None
