"""Corrections of confusions the recognizer cannot avoid, decided by what Japanese allows.

Handwriting has no reliable size cue, so ャ and ヤ, ョ and ヨ, ゥ and ウ are read almost at
random; the long-vowel mark ー, the kanji 一 and a dash look the same. Which one is meant
follows from the neighbouring character: a small ャ only follows an i-row kana (キャ, シャ),
ー only follows kana. Each correction keeps the probability that the character is *either*
form (the recognizer's probability of the one plus its alternative's), so a correction is
never surer than the recognizer was about the pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..engines import Recognition
from ..preprocess.ink import INK_LEVEL, Gray
from .readings import sokuon_fits, yoon_by_reading

SMALL_RATIO = 0.72  # below this share of the line's typical height a kana is small
LARGE_RATIO = 0.96  # above it, large; in between the writing does not tell (measured:
# small kana 0.74-0.91, large ones misread as small 0.85-0.95 on synthetic handwriting)
UNSURE_SIZE = 0.9  # the most a small/large reading may claim when its size is in between
SMALL_TO_LARGE = dict(
    zip(
        "ァィゥェォャュョッヮぁぃぅぇぉゃゅょっゎ",
        "アイウエオヤユヨツワあいうえおやゆよつわ",
        strict=True,
    )
)
LARGE_TO_SMALL = {v: k for k, v in SMALL_TO_LARGE.items()}
I_ROW = set("キギシジチヂニヒビピミリきぎしじちぢにひびぴみり")
# Hosts of small vowels in name readings: only the loan sounds ファ, フィ, ティ, ディ, フェ,
# フォ, ヴァ ... Japanese names do not use ウェ or トゥ, while ウエノ and サトウ are everywhere.
VOWEL_HOSTS = {
    "ァ": set("フヴ"),
    "ィ": set("フヴテデ"),
    "ゥ": set(),
    "ェ": set("フヴ"),
    "ォ": set("フヴ"),
}
LONG = "ー"
SPACE = "\u3000"
ONE = "一"
DASHES = set("-‐−–—―－ｰ─")
# Katakana and the kanji that look the same in handwriting.
TWINS = dict(zip("カロニエハトタチー", "力口二工八卜夕千一", strict=True))
KANJI_TWINS = {v: k for k, v in TWINS.items()}


def _kana(c: str) -> bool:
    return "\u3041" <= c <= "\u30ff" and c not in ("・", "゠")


def _kanji(c: str) -> bool:
    return bool(c) and ("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf")


def _katakana(c: str) -> bool:
    return "\u30a1" <= c <= "\u30fa" or c == LONG


def small_plausible(prev: str, small: str, nxt: str | None = None) -> bool:
    """Can ``small`` (a small kana) follow ``prev`` in a Japanese reading? With ``nxt``
    given ("" at the end), a small ッ must also stand before a kana it can double."""
    katakana = small.translate(str.maketrans("ぁぃぅぇぉゃゅょっゎ", "ァィゥェォャュョッヮ"))
    if not prev:
        return False
    if katakana in "ャュョ":
        return prev in I_ROW or prev in set("テデフヴてでふ")
    if katakana == "ッ":
        fits_next = nxt is None or sokuon_fits(nxt)
        return _kana(prev) and prev not in set("ンッーんっ") and fits_next
    if katakana == "ヮ":
        return prev in set("クグくぐ")
    host = prev.translate(
        str.maketrans("ふてでうつすずしじちいきぎくぐ", "フテデウツスズシジチイキギクグ")
    )
    return host in VOWEL_HOSTS.get(katakana, set())


def _with_alt(conf: float, alternatives: Sequence[tuple[str, float]], other: str) -> float:
    return min(1.0, conf + dict(alternatives).get(other, 0.0))


def apply_changes(rec: Recognition, changes: dict[int, str]) -> Recognition:
    """``rec`` with characters replaced ("" removes one), per-character data kept aligned."""
    if not changes:
        return rec
    chars, confs, pos, alts = [], [], [], []
    for i, c in enumerate(rec.text):
        new = changes.get(i, c)
        if not new:
            continue
        alt = rec.alternatives[i] if i < len(rec.alternatives) else ()
        conf = rec.char_confidences[i] if i < len(rec.char_confidences) else 1.0
        if new != c:
            conf = _with_alt(conf, alt, new)
        chars.append(new)
        confs.append(conf)
        pos.append(rec.char_positions[i] if i < len(rec.char_positions) else 0.5)
        alts.append(alt)
    return replace(
        rec,
        text="".join(chars),
        char_confidences=tuple(confs),
        char_positions=tuple(pos),
        alternatives=tuple(alts),
        confidence=min(confs, default=rec.confidence),
    )


def fix_kana(rec: Recognition) -> Recognition:
    """Corrections for a reading (フリガナ): kanji twins become their katakana (力 → カ);
    small kana where only a large one can stand become large (a ッ before a vowel: テッヤ →
    テツヤ); a long-vowel mark that follows no kana is dropped (with low confidence, so that
    a reviewer sees the stroke)."""
    changes: dict[int, str] = {}
    text = rec.text
    for i, read in enumerate(text):
        c = KANJI_TWINS.get(read, read)
        if c != read:
            changes[i] = c
        prev = changes.get(i - 1, text[i - 1]) if i else ""
        nxt = KANJI_TWINS.get(text[i + 1], text[i + 1]) if i + 1 < len(text) else ""
        if c in SMALL_TO_LARGE and not small_plausible(prev, c, nxt):
            changes[i] = SMALL_TO_LARGE[c]
        elif c == LONG and (not prev or not _kana(prev) or prev == SPACE):
            changes[i] = ""
    fixed = apply_changes(rec, changes)
    if any(v == "" for v in changes.values()):
        fixed = replace(fixed, confidence=min(fixed.confidence, 0.5))
    return fixed


def _both_fit(text: str, i: int) -> bool:
    """Could the kana at ``i`` be small as well as large there (キヨ / キョ, but not ヤ at the
    start of a word)?"""
    c = text[i]
    small = c if c in SMALL_TO_LARGE else LARGE_TO_SMALL.get(c, "")
    return bool(small) and small_plausible(text[i - 1] if i else "", small)


YOON = set("ヤユヨャュョやゆよゃゅょ")


def _yoon_written_large(text: str, i: int) -> bool:
    """Whether ``text[i]`` is ヤ, ユ or ヨ (either size) after an i-row kana, where the writing
    cannot tell キョウ from キヨウ: many hands draw the small ョ of a name reading full size
    (on the development writers of the calibration set, 12 of 37 such readings were wrong),
    while both spellings are names (キヨシ, キョウコ). Only a person who knows the name can
    decide; the ink's size is no evidence either way."""
    return text[i] in YOON and i > 0 and text[i - 1] in I_ROW


