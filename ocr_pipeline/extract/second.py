"""A second, independent reading of the characters that can be cut apart.

Comb boxes of digits or kana, date parts, phone and postal segments, 個人番号 and other
digit groups are cut into characters (:mod:`ocr_pipeline.reader2.segment`) and read by the
second reader, a small per-character classifier; a フリガナ line is cut at the recognizer's
character positions. Where the two readings differ (:mod:`ocr_pipeline.reader2.agree`) the
field gets ``readers_disagree`` with both readings in the detail, so it goes to review;
where the second reader cannot cut or is unsure, it says nothing. All characters of a page
are read in one batch.

個人番号 is 特定個人情報: its digits never appear in a detail or a log, only which box.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from form_schemas.reasons import Reason, ReasonCode
from form_schemas.spec import FieldType

from ..engines import Recognition
from ..reader2 import agree
from ..reader2.agree import Difference, compare, describe
from ..reader2.charset import DIGIT_CLASSES, HIRAGANA, KATAKANA, SMALL, YEAR_CLASSES, fold
from ..reader2.glyph import Gray
from ..reader2.model import CharGuess, SecondReader
from ..reader2.segment import by_positions, cut_group, ink_height, separate_marks
from .agreement import Agreement
from .arbitrate import note, show_likelier
from .fixups import fix_kana, fix_kana_size
from .interpret import Reading
from .observe import Observation

log = logging.getLogger(__name__)

DIGIT_TYPES = frozenset(t for t in FieldType if t.is_digit_run)
MAX_GROUP = 4  # longest run of digits in one crop that is cut by components
KANA_CLASSES = frozenset(KATAKANA + HIRAGANA + "ー")
MIN_REFERENCES = 2  # full-size kana needed to know a line's height


@dataclass
class _Job:
    """One part of a field to read again: its primary text and its cut characters."""

    field_id: str
    part: str
    where: str
    text: str
    pieces: list[Gray]
    allowed: frozenset[str]
    seen: int = 0  # characters clearly apart in the ink (digit groups only; 0: not counted)
    heights: list[float | None] = field(default_factory=list)
    primary: Recognition | None = None  # the reading as interpretation sees it
    keep: tuple[int, ...] = ()  # index in ``primary`` of each character of ``text``


def _where(obs: Observation, part: str) -> str:
    if "." in part:  # "0.3": box 3 of comb segment 0, counted over the whole field
        seg, box = (int(p) for p in part.split("/", maxsplit=1)[0].split("."))
        before = sum(s.boxes for s in obs.spec.segments[:seg])
        return f"box {before + box + 1}"
    if part in ("year", "month", "day"):
        return part
    return (
        f"segment {int(part.split('/', maxsplit=1)[0]) + 1}"
        if len(obs.spec.segments) > 1
        else "line"
    )


def _primary(obs: Observation, part: str, rec: Recognition, image: Gray) -> Recognition:
    """The reading as interpretation sees it (kana size and twins fixed), when the fixes
    keep one character per position."""
    if obs.spec.type is not FieldType.KANA:
        return rec
    fixed = fix_kana(fix_kana_size(rec, image))
    return fixed if len(fixed.text) == len(rec.text) else rec


def _job(obs: Observation, part: str) -> _Job | None:
    kind = obs.spec.type
    rec, crop = obs.texts.get(part), obs.crops.get(part)
    if rec is None or crop is None or crop.image is None or not rec.text:
        return None
    rec = _primary(obs, part, rec, crop.image)
    keep = [i for i, c in enumerate(rec.text) if not c.isspace()]
    text = "".join(rec.text[i] for i in keep)
    if kind is FieldType.KANA:
        allowed = KANA_CLASSES
    else:
        allowed = YEAR_CLASSES if part == "year" else DIGIT_CLASSES
    if not text or any(fold(c) not in {fold(a) for a in allowed} for c in text):
        return None
    positions = [rec.char_positions[i] for i in keep if i < len(rec.char_positions)]
    if "." in part:
        cut = cut_group(crop.image, 1) if len(text) == 1 else None
    elif kind is FieldType.KANA:
        cut = by_positions(crop.image, positions) if len(positions) == len(text) else None
    else:
        cut = cut_group(crop.image, len(text), positions) if len(text) <= MAX_GROUP else None
    group = kind is not FieldType.KANA and "." not in part
    seen = separate_marks(crop.image) if group else 0
    pieces = cut.pieces if cut is not None and len(cut.pieces) == len(text) else []
    if not pieces and seen <= len(text):
        return None
    return _Job(
        obs.spec.id,
        part,
        _where(obs, part),
        text,
        pieces,
        allowed,
        seen,
        primary=rec,
        keep=tuple(keep),
    )


def _line_heights(jobs: list[_Job]) -> None:
    """For kana: the median ink height of the field's full-size characters, when there are
    enough of them; digits need no line height."""
    refs = [
        float(ink_height(piece))
        for job in jobs
        if job.allowed is KANA_CLASSES
        for char, piece in zip(job.text, job.pieces, strict=True)
        if char not in SMALL and fold(char) != "ー"
    ]
    height: float | None = float(np.median(refs)) if len(refs) >= MIN_REFERENCES else None
    for job in jobs:
        known = height if job.allowed is KANA_CLASSES else None
        job.heights = [known] * len(job.pieces)


def plan(obs: Observation) -> list[_Job]:
    """The parts of one field the second reader can check (none for other field types)."""
    if obs.spec.type not in DIGIT_TYPES and obs.spec.type is not FieldType.KANA:
        return []
    jobs = [job for part in obs.texts if (job := _job(obs, part)) is not None]
    _line_heights(jobs)
    return jobs


@dataclass(frozen=True)
class Finding:
    """A part of a field the readers read differently: where, the primary text, the second
    reader's guesses for it and the characters that differ."""

    where: str
    text: str
    guesses: list[CharGuess]
    diffs: list[Difference]
    seen: int = 0  # more characters apart in the ink than the reading has (0: not so)
    part: str = ""  # the part as :class:`Observation` names it
    primary: Recognition | None = None  # the reading compared, as interpretation sees it
    keep: tuple[int, ...] = ()  # index in ``primary`` of each character of ``text``

    @property
    def strength(self) -> float:
        """How sure the second reader is that the reading is wrong (1 for a skipped one)."""
        return max([d.second_prob for d in self.diffs], default=1.0)


