"""From observations to values: join parts, decide marks, normalise and check by field type.

Normalisation and checks are the form schema's (``form_schemas.fieldtypes``); this module only
assembles what the page showed into the inputs those functions take, and measures how sure
the reading is (``evidence``: the weakest link among characters, empty zones and marks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from form_schemas.fieldtypes import interpret_date, interpret_text
from form_schemas.japanese.spelling import fold, place_prefix, towns
from form_schemas.japanese.variants import common_form, variant_candidates
from form_schemas.reasons import Reason, ReasonCode
from form_schemas.spec import Era, FieldType, FieldValue

from ..engines.japanese import RARE, weight
from .agreement import Agreement
from .fixups import (
    apply_changes,
    fix_hiragana_twins,
    fix_kana,
    fix_kana_size,
    fix_kana_size_in_text,
    fix_latin_one,
    fix_twins,
)
from .observe import Observation
from .places import read_address, town_doubt
from .spaces import respace

BOX_ON = 0.35  # box score from which a checkbox counts as ticked (ink ~2.8 % of the box)
OPTION_ON = 0.5  # share of rays meeting writing from which an option counts as circled
MARK_SURE = 0.30  # distance from the decision point at which a mark decision is fully sure
INK_NOISE = 0.25  # writing fill (1.0 = counts as written) above which a zone is not blank paper:
# empty zones of hard-degraded synthetic scans measure 0.0 after dust and the form are removed
FUTURE_DAYS = 366  # a start date may be months ahead; years ahead is a misreading
VARIANT_ALT = 0.002  # an old-form variant this probable at a character is worth a look
SPACED = (FieldType.NAME, FieldType.KANA)


@dataclass
class Reading:
    """A field's value with its reasons, what was seen, and the evidence for it (0-1)."""

    value: FieldValue
    reasons: list[Reason]
    raw: str
    char_confidences: list[float] = field(default_factory=list)
    evidence: float = 1.0
    written: bool = False
    agreement: Agreement | None = None  # the second reader read every character alike


def _mark_certainty(score: float, on: float) -> float:
    return min(1.0, abs(score - on) / MARK_SURE)


def _empty_certainty(obs: Observation, part: str) -> float:
    return max(0.0, 1.0 - obs.crops[part].fill)


def _unread_ink(obs: Observation, parts: list[str]) -> list[Reason]:
    """Zones that hold ink but gave no characters: a filled field read as empty is an error,
    never a blank. Either the recognizer read nothing in a crop with writing, or the zone's
    ink stayed below what counts as writing yet well above the noise of blank paper."""
    found = []
    for part in parts:
        crop = obs.crops[part]
        recs = [obs.texts.get(line) for line in obs.lines.get(part, [part])]
        read = [r for r in recs if r is not None]
        if crop.image is not None and read and not any(r.text.strip() for r in read):
            found.append(f"{part}: writing read as nothing")
        elif crop.image is None and crop.fill >= INK_NOISE:
            found.append(f"{part}: faint or small ink ({crop.fill:.2f} of writing)")
        elif crop.image is None and crop.faint >= 1.0:
            found.append(f"{part}: pale writing ({crop.faint:.2f} of writing in pale grey)")
    if not found:
        return []
    return [Reason(ReasonCode.INK_UNREAD, "; ".join(found))]


def far_future(value: FieldValue, today: date) -> list[Reason]:
    """A date more than ``FUTURE_DAYS`` after ``today``: no form asks for one, and a 和暦 year
    7 read as 17 gives exactly such a date (令和17年 is 2035)."""
    if not isinstance(value, str):
        return []
    try:
        when = date.fromisoformat(value)
    except ValueError:
        return []
    if when <= today + timedelta(days=FUTURE_DAYS):
        return []
    return [Reason(ReasonCode.DATE_IN_FUTURE, f"{value} is more than {FUTURE_DAYS} days ahead")]


def _choose(obs: Observation) -> tuple[str | None, list[Reason], float]:
    """The circled option: code (or None), reasons, certainty."""
    ranked = sorted(obs.marks.items(), key=lambda kv: kv[1].score, reverse=True)
    if not ranked:
        return None, [], 1.0
    (code, best), rest = ranked[0], ranked[1:]
    second = rest[0][1].score if rest else 0.0
    if best.score < OPTION_ON:
        sure = _mark_certainty(best.score, OPTION_ON)
        return None, [Reason(ReasonCode.NO_CHOICE, "no option is circled")], sure
    if second >= OPTION_ON:
        others = [c for c, m in rest if m.score >= OPTION_ON]
        return code, [Reason(ReasonCode.MULTIPLE_CHOICES, f"also marked: {', '.join(others)}")], 0.0
    return code, [], min(_mark_certainty(best.score, OPTION_ON), _mark_certainty(second, OPTION_ON))