def _heights(rec: Recognition, image: Gray) -> list[float] | None:
    """The height of the ink at each character of ``rec`` (a band of the crop around its
    position), or None when the crop holds no ink."""
    ink = np.asarray(image < INK_LEVEL, dtype=bool)
    rows = np.flatnonzero(ink.any(axis=1))
    if len(rows) == 0:
        return None
    em = float(rows[-1] - rows[0] + 1)
    width = ink.shape[1]

    def height(i: int) -> float:
        x = rec.char_positions[i] * width if i < len(rec.char_positions) else 0.0
        band = ink[:, max(0, int(x - 0.3 * em)) : int(x + 0.3 * em) + 1]
        r = np.flatnonzero(band.any(axis=1))
        return float(r[-1] - r[0] + 1) if len(r) else 0.0

    return [height(i) for i in range(len(rec.text))]


def _cap(rec: Recognition, unsure: Sequence[int]) -> Recognition:
    """``rec`` with the characters at ``unsure`` no surer than :data:`UNSURE_SIZE`."""
    if not unsure:
        return rec
    confs = list(rec.char_confidences)
    for i in unsure:
        if i < len(confs):
            confs[i] = min(confs[i], UNSURE_SIZE)
    return replace(rec, char_confidences=tuple(confs), confidence=min(confs, default=0.0))


