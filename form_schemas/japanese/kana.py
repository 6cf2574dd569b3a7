"""フリガナ / ふりがな fields: normal form is full-width katakana.

Residents write hiragana or katakana, sometimes half-width when typed; the export form is
full-width katakana with the long-vowel mark ``ー`` and single ideographic spaces between
family and given name. Anything else (kanji, Latin letters, ``・``) is reported, not removed.
"""

from __future__ import annotations

import jaconv

from .width import DASHES, IDEOGRAPHIC_SPACE, collapse_spaces

LONG_VOWEL = "\u30fc"

# Katakana letters ァ (U+30A1) … ヺ (U+30FA) and the iteration marks ヽ ヾ; U+30FB (・) is
# punctuation and U+30FC is the long-vowel mark, listed on its own.
KATAKANA = frozenset(chr(c) for c in range(0x30A1, 0x30FB)) | frozenset("ヽヾ")
HIRAGANA = frozenset(chr(c) for c in range(0x3041, 0x3097)) | frozenset("ゝゞ")

VALID_KANA_CHARS = KATAKANA | {LONG_VOWEL, IDEOGRAPHIC_SPACE}
"""What a kana field may hold in export form."""

WRITTEN_KANA_CHARS = KATAKANA | HIRAGANA | frozenset({LONG_VOWEL, " ", IDEOGRAPHIC_SPACE, "・"})
"""What residents really write in a kana zone: both syllabaries (small ones included), the
long-vowel mark, a space between family and given name, and ``・`` between the parts of a
foreign name. ``・`` is not valid in export form: it is allowed to be *read* so that the
recognizer does not turn it into a kana, and is then reported as ``invalid_kana``."""

# A dash written in a kana field is a long-vowel mark; so is the kanji 一 (one) right after a
# kana, which is how a recognizer often reads a handwritten ー.
_DASH_TO_LONG_VOWEL = str.maketrans(dict.fromkeys(DASHES, LONG_VOWEL))
_KANJI_ONE = "一"


def _kanji_one_as_long_vowel(text: str) -> str:
    chars = list(text)
    for i in range(1, len(chars)):
        if chars[i] == _KANJI_ONE and (chars[i - 1] in KATAKANA or chars[i - 1] == LONG_VOWEL):
            chars[i] = LONG_VOWEL
    return "".join(chars)


def normalise_kana(text: str) -> str:
    """Export form of a kana field; characters that are not kana are kept as they are.

    Half-width katakana → full-width, hiragana → katakana (ゔ → ヴ, ゝ → ヽ), dashes → ``ー``,
    ``一`` after a kana → ``ー``, whitespace runs → one U+3000. Idempotent.
    """
    wide: str = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    kata: str = jaconv.hira2kata(wide)
    kata = kata.translate(_DASH_TO_LONG_VOWEL)
    return collapse_spaces(_kanji_one_as_long_vowel(kata))


def invalid_kana_chars(text: str) -> list[str]:
    """Distinct characters of ``text`` not allowed in an export-form kana value."""
    bad: list[str] = []
    for ch in text:
        if ch not in VALID_KANA_CHARS and ch not in bad:
            bad.append(ch)
    return bad


def is_normal_kana(text: str) -> bool:
    """Only valid kana characters, no leading/trailing or doubled spaces."""
    return not invalid_kana_chars(text) and collapse_spaces(text) == text