DATE_RANGES = {"month": range(1, 13), "day": range(1, 32)}


def _settled(where: str, text: str, diffs: list[Difference]) -> bool:
    """Whether what a date part may hold settles the difference for the recognizer: the
    second reading is no month (13) or no day (45) at all."""
    if where not in DATE_RANGES:
        return False
    second = list(text)
    for d in diffs:
        second[d.index] = d.second
    joined = "".join(second)
    return not (joined.isdigit() and int(joined) in DATE_RANGES[where])


def _finding(
    job: _Job, guesses: list[CharGuess], diffs: list[Difference], seen: int = 0
) -> Finding:
    return Finding(job.where, job.text, guesses, diffs, seen, job.part, job.primary, job.keep)


def _twin_doubt(job: _Job, guesses: list[CharGuess]) -> float:
    """How likely either reader found a twin of a character of ``job`` (see
    :func:`~ocr_pipeline.reader2.agree.twin_doubt`)."""
    rec = job.primary
    runners = (
        [rec.alternatives[i] if i < len(rec.alternatives) else () for i in job.keep] if rec else []
    )
    return agree.twin_doubt(job.text, guesses, runners)


@dataclass
class Checked:
    """What the second reader found on a page: the fields whose readings differ, and the
    fields whose every written character it read as the recognizer did."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)
    agreements: dict[str, Agreement] = field(default_factory=dict)


def _whole(obs: Observation, jobs: list[_Job]) -> bool:
    """Whether ``jobs`` cut every written part of the field into as many characters as the
    recognizer read there (so that the second reader sees every character)."""
    written = {p for p, rec in obs.texts.items() if rec.text.strip()}
    cut = {job.part for job in jobs if job.pieces and len(job.pieces) == len(job.text)}
    return bool(written) and written == cut


def check(
    observations: Mapping[str, Observation],
    readings: Mapping[str, Reading],
    reader: SecondReader,
    min_prob: float | None = None,
) -> Checked:
    """Read every checkable part of the page again (one batch): the parts of each field the
    second reader reads differently, when at least ``min_prob`` sure (default: as
    :data:`~ocr_pipeline.reader2.agree.MIN_PROB` sets it for digits and for kana), and the
    fields it reads alike in every character (:func:`~ocr_pipeline.reader2.agree.agreed`)."""
    jobs = {fid: plan(obs) for fid, obs in observations.items() if readings[fid].written}
    flat = [job for field_jobs in jobs.values() for job in field_jobs]
    out = Checked()
    if not flat:
        return out
    pieces = [p for job in flat for p in job.pieces]
    heights = [h for job in flat for h in job.heights]
    allowed = [job.allowed for job in flat for _ in job.pieces]
    guesses = reader.read(pieces, heights, allowed)
    at = 0
    for fid, field_jobs in jobs.items():
        lows: list[float | None] = []
        read: list[tuple[_Job, list[CharGuess]]] = []
        for job in field_jobs:
            mine = guesses[at : at + len(job.pieces)]
            at += len(job.pieces)
            if job.seen > len(job.text):  # the recognizer skipped a character
                out.findings.setdefault(fid, []).append(_finding(job, [], [], job.seen))
                lows.append(None)
                continue
            known = job.heights[0] is not None
            kind = "kana" if job.allowed is KANA_CLASSES else "digit"
            threshold = agree.MIN_PROB[kind] if min_prob is None else min_prob
            if mine:
                lows.append(agree.agreed(job.text, mine, size_known=known))
                read.append((job, mine))
            diffs = compare(job.text, mine, size_known=known, min_prob=threshold) if mine else []
            if diffs and not _settled(job.where, job.text, diffs):
                out.findings.setdefault(fid, []).append(_finding(job, mine, diffs))
        if fid not in out.findings and _whole(observations[fid], field_jobs):
            found = [low for low in lows if low is not None]
            if found and len(found) == len(lows):
                chars = sum(len(job.text) for job in field_jobs)
                doubt = max(_twin_doubt(job, mine) for job, mine in read)
                out.agreements[fid] = Agreement(chars, min(found), doubt)
    log.debug(
        "second reader: %d parts checked, %d fields differ, %d agree",
        len(flat),
        len(out.findings),
        len(out.agreements),
    )
    return out


def disagreements(
    observations: Mapping[str, Observation],
    readings: Mapping[str, Reading],
    reader: SecondReader,
    min_prob: float | None = None,
) -> dict[str, list[Finding]]:
    """The parts of each field the second reader reads differently (see :func:`check`)."""
    return check(observations, readings, reader, min_prob).findings


def reason(kind: FieldType, findings: list[Finding]) -> Reason:
    """``readers_disagree`` with both readings per part; for 個人番号 only which box."""
    if kind is FieldType.MYNUMBER:  # 特定個人情報: never a digit of it
        return Reason(
            ReasonCode.READERS_DISAGREE, "; ".join(f"{f.where} differs" for f in findings)
        )
    return Reason(ReasonCode.READERS_DISAGREE, "; ".join(_detail(f) for f in findings))


def _detail(f: Finding) -> str:
    if f.seen:
        return f"{f.where}: recognizer {f.text}, second reader sees {f.seen} characters"
    return f"{f.where}: {describe(f.text, f.guesses, f.diffs)}"


def second_opinion(
    observations: Mapping[str, Observation],
    readings: Mapping[str, Reading],
    reader: SecondReader,
) -> None:
    """Add ``readers_disagree`` to the reading of each field where the second reader reads
    a character differently (its value showing the likelier reading, see
    :mod:`.arbitrate`), and record on the others where it read every character alike
    (``Reading.agreement``; whether that counts is routing's business, see
    :mod:`.agreement`)."""
    checked = check(observations, readings, reader)
    for fid, findings in checked.findings.items():
        obs = observations[fid]
        disagree = reason(obs.spec.type, findings)
        if show_likelier(obs, readings[fid], findings, reader):
            disagree = note(disagree)
        readings[fid].reasons.append(disagree)
    for fid, agreement in checked.agreements.items():
        readings[fid].agreement = agreement