def _gaps(obs: Observation) -> list[float]:
    """How sure the recognizer was, per crop, that it skipped no character."""
    return [rec.gap_confidence for rec in obs.texts.values()]


def _text_of(obs: Observation, part: str, spaced: bool) -> tuple[str, list[float]]:
    if part in obs.lines:  # a multi-line zone: its lines in order, run together
        pieces = [_text_of(obs, line, spaced) for line in obs.lines[part]]
        return "".join(t for t, _ in pieces), [c for _, cs in pieces for c in cs]
    rec = obs.texts.get(part)
    if rec is None:
        return "", []
    kind = obs.spec.type
    image = obs.crops[part].image
    if spaced and image is not None:
        rec = respace(rec, image, single=kind in (FieldType.NAME, FieldType.KANA))
    if kind is FieldType.KANA:
        rec = fix_kana(fix_kana_size(rec, image) if image is not None else rec)
    elif kind in (FieldType.NAME, FieldType.ADDRESS, FieldType.TEXT):
        rec = fix_latin_one(fix_hiragana_twins(fix_twins(rec)))
        rec = fix_kana_size_in_text(rec, image) if image is not None else rec
    if kind is FieldType.ADDRESS:  # handwriting gaps are no spaces in an address
        spaces = {i: "" for i, c in enumerate(rec.text) if c.isspace()}
        rec = read_address(apply_changes(rec, spaces))
    return rec.text, list(rec.char_confidences)


def _variant_risk(obs: Observation) -> list[Reason]:
    """Old-form kanji the recognizer may have read as the common form (髙 as 高): a variant
    that was a close alternative, or one the recognizer cannot read at all (﨑)."""
    if obs.spec.type not in (FieldType.NAME, FieldType.TEXT):
        return []
    found: list[str] = []
    for rec in obs.texts.values():
        for index, char, variants in variant_candidates(rec.text):
            if char != common_form(char):  # an old form read: confirm which one it is
                found.append(f"{char} is an old form (of {common_form(char)})")
                continue
            alts = dict(rec.alternatives[index]) if index < len(rec.alternatives) else {}
            likely = [v for v in variants if alts.get(v, 0.0) >= VARIANT_ALT or v not in obs.known]
            if likely:
                found.append(f"{char} may be {'/'.join(likely)}")
    return [Reason(ReasonCode.VARIANT_KANJI_RISK, "; ".join(found))] if found else []


def _held_to_vocabulary(obs: Observation) -> list[Reason]:
    """A field with a vocabulary whose reading was none of its words: the recognizer's
    output was held to the likeliest word (or, with none likely, kept), and a person
    confirms it, since the word written may be one the list does not hold."""
    if not obs.spec.vocabulary or not any(r.grammar_forced for r in obs.texts.values()):
        return []
    return [Reason(ReasonCode.NOT_IN_VOCABULARY, "read as none of the field's words")]


def rare_twin(char: str) -> bool:
    """A kanji the recognizer's Japanese prior down-weights as the rarer twin of a common
    one (綠 of 緑)."""
    return weight(char) == RARE


def _place_length(address: str) -> int:
    """Characters of the prefecture, municipality and town that Japan Post's data spells
    (長嶋町 is an official spelling, not a misreading)."""
    found = place_prefix(address)
    if found is None:
        return 0
    length, _, prefecture, city = found
    key = fold(address[length:])
    town = next((t for t in towns(prefecture, city) if key.startswith(fold(t))), "")
    return length + len(town)


def address_old_forms(address: str) -> list[Reason]:
    """Old-form kanji left in an address after the place names took Japan Post's spelling
    (綠ヶ丘 in a building name): the recognizer prefers such twins on handwriting, so a person
    confirms which form was written."""
    rest = address[_place_length(address) :]
    found = sorted({c for c in rest if common_form(c) != c or rare_twin(c)})
    if not found:
        return []
    notes = "; ".join(f"{c} is an old or rare form" for c in found)
    return [Reason(ReasonCode.VARIANT_KANJI_RISK, notes)]


