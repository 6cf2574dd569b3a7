"""What a crop may read as, beyond a character set: small finite-state grammars.

An allowed-character set (see :mod:`.ctc`) cannot say that 番 needs a number before it, that a
month is 1-12, or that a comb box holds one digit. A :class:`Grammar` can: it walks a reading
character by character (``allowed_after(state, char)`` gives the next state, or ``None`` where
the character cannot come next) and says which states may end a reading (``accepting``).
:func:`.ctc.decode_constrained` searches the recognizer's output for the best reading a
grammar accepts.

Grammars here describe what is *impossible* on a form, never what is merely unusual: a
reading they refuse is wrong, so forcing another one costs nothing but a review.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol, runtime_checkable

State = Hashable

ASCII_DIGITS = frozenset("0123456789")
WIDE_DIGITS = frozenset("０１２３４５６７８９")
DIGITS = ASCII_DIGITS | WIDE_DIGITS
KANJI_NUMERALS = frozenset("〇一二三四五六七八九十百千")
NUMERALS = DIGITS | KANJI_NUMERALS
DASHES = frozenset("-－−―‐‑–—ｰ")
LONG_MARK = "ー"  # a long vowel after kana, a dash after a number
# Strokes a handwritten 1 is read as, and marks no address on a form holds: brackets (a
# 1 next to a digit came back as `)`), comparison and punctuation signs.
NEVER_IN_ADDRESS = frozenset("/|\\｜＿_／＼¦√()（）<>＜＞[]［］{}｛｝!！?？;；:：*＊\"'“”‘’")
LONE_LATIN = frozenset("lIiｌＩｉ")  # one-stroke 1s; fine inside a Latin word (Villa)
# A person's name holds no digit and none of the address's impossible marks (a handwritten
# 1 or a stroke of 川 came back as `)`); ・ stays (ジョン・スミス), as do Latin letters.
NEVER_IN_NAME = NEVER_IN_ADDRESS | DIGITS
SPACES = frozenset(" 　")
GANNEN = "元"


@runtime_checkable
class Grammar(Protocol):
    """A finite-state grammar over the characters of one reading."""

    @property
    def start(self) -> State:
        """The state before the first character."""
        ...

    @property
    def hints(self) -> frozenset[str]:
        """Characters worth trying on every frame where the recognizer gives them any
        probability, even outside its few most likely classes (the digits of a number)."""
        ...

    @property
    def alphabet(self) -> frozenset[str] | None:
        """Every character the grammar can ever accept, when that is a small set (digits);
        ``None`` for an open one (an address line may hold any kanji)."""
        ...

    def allowed_after(self, state: State, char: str) -> State | None:
        """The state after ``char`` in ``state``; ``None`` when ``char`` cannot come next."""
        ...

    def accepting(self, state: State) -> bool:
        """Whether a reading may end in ``state``."""
        ...


def accepts(grammar: Grammar, text: str) -> bool:
    """Whether ``grammar`` accepts the whole of ``text``."""
    state: State | None = grammar.start
    for ch in text:
        state = grammar.allowed_after(state, ch)
        if state is None:
            return False
    return grammar.accepting(state)


def _digit_value(ch: str) -> int | None:
    if ch in ASCII_DIGITS:
        return ord(ch) - ord("0")
    if ch in WIDE_DIGITS:
        return ord(ch) - ord("０")
    return None


@dataclass(frozen=True)
class Digits:
    """``min_len`` to ``max_len`` digits (ASCII or full-width), nothing else."""

    min_len: int
    max_len: int

    @property
    def start(self) -> State:
        return 0

    @property
    def hints(self) -> frozenset[str]:
        return ASCII_DIGITS

    @property
    def alphabet(self) -> frozenset[str] | None:
        return DIGITS

    def allowed_after(self, state: State, char: str) -> State | None:
        assert isinstance(state, int)
        if _digit_value(char) is None or state >= self.max_len:
            return None
        return state + 1

    def accepting(self, state: State) -> bool:
        assert isinstance(state, int)
        return self.min_len <= state <= self.max_len


@dataclass(frozen=True)
class NumberRange:
    """A number from ``lo`` to ``hi`` in ``min_digits`` to ``max_digits`` digits, with at most
    one leading zero (``04`` for April, never ``004``), or one of ``words`` alone (元)."""

    lo: int
    hi: int
    max_digits: int
    min_digits: int = 1
    words: frozenset[str] = frozenset()

    @property
    def start(self) -> State:
        return (0, 0)

    @property
    def hints(self) -> frozenset[str]:
        return ASCII_DIGITS | self.words

    @property
    def alphabet(self) -> frozenset[str] | None:
        return DIGITS | self.words

    def allowed_after(self, state: State, char: str) -> State | None:
        if not isinstance(state, tuple):  # a word: nothing may follow it
            return None
        value, count = state
        if char in self.words:
            return char if count == 0 else None
        digit = _digit_value(char)
        if digit is None or count >= self.max_digits or (count >= 1 and value == 0 and digit == 0):
            return None
        value = value * 10 + digit
        if value > self.hi:  # more digits only make it larger
            return None
        return (value, count + 1)

    def accepting(self, state: State) -> bool:
        if not isinstance(state, tuple):
            return True
        value, count = state
        return bool(count >= self.min_digits and self.lo <= value <= self.hi)


class _A(IntEnum):
    """States of the address grammar."""

    START = 0  # beginning of the line
    NUMBER = 1  # after a numeral
    DASH = 2  # after a dash that follows a number: a number must come next
    TEXT = 3  # after anything else
    BAN = 4  # after 番 that follows a number: 地 may come next
    CHO = 5  # after 丁 that follows a number: 目 may come next
    LONE_CHO = 6  # after 丁 not following a number (丁子): 目 may not come next
    LONE_BAN = 7  # after 番 not following a number: only a place name (番場, 番田) goes on
    LATIN = 8  # inside a Latin word
    LONE_LATIN = 9  # after l or I not inside a Latin word: another letter must follow
    DIGIT = 10  # after a digit (a kanji numeral is NUMBER): as NUMBER, but see DIGIT_CHO
    DIGIT_CHO = 11  # after 丁 that follows a digit: only 目 (２丁目; 八丁堀 is kanji)


def _is_latin(ch: str) -> bool:
    return ("a" <= ch.lower() <= "z") or ("ａ" <= ch <= "ｚ") or ("Ａ" <= ch <= "Ｚ")


def _is_word_char(ch: str) -> bool:
    """Kanji or kana (what may continue a place name that begins with 番)."""
    return "\u3041" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _numeral(char: str) -> _A:
    return _A.DIGIT if char in DIGITS else _A.NUMBER


def _after_dash(char: str) -> _A | None:
    return _numeral(char) if char in NUMERALS else None


def _after_digit_cho(char: str) -> _A | None:
    return _A.TEXT if char == "目" else None


def _after_lone_ban(char: str) -> _A | None:
    ok = _is_word_char(char) and char not in NUMERALS and char not in "番号地ー"
    return _A.TEXT if ok else None


def _after_lone_latin(char: str) -> _A | None:
    return _A.LATIN if _is_latin(char) else None


_ONLY_NEXT = {
    _A.DASH: _after_dash,
    _A.LONE_BAN: _after_lone_ban,
    _A.LONE_LATIN: _after_lone_latin,
    _A.DIGIT_CHO: _after_digit_cho,
}
# What must follow a number: its state after a number, and otherwise (None: impossible).
_SUFFIXES = {"番": (_A.BAN, _A.LONE_BAN), "号": (_A.TEXT, None), "丁": (_A.CHO, _A.LONE_CHO)}


def _dash(state: _A, char: str, after_number: bool) -> _A | None:
    """A dash after a number; ー is also the long vowel after kana."""
    if after_number:
        return _A.DASH
    return _A.TEXT if char == LONG_MARK and state is not _A.START else None


def _suffix(state: _A, char: str, after_number: bool) -> _A | None:
    """The state after 番, 号 or 丁; ２丁 must go on as ２丁目 (八丁堀 is a place name)."""
    if char == "丁" and state is _A.DIGIT:
        return _A.DIGIT_CHO
    return _SUFFIXES[char][0 if after_number else 1]


def _next(state: _A, char: str, after_number: bool) -> _A | None:
    """The address state after ``char`` in a state without restrictions of its own."""
    if char in NUMERALS:
        return _numeral(char)
    if char in DASHES or char == LONG_MARK:
        return _dash(state, char, after_number)
    if char in _SUFFIXES:
        return _suffix(state, char, after_number)
    if char == "目" and state is _A.LONE_CHO:
        return None
    if char in LONE_LATIN and state is not _A.LATIN:
        return _A.LONE_LATIN
    return _A.LATIN if _is_latin(char) else _A.TEXT


@dataclass(frozen=True)
class Address:
    """One line of a Japanese address: ``/ | \\ ｜ ＿`` never appear, nor a lone ``l``/``I``;
    番, 号, 番地 and 丁目 follow a number (digits or kanji numerals); a dash stands between
    numbers. ``continued``: the line is one of several, so it may begin with what follows a
    number (番地, -3) and end with a dash."""

    continued: bool = False

    @property
    def start(self) -> State:
        return _A.START

    @property
    def hints(self) -> frozenset[str]:
        return DIGITS | KANJI_NUMERALS

    @property
    def alphabet(self) -> frozenset[str] | None:
        return None

    def allowed_after(self, state: State, char: str) -> State | None:
        assert isinstance(state, _A)
        if char in NEVER_IN_ADDRESS:
            return None
        if char in SPACES:
            return state
        if state in _ONLY_NEXT:
            return _ONLY_NEXT[state](char)
        after_number = state in (_A.NUMBER, _A.DIGIT) or (state is _A.START and self.continued)
        return _next(state, char, after_number)

    def accepting(self, state: State) -> bool:
        if state is _A.DASH:
            return self.continued
        return state not in (_A.LONE_BAN, _A.LONE_LATIN)


class _Open:
    """What open grammars share: they start at depth 0, know no hints or closed alphabet,
    and may end anywhere."""

    @property
    def start(self) -> State:
        return 0

    @property
    def hints(self) -> frozenset[str]:
        return frozenset()

    @property
    def alphabet(self) -> frozenset[str] | None:
        return None

    def accepting(self, state: State) -> bool:
        return True


@dataclass(frozen=True)
class Excluding(_Open):
    """Any reading that holds none of ``banned``: an open field whose only rule is what can
    never be in it (a name)."""

    banned: frozenset[str]

    def allowed_after(self, state: State, char: str) -> State | None:
        return None if char in self.banned else state


OPENING = "(（「『[［【"
CLOSING = ")）」』]］】"


@dataclass(frozen=True)
class FreeText(_Open):
    """Free text (続柄, a school's name, a remark): anything, except a closing bracket with no
    opening bracket before it (a stroke at the edge of a cell came back as `)本人`)."""

    def allowed_after(self, state: State, char: str) -> State | None:
        assert isinstance(state, int)
        if char in OPENING:
            return state + 1
        if char in CLOSING:
            return state - 1 if state > 0 else None
        return state


@dataclass(frozen=True)
class Vocabulary:
    """One of ``words``: a field whose form lists what it holds (続柄: 世帯主, 妻,
    子 ...). Unlike the other grammars this one states what is *usual*, not what is possible
    (a 続柄 may be one no list foresaw), so a reading held to it must be confirmed by a person
    (see ``extract.interpret``). States are the prefixes read so far."""

    words: frozenset[str]

    @property
    def start(self) -> State:
        return ""

    @property
    def hints(self) -> frozenset[str]:
        return self.alphabet

    @property
    def alphabet(self) -> frozenset[str]:
        return frozenset("".join(self.words))

    def allowed_after(self, state: State, char: str) -> State | None:
        assert isinstance(state, str)
        prefix = state + char
        return prefix if any(w.startswith(prefix) for w in self.words) else None

    def accepting(self, state: State) -> bool:
        # Not the empty reading: a crop is read only when it holds ink, and ink held to
        # nothing would lose what the recognizer saw (梁 for a 妻 stays 梁, for a person).
        return state in self.words


def vocabulary(words: Iterable[str]) -> Vocabulary:
    """One of ``words`` (see :class:`Vocabulary`)."""
    return Vocabulary(frozenset(words))


def text_grammar() -> FreeText:
    """A free text line (see :class:`FreeText`)."""
    return FreeText()


def name_grammar() -> Excluding:
    """A person's name: no digits, brackets, slashes or punctuation (see NEVER_IN_NAME)."""
    return Excluding(NEVER_IN_NAME)


def digits(min_len: int, max_len: int) -> Digits:
    """``min_len`` to ``max_len`` digits: a comb box (0-1), a phone or postal segment."""
    if not 0 <= min_len <= max_len:
        raise ValueError(f"digits({min_len}, {max_len}): need 0 <= min_len <= max_len")
    return Digits(min_len, max_len)


def number_range(lo: int, hi: int, max_digits: int, min_digits: int = 1) -> NumberRange:
    """A number in ``lo``-``hi`` written with ``min_digits`` to ``max_digits`` digits."""
    return NumberRange(lo, hi, max_digits, min_digits)


def wareki_year() -> NumberRange:
    """A 和暦 year: 1-99 or 元."""
    return NumberRange(1, 99, 2, words=frozenset({GANNEN}))


def western_year() -> NumberRange:
    """A western year: four digits, 1868 (明治) to 2199."""
    return NumberRange(1868, 2199, 4, min_digits=4)


def address_grammar(continued: bool = False) -> Address:
    """One line of an address (see :class:`Address`)."""
    return Address(continued)
