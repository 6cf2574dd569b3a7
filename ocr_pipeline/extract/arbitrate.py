"""Which reading a reviewer is shown where the two readers differ.

A field whose readers differ goes to review whatever is shown (``readers_disagree``); what
this module decides is only the value typed into the review form, so that a reviewer more
often confirms than retypes. The recognizer's reading stays, except in two cases where the
evidence for the second reader's is strong:

- **one character:** the second reader is at least :data:`SHOW_PROB` sure of its
  character, the recognizer gave its own character less than :data:`PRIMARY_BELOW` and
  still counted the second reader's among its runners-up (at least
  :data:`PRIMARY_CONSIDERED`): both readers then see the second character in the ink;
- **a skipped character in a date part:** the ink holds more characters apart than the
  recognizer read (two 1s written close are one 1 to a CTC recognizer, which merges a
  repeated character when no gap is seen between them), and the second reader, cutting the
  part into that many characters, is at least :data:`SHOW_PROB` sure of each.

Either way the field is read again with that text, and the second reading is shown only
when it raises no check the recognizer's did not (a day 161 is never shown). Fields that a
form never sends to review (review policy ``never``) keep the recognizer's reading.

Measured on development writers (stroke-drawn, seeds 2026120511 and 2026120423, mild and
hard, 150 pages each, 2,700 fields each): fitted on the first seed, the value shown was right
for 11 more fields and wrong for 1 more; on the second, right for 6 more and for none fewer.
Which fields are accepted did not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from form_schemas.reasons import Reason, ReasonCode
from form_schemas.spec import FieldType, ReviewPolicy

from ..engines import Recognition
from ..reader2.charset import DIGIT_CLASSES, YEAR_CLASSES, fold_size
from ..reader2.model import SecondReader
from ..reader2.segment import cut_group
from .interpret import Reading, read_field
from .observe import Observation

if TYPE_CHECKING:
    from .second import Finding

SHOW_PROB = 0.9
"""How sure the second reader must be of each character it is shown for."""
PRIMARY_BELOW = {"digit": 0.95, "kana": 0.8}
"""The recognizer's probability of its own character under which the second reader's may be
shown, by kind of part."""
PRIMARY_CONSIDERED = 0.01
"""The least probability the recognizer must give the second reader's character."""
DATE_PARTS = {"year": YEAR_CLASSES, "month": DIGIT_CLASSES, "day": DIGIT_CLASSES}
SHOWN_NOTE = "second reader's reading shown"


def _swapped(finding: Finding, kind: str) -> Recognition | None:
    """The compared reading with each character the second reader may be shown for taken
    from it; None when there is none."""
    rec = finding.primary
    if rec is None or not finding.diffs:
        return None
    text, confs = list(rec.text), list(rec.char_confidences)
    for d in finding.diffs:
        i = finding.keep[d.index]
        if d.second_prob < SHOW_PROB or i >= len(confs) or confs[i] >= PRIMARY_BELOW[kind]:
            continue
        runners = rec.alternatives[i] if i < len(rec.alternatives) else ()
        considered = max(
            (p for c, p in runners if fold_size(c) == fold_size(d.second)), default=0.0
        )
        if considered < PRIMARY_CONSIDERED:
            continue
        text[i], confs[i] = d.second, d.second_prob
    if "".join(text) == rec.text:
        return None
    return replace(rec, text="".join(text), char_confidences=tuple(confs))


def _recovered(obs: Observation, finding: Finding, reader: SecondReader) -> Recognition | None:
    """A date part read again as as many characters as the ink holds apart; None unless the
    second reader is sure of every one."""
    allowed = DATE_PARTS.get(finding.part)
    crop = obs.crops.get(finding.part)
    rec = obs.texts.get(finding.part)
    if allowed is None or crop is None or crop.image is None or rec is None:
        return None
    cut = cut_group(crop.image, finding.seen)
    if cut is None or len(cut.pieces) != finding.seen:
        return None
    guesses = reader.read(cut.pieces, [None] * finding.seen, [allowed] * finding.seen)
    if min(g.prob for g in guesses) < SHOW_PROB:
        return None
    probs = tuple(g.prob for g in guesses)
    return replace(
        rec,
        text="".join(g.char for g in guesses),
        confidence=min(probs),
        char_confidences=probs,
        char_positions=(),
        alternatives=(),
        gap_confidence=1.0,
    )


def show_likelier(
    obs: Observation, reading: Reading, findings: Sequence[Finding], reader: SecondReader
) -> bool:
    """Take the second reader's reading into ``reading`` (value, raw text, characters'
    confidences, evidence) where this module's rules say it is the likelier one; the
    reasons are kept. Returns whether it was taken. Call before ``readers_disagree`` is
    added to ``reading``."""
    if obs.spec.review is ReviewPolicy.NEVER:
        return False
    kind = "kana" if obs.spec.type is FieldType.KANA else "digit"
    texts: dict[str, Recognition] = {}
    for f in findings:
        alt = _recovered(obs, f, reader) if f.seen else _swapped(f, kind)
        if alt is not None:
            texts[f.part] = alt
    if not texts:
        return False
    again = read_field(replace(obs, texts={**obs.texts, **texts}))
    raised = {r.code for r in reading.reasons}
    if again.value is None or any(r.code not in raised for r in again.reasons):
        return False
    reading.value, reading.raw = again.value, again.raw
    reading.char_confidences, reading.evidence = again.char_confidences, again.evidence
    return True


def note(reason: Reason) -> Reason:
    """``readers_disagree`` saying that the value shows the second reader's reading."""
    return Reason(ReasonCode.READERS_DISAGREE, f"{reason.detail}; {SHOWN_NOTE}")