def _read_text(obs: Observation) -> Reading:
    spec = obs.spec
    spaced = spec.type in SPACED
    pieces: list[str] = []
    confs: list[float] = []
    empty: list[float] = []
    reasons: list[Reason] = []
    for index, seg in enumerate(spec.segments):
        if seg.boxes:
            chars = []
            for b in range(seg.boxes):
                part = f"{index}.{b}"
                text, c = _text_of(obs, part, False)
                if obs.crops[part].image is None:
                    empty.append(_empty_certainty(obs, part))
                    continue
                if len(text) != 1:
                    reasons.append(
                        Reason(ReasonCode.BOX_COUNT_MISMATCH, f"box {b + 1} read as {text!r}")
                    )
                    c = [0.0]
                chars.append(text)
                confs.extend(c)
            pieces.append("".join(chars))
        else:
            part = str(index)
            text, c = _text_of(obs, part, spaced)
            if obs.crops[part].image is None:
                empty.append(_empty_certainty(obs, part))
            pieces.append(text)
            confs.extend(c)
    joined = spec.separator.join(pieces) if any(pieces) else ""
    result = interpret_text(spec, joined)
    reasons += list(result.reasons)
    reasons += _unread_ink(obs, [p for p in obs.crops if "/" not in p])
    if spec.type is FieldType.ADDRESS and (doubt := town_doubt(joined)):
        reasons.append(Reason(ReasonCode.ADDRESS_TOWN_DOUBT, doubt))
    if spec.type is FieldType.ADDRESS:
        reasons += address_old_forms(joined)
    else:
        reasons += _variant_risk(obs)
    reasons += _held_to_vocabulary(obs)
    if (
        spec.type in (FieldType.NAME, FieldType.KANA)
        and result.value
        and "\u3000" not in str(result.value)
    ):
        reasons.append(
            Reason(ReasonCode.NAME_UNSPLIT, "no gap between family and given name was seen")
        )
    evidence = min([*confs, *empty, *_gaps(obs), 1.0])
    return Reading(result.value, reasons, joined, confs, evidence, obs.has_writing)


def _read_date(obs: Observation) -> Reading:
    spec = obs.spec
    era: Era | None = spec.era
    reasons: list[Reason] = []
    certainty = [1.0]
    if spec.options:
        code, why, sure = _choose(obs)
        era = Era(code) if code is not None else None
        certainty.append(sure)
        reasons += [r for r in why if r.code != ReasonCode.NO_CHOICE]
    parts = {}
    confs: list[float] = []
    for name in ("year", "month", "day"):
        text, c = _text_of(obs, name, False)
        parts[name] = text
        confs.extend(c)
        if obs.crops[name].image is None:
            certainty.append(_empty_certainty(obs, name))
    result = interpret_date(spec, era, parts["year"], parts["month"], parts["day"])
    reasons += _unread_ink(obs, ["year", "month", "day"])
    reasons += far_future(result.value, date.today())
    raw = f"{era.value if era else '-'} {parts['year']}/{parts['month']}/{parts['day']}"
    evidence = min([*confs, *certainty, *_gaps(obs)])
    return Reading(
        result.value, reasons + list(result.reasons), raw, confs, evidence, obs.has_writing
    )


def read_field(obs: Observation) -> Reading:
    """Interpret one observed field."""
    spec = obs.spec
    if spec.type is FieldType.CHOICE:
        code, reasons, sure = _choose(obs)
        if code is None and not spec.required:
            reasons = []
        raw = " ".join(f"{c}={m.score:.2f}" for c, m in obs.marks.items())
        return Reading(code, reasons, raw, [], sure, code is not None)
    if spec.type in (FieldType.CHECKBOX, FieldType.PRESENCE):
        mark = obs.marks["box"]
        on = mark.score >= BOX_ON
        sure = _mark_certainty(mark.score, BOX_ON)
        reasons = (
            []
            if sure > 0.3
            else [Reason(ReasonCode.AMBIGUOUS_MARK, f"mark score {mark.score:.2f}")]
        )
        return Reading(on, reasons, f"box={mark.score:.2f}", [], sure, on)
    if spec.type.is_date:
        return _read_date(obs)
    return _read_text(obs)
