"""Agreement of the two readers as evidence *for* a reading, with a municipality's own model.

The second reader (:mod:`ocr_pipeline.extract.second`) vetoes: where it reads a character
otherwise the field goes to review. With the packaged model that is all it does. A model a
municipality trained on its own residents' writing (``formocr train reader --tenant``) reads
that writing better, and where it reads *every* character of a field exactly as the
recognizer did, and is itself sure of each one, two independent readers agree: that can
carry a field whose recognizer confidence sits a little under its type's threshold.

This is where silent errors would come from, so it is narrow:

- only with a municipality's own model (the packaged one keeps the veto only);
- only field types whose every character the second reader reads: digits, postal codes,
  phone numbers, western dates, 和暦 dates with a printed era (a circled era is a mark, not a
  character) and フリガナ; never 個人番号 (always checked by a person anyway);
- only when low confidence is the field's sole reason (a failed check, a disagreement, a
  skipped character or a review policy still send it to review);
- only from a floor per field type and with the second reader's lowest per-character
  probability at least :data:`AGREEMENT_RULE` asks; both chosen on development-range
  writers only (``bench/agreement.py``), never on the evaluation writers.

A field so accepted carries the reason ``readers_agree`` (its detail: the recognizer's
confidence, the threshold, how many characters the second reader read and its lowest
probability), so acceptance by agreement stays traceable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from form_schemas.reasons import Reason, ReasonCode
from form_schemas.spec import FieldSpec, FieldType

KANA_TYPES = frozenset({FieldType.KANA})
DIGIT_TYPES = frozenset(t for t in FieldType if t.is_digit_run) - {FieldType.MYNUMBER}


@dataclass(frozen=True)
class Agreement:
    """The second reader read every character of a field (``chars`` of them) as the
    recognizer did; ``lowest``: its smallest probability for the character it agreed on;
    ``twin``: the largest probability either reader gave a twin of a character read (the
    same kana in the other size or with or without a dakuten: ツ/ッ, カ/ガ), where their
    agreement is no independent evidence (see :func:`~ocr_pipeline.reader2.agree.twins`)."""

    chars: int
    lowest: float
    twin: float = 0.0


def eligible(spec: FieldSpec) -> bool:
    """Whether the second reader reads every character of this field's type."""
    if spec.type is FieldType.WAREKI_DATE:
        return spec.era is not None  # a circled era is a mark the second reader does not see
    return spec.type in DIGIT_TYPES or spec.type in KANA_TYPES


def kind(spec: FieldSpec) -> str:
    return "kana" if spec.type in KANA_TYPES else "digit"


@dataclass(frozen=True)
class AgreementRule:
    """When agreement accepts a field under its threshold: the recognizer confidence must be
    at least ``floors[type]`` (types not named: never), the second reader's lowest
    probability at least ``min_prob[kind]`` (``digit`` or ``kana``), and the twin doubt
    (:attr:`Agreement.twin`) at most ``max_twin[kind]`` (kinds not named: any)."""

    floors: Mapping[str, float] = field(default_factory=dict)
    min_prob: Mapping[str, float] = field(default_factory=dict)
    max_twin: Mapping[str, float] = field(default_factory=dict)

    def raises(self, spec: FieldSpec, confidence: float, agreement: Agreement | None) -> bool:
        """Whether this agreement accepts ``spec``'s reading at ``confidence``."""
        if agreement is None or agreement.chars < 1 or not eligible(spec):
            return False
        floor = self.floors.get(spec.type.value)
        least = self.min_prob.get(kind(spec))
        if floor is None or least is None:
            return False
        twin = self.max_twin.get(kind(spec), 1.0)
        return confidence >= floor and agreement.lowest >= least and agreement.twin <= twin


def reason(confidence: float, threshold: float, agreement: Agreement) -> Reason:
    """``readers_agree``: why a field under its threshold was accepted."""
    return Reason(
        ReasonCode.READERS_AGREE,
        f"confidence {confidence:.3f} below {threshold:.3f}; second reader read all "
        f"{agreement.chars} characters alike (lowest {agreement.lowest:.4f},"
        f" twin {agreement.twin:.4f})",
    )


AGREEMENT_RULE = AgreementRule(
    floors={FieldType.KANA.value: 0.533},
    min_prob={"kana": 0.5},
    max_twin={"kana": 0.02},
)
"""The rule used with a municipality's own model: フリガナ both readers read alike, the second
reader at least 0.5 sure of every character, neither reader giving a twin of a character (ツ/ッ,
カ/ガ) more than 0.02, and the recognizer at least 0.533 sure. Fitted by
``bench/agreement.py --fit`` on development writers (town model trained on seed 2026120411,
300 pages; fitted on seed 2026120423, 150 pages, 900 digit and kana fields): accepted 721 →
748 (27 raised), none wrong; digit fields get no floor (2 agreed under their thresholds; at
least ``bench.agreement.MIN_SUPPORT`` are needed). Measured on evaluation writers (town model
trained on seed 2026120301, 4,976 reviewed fields; 150 fresh pages of seed 2026120471, 900
digit and kana fields): accepted 732 with the packaged model (0 wrong), 760 with the
municipality's model and this rule (29 フリガナ raised, 0 wrong).

The first rule fitted (3 December, without the twin limit) raised 78 フリガナ on evaluation
seed 2026120443, 2 of them wrong (セツコ read セッコ, ナガイ read ナカイ): both readers miss a
kana's size or a faint dakuten alike. The twin limit keeps agreement to fields where neither
reader saw such a twin; it halves what agreement raises."""

PERMISSIVE = AgreementRule(
    floors={t.value: 0.0 for t in DIGIT_TYPES | KANA_TYPES},
    min_prob={"digit": 0.0, "kana": 0.0},
)
"""Every agreeing field raised: for measuring (``bench/agreement.py``), never for use."""