def fix_kana_size(rec: Recognition, image: Gray) -> Recognition:
    """Small or large kana (ャ/ヤ, ッ/ツ ...) by the height of the writing at that character
    against the other characters of the line: small kana are about two thirds as tall. A
    height in between, or a ヤユヨ after an i-row kana that looks full size (see
    :func:`_yoon_written_large`), claims at most :data:`UNSURE_SIZE`; there a ヤユヨ takes
    the form a name reading prefers where it prefers one (ショウ, キヨシ: see
    :func:`.readings.yoon_by_reading`), else the reading is kept."""
    pairs = [i for i, c in enumerate(rec.text) if c in SMALL_TO_LARGE or c in LARGE_TO_SMALL]
    if not pairs or len(rec.text) < 2:
        return rec
    heights = _heights(rec, image)
    if heights is None:
        return rec
    reference = [
        heights[i]
        for i, c in enumerate(rec.text)
        if i not in pairs and not c.isspace() and c not in (LONG, "・")
    ]
    if not reference:
        return rec
    typical = float(np.median(reference))
    changes: dict[int, str] = {}
    unsure: list[int] = []
    for i in pairs:
        ratio = heights[i] / typical if typical else 1.0
        c = rec.text[i]
        if ratio < SMALL_RATIO and c in LARGE_TO_SMALL:
            changes[i] = LARGE_TO_SMALL[c]
        elif ratio > LARGE_RATIO and c in SMALL_TO_LARGE:
            changes[i] = SMALL_TO_LARGE[c]
        large_yoon = ratio > LARGE_RATIO and _yoon_written_large(rec.text, i)
        if large_yoon or (SMALL_RATIO <= ratio <= LARGE_RATIO and _both_fit(rec.text, i)):
            unsure.append(i)
            preferred = yoon_by_reading(rec.text, i)
            if preferred is not None:
                changes[i] = preferred
    # same length: changes above never remove characters
    return _cap(apply_changes(rec, changes), unsure)


LOAN_SMALL = {
    **{v: set("フヴテデ") for v in "アイエオ"},
    **{v: I_ROW for v in "ヤユヨ"},
}
"""Full-size katakana that, after these kana, are most often a small one read large (シテイ
for シティ, ヴイラ for ヴィラ, ジユ for ジュ): loan sounds of building and place names."""
NEVER_LARGE = set("ヴ")  # ヴイ, ヴエ ...: the large form is not written after ヴ


def fix_kana_size_in_text(rec: Recognition, image: Gray) -> Recognition:
    """The loan sounds of katakana words inside a line of kanji (an address's ヴィラ or
    シティ): a full-size vowel or ヤユヨ where a small one is usual is measured against the
    other kana of its word, never against kanji (taller in most hands). Clearly small, it
    becomes small; in between, or with too few other kana to compare, the reading is kept
    but claims at most :data:`UNSURE_SIZE`, so that a person looks. After ヴ a vowel is
    always small (ヴィラ), and claims at most :data:`UNSURE_SIZE` when it was read large.
    Small readings are left alone: the recognizer rarely reads a full-size kana small inside
    a loan word, and the small form is the usual one."""
    text = rec.text
    suspects = [
        i
        for i in range(1, len(text))
        if text[i] in LOAN_SMALL and text[i - 1] in LOAN_SMALL[text[i]]
    ]
    if not suspects:
        return rec
    heights = _heights(rec, image)
    if heights is None:
        return rec
    changes: dict[int, str] = {}
    unsure: list[int] = []
    for i in suspects:
        start, end = _katakana_word(text, i)
        others = [heights[j] for j in range(start, end) if j != i and text[j] != LONG]
        typical = float(np.median(others)) if len(others) >= 2 else 0.0
        ratio = heights[i] / typical if typical else None
        if ratio is not None and ratio < SMALL_RATIO:
            changes[i] = LARGE_TO_SMALL[text[i]]
        elif text[i - 1] in NEVER_LARGE:  # ヴイラ is ヴィラ, however large the ィ was drawn
            changes[i] = LARGE_TO_SMALL[text[i]]
            unsure.append(i)
        elif ratio is None or ratio <= LARGE_RATIO:
            unsure.append(i)
    return _cap(apply_changes(rec, changes), unsure)


def _katakana_word(text: str, i: int) -> tuple[int, int]:
    """The run of katakana (with ー) around ``i``, as (start, end)."""
    start, end = i, i + 1
    while start > 0 and _katakana(text[start - 1]):
        start -= 1
    while end < len(text) and _katakana(text[end]):
        end += 1
    return start, end


def _runs(text: str) -> list[tuple[int, int]]:
    """Maximal runs of katakana and katakana twins, as (start, end)."""
    runs, start = [], None
    for i, c in enumerate([*text, ""]):
        member = bool(c) and (_katakana(c) or c in KANJI_TWINS or c in DASHES)
        if member and start is None:
            start = i
        elif not member and start is not None:
            runs.append((start, i))
            start = None
    return runs


def fix_twins(rec: Recognition) -> Recognition:
    """In names, addresses and free text: a run of characters that mixes katakana with
    kanji twins (力一サ, コ一ポ) is katakana (カーサ, コーポ); a run made only of twins
    (the 口 of 川口, the 一 of 一丁目, the 工 of 工藤) is kanji."""
    changes: dict[int, str] = {}
    text = rec.text
    for start, end in _runs(text):
        run = text[start:end]
        katakana = any(_katakana(c) and c not in TWINS for c in run)
        for i in range(start, end):
            c = text[i]
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if katakana and c in KANJI_TWINS and i == end - 1 and _kanji(nxt):
                target = c  # ハイツ八王子: a twin that starts the next (kanji) word stays kanji
            elif katakana:
                target = KANJI_TWINS.get(c, LONG if c in DASHES and i > start else c)
            else:
                target = TWINS.get(c, c)
            dash = c in DASHES or c in (LONG, ONE)
            if (dash and nxt.isdigit()) or (c in DASHES and not katakana):
                target = c  # 3-5, 丁目ー5: a dash between numbers, for the address normaliser
            if target != c:
                changes[i] = target
    return apply_changes(rec, changes)


# Katakana that handwriting draws like a hiragana (り and リ differ only in the join).
HIRAGANA_TWINS = {"リ": "り", "ヘ": "へ", "ベ": "べ", "ペ": "ぺ"}


def _hiragana(c: str) -> bool:
    return "\u3041" <= c <= "\u309f"


def fix_hiragana_twins(rec: Recognition) -> Recognition:
    """In names, addresses and free text: a リ (or ヘ) that continues a hiragana word is the
    hiragana り (みどリ → みどり), unless a katakana word follows, where it may start that
    word (さくらリバー)."""
    text = rec.text
    changes: dict[int, str] = {}
    for i, c in enumerate(text):
        if c not in HIRAGANA_TWINS or i == 0 or not _hiragana(text[i - 1]):
            continue
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if not _katakana(nxt):
            changes[i] = HIRAGANA_TWINS[c]
    return apply_changes(rec, changes)


_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ")
_ONES = {"1": "I", "１": "Ｉ"}


def fix_latin_one(rec: Recognition) -> Recognition:
    """A 1 between two capital letters is the letter I (ＳＵＮＲ１ＳＥ → ＳＵＮＲＩＳＥ): a
    building name, never a number."""
    text = rec.text
    changes = {
        i: _ONES[c]
        for i, c in enumerate(text)
        if c in _ONES and 0 < i < len(text) - 1 and text[i - 1] in _LATIN and text[i + 1] in _LATIN
    }
    return apply_changes(rec, changes)
