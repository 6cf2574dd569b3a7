"""What each field type accepts, how a reading becomes an export-form value, and its checks.

Three entry points turn what was read or typed into an :class:`Interpretation` (the export
form value plus the reasons a human should look at it), and :func:`check_value` re-checks
an export-form value without changing it. Every ``interpret_*`` result with a value
satisfies ``check_value(spec, result.value) ⊆ result.reasons``: the checks are the same,
whatever path the value took. (A date or mark that could not be read has value ``None``
and says why; it is not also reported as ``required_missing``.)

A failed check never discards what was read: the value stays (widths folded, digit
confusions absorbed) and the reason explains. Only dates and checkboxes, whose export forms
cannot hold arbitrary text, come back as ``None`` when they cannot be read.

Table cells (ids ``TABLE.ROW.COLUMN``) are ``required`` only in rows that hold any
writing, which a single cell cannot know: for cells, ``required_missing`` comes from
:func:`form_schemas.crosscheck.cross_check`, never from the functions here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .japanese import amount, dates, digits, kana, mynumber, phone, postal, width
from .japanese.era import ERAS
from .reasons import Reason, ReasonCode
from .spec import Era, FieldSpec, FieldType, FieldValue

T = FieldType


@dataclass(frozen=True)
class Interpretation:
    """An export-form ``value`` and the ``reasons`` (possibly none) to review it."""

    value: FieldValue
    reasons: tuple[Reason, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reasons


TEXT_LIKE = frozenset(
    {T.TEXT, T.NAME, T.ADDRESS, T.KANA, T.POSTAL_CODE, T.PHONE, T.MYNUMBER, T.DIGITS, T.AMOUNT}
)

_DIGITS = frozenset("0123456789")
_ALLOWED_COMB: dict[FieldType, frozenset[str]] = {
    T.POSTAL_CODE: _DIGITS,
    T.PHONE: _DIGITS,
    T.MYNUMBER: _DIGITS,
    T.DIGITS: _DIGITS,
    T.AMOUNT: _DIGITS,
    T.DATE: _DIGITS,
    T.WAREKI_DATE: _DIGITS | {dates.GANNEN},
    T.KANA: kana.WRITTEN_KANA_CHARS,
}
# On a free line people add what a comb's printed boxes otherwise stand for.
_ALLOWED_FREE_LINE: dict[FieldType, frozenset[str]] = {
    T.POSTAL_CODE: _DIGITS | {"-", "〒"},
    T.PHONE: _DIGITS | {"-", "(", ")"},
    T.AMOUNT: _DIGITS | {",", "¥", "円", "-"},
}


def is_table_cell(spec: FieldSpec) -> bool:
    """Cells are named ``TABLE.ROW.COLUMN``; top-level ids cannot hold a dot."""
    return "." in spec.id


def allowed_chars(spec: FieldSpec) -> frozenset[str] | None:
    """Characters the recognizer may output for ``spec``'s zone (``None``: unconstrained).

    Combs of boxes hold one digit per box, and so do fields split into several segments
    (the printed ``（　）　－`` between them carries the separators). A field that is one
    free line (``boxes: 0``) also holds what people write around the digits: ``-`` and
    ``〒`` in a postal code, ``-`` and brackets in a phone number (``03(1234)5678``), ``,``,
    ``¥``, ``円`` and a closing ``-`` in an amount. 和暦 years may be written ``元``. Kana
    zones take both syllabaries, ``ー``, spaces and ``・`` (see
    :data:`~.japanese.kana.WRITTEN_KANA_CHARS`). Free text, names, addresses and mark
    fields (not read by the recognizer) are unconstrained.
    """
    free_line = len(spec.segments) == 1 and spec.segments[0].boxes == 0
    if free_line and spec.type in _ALLOWED_FREE_LINE:
        return _ALLOWED_FREE_LINE[spec.type]
    return _ALLOWED_COMB.get(spec.type)


def _blank(value: FieldValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _required(spec: FieldSpec) -> tuple[Reason, ...]:
    if spec.required and not is_table_cell(spec):
        return (Reason(ReasonCode.REQUIRED_MISSING, f"{spec.id} is required and empty"),)
    return ()


# --- normalising what was read ---------------------------------------------------------


def _normalise_digits(spec: FieldSpec, raw: str) -> str:
    out = digits.unify_dashes(digits.strip_spaces(digits.read_digits(raw)))
    if spec.separator:
        out = out.replace(digits.unify_dashes(spec.separator), "")
    return out.replace("-", "")


def _normalise_amount(spec: FieldSpec, raw: str) -> FieldValue:
    reading = amount.read_amount(raw)
    return reading.text if reading.value is None else reading.value


_NORMALISERS: dict[FieldType, Callable[[FieldSpec, str], FieldValue]] = {
    T.TEXT: lambda s, r: width.normalise_text(r),
    T.NAME: lambda s, r: width.normalise_text(r),
    T.ADDRESS: lambda s, r: width.normalise_text(r, address=True),
    T.KANA: lambda s, r: kana.normalise_kana(r),
    T.POSTAL_CODE: lambda s, r: postal.normalise_postal(r),
    T.PHONE: lambda s, r: phone.normalise_phone(r),
    T.MYNUMBER: lambda s, r: mynumber.normalise_mynumber(r),
    T.DIGITS: _normalise_digits,
    T.AMOUNT: _normalise_amount,
}


def _with_checks(
    spec: FieldSpec, value: FieldValue, found: tuple[Reason, ...] = ()
) -> Interpretation:
    """``found`` (reading problems) plus the checks on ``value``, without duplicate codes.
    A value that could not be read is not also reported as missing."""
    checks = check_value(spec, value) if value is not None or not found else ()
    codes = {r.code for r in found}
    return Interpretation(value, found + tuple(r for r in checks if r.code not in codes))


def interpret_text(spec: FieldSpec, raw: str) -> Interpretation:
    """Raw text read by OCR (or typed) for a text-like field → export-form value + reasons.

    Empty or whitespace gives ``None`` (+ ``required_missing`` for required top-level
    fields). For comb/segmented fields pass the segments joined by ``spec.separator``.
    Date and mark fields are handed to :func:`interpret_typed`, which reads whole dates
    and yes/no words.
    """
    if spec.type not in TEXT_LIKE:
        return interpret_typed(spec, raw)
    value = None if _blank(raw) else _NORMALISERS[spec.type](spec, raw)
    if _blank(value):  # also writing that normalises away, e.g. a lone "-" in a phone field
        return Interpretation(None, _required(spec))
    return _with_checks(spec, value)


def _date(spec: FieldSpec, era: Era | None, parts: tuple[str, str, str]) -> Interpretation:
    try:
        iso = dates.build_date(era, *parts).isoformat()
    except dates.InvalidDateError as exc:
        return _with_checks(spec, None, (Reason(ReasonCode.INVALID_DATE, str(exc)),))
    return _with_checks(spec, iso)


def interpret_date(
    spec: FieldSpec, era: Era | None, year: str, month: str, day: str
) -> Interpretation:
    """A date from its parts as read → ISO ``YYYY-MM-DD`` or ``None``.

    ``era`` is the circled era (``None`` when none was circled, or for a western date); a
    ``wareki_date`` with a printed era (``spec.era``) uses that. Year ``元`` is year 1.
    All parts empty: ``None`` (+ ``required_missing``). Some parts empty, impossible dates
    (昭和64年1月8日) and non-numbers: ``invalid_date`` naming what was written. A
    ``wareki_date`` without any era: ``era_missing``.
    """
    parts = (dates.clean_part(year), dates.clean_part(month), dates.clean_part(day))
    if not any(parts):
        return Interpretation(None, _required(spec))
    if not all(parts):
        written = "/".join(p or "_" for p in parts)
        return _with_checks(
            spec, None, (Reason(ReasonCode.INVALID_DATE, f"incomplete date {written}"),)
        )
    use_era = era if era is not None else spec.era
    if spec.type is T.WAREKI_DATE and use_era is None:
        detail = f"no era circled for year {parts[0]}"
        return _with_checks(spec, None, (Reason(ReasonCode.ERA_MISSING, detail),))
    return _date(spec, use_era, parts)


_TRUE_WORDS = frozenset(
    {"1", "true", "t", "yes", "y", "on", "はい", "有", "あり", "レ", "✓", "✔", "☑", "○", "〇", "◯"}
)
_FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off", "いいえ", "無", "なし", "□", "☐"})
# Typed ×/x is left out on purpose: on paper a ✗ in a box is a tick, but a typed × reads
# as "no" to a Japanese reviewer. Such input is refused rather than guessed.


def _typed_mark(spec: FieldSpec, typed: str) -> Interpretation:
    word = width.to_halfwidth_ascii(typed).strip().lower()
    if word in _TRUE_WORDS or word in _FALSE_WORDS:
        return _with_checks(spec, word in _TRUE_WORDS)
    detail = f"{typed.strip()!r} is not one of 1/0, true/false, はい/いいえ, レ/✓"
    return _with_checks(spec, None, (Reason(ReasonCode.INVALID_CHOICE, detail),))


def _typed_choice(spec: FieldSpec, typed: str) -> Interpretation:
    text = width.to_halfwidth_ascii(typed).strip()
    for opt in spec.options:
        if text == opt.code or text.lower() == opt.code.lower():
            return _with_checks(spec, opt.code)
    wanted = width.normalise_text(typed)
    for opt in spec.options:
        if wanted == width.normalise_text(opt.label):
            return _with_checks(spec, opt.code)
    # Era options are labelled with the short form (昭); accept the name (昭和) and letter (S).
    for opt in spec.options:
        info = next((e for e in ERAS if e.era.value == opt.code), None)
        if info is not None and (wanted == info.kanji or text.upper() == info.letter):
            return _with_checks(spec, opt.code)
    return _with_checks(spec, typed.strip())


def interpret_typed(spec: FieldSpec, typed: str) -> Interpretation:
    """What a reviewer types, for any field type → export-form value + reasons.

    Dates: ``2024-04-01``, ``2024/4/1``, ``2024年4月1日``, ``20240401``, ``令和6年4月1日``,
    ``令和元年5月1日``, ``R6.4.1``, full-width digits (``S64.1.8`` → ``invalid_date``).
    Checkbox/presence: 1/0, true/false, yes/no, はい/いいえ, 有/無, レ, ✓ (→ bool).
    Choice: an option's code or label (→ code). Everything else as :func:`interpret_text`.
    """
    if spec.type in TEXT_LIKE:
        return interpret_text(spec, typed)
    if _blank(typed):
        return Interpretation(None, _required(spec))
    if spec.type.is_date:
        parsed = dates.parse_typed_date(typed)
        if parsed is None:
            detail = f"cannot read {typed.strip()!r} as a date (e.g. 2024-04-01, 令和6年4月1日)"
            return _with_checks(spec, None, (Reason(ReasonCode.INVALID_DATE, detail),))
        era, *rest = parsed
        return _date(spec, era, (rest[0], rest[1], rest[2]))
    if spec.type is T.CHOICE:
        return _typed_choice(spec, typed)
    return _typed_mark(spec, typed)


# --- checks on export-form values --------------------------------------------------------

_Check = Callable[[FieldSpec, FieldValue], list[Reason]]


def _not_text(spec: FieldSpec, value: FieldValue, code: str) -> list[Reason]:
    return [Reason(code, f"expected text, got {type(value).__name__}")]


def _check_text(spec: FieldSpec, value: FieldValue) -> list[Reason]:
    if not isinstance(value, str):
        return _not_text(spec, value, "invalid_chars")
    normal = width.normalise_text(value, address=spec.type is T.ADDRESS)
    if normal != value:
        at = next(
            i for i, (a, b) in enumerate(zip(value + "\0", normal + "\0", strict=False)) if a != b
        )
        detail = f"not in export form from position {at} (half-width, spacing or dash)"
        return [Reason(ReasonCode.INVALID_CHARS, detail)]
    return []


def _check_kana(spec: FieldSpec, value: FieldValue) -> list[Reason]:
    if not isinstance(value, str):
        return _not_text(spec, value, "invalid_kana")
    bad = kana.invalid_kana_chars(value)
    if bad:
        return [
            Reason(ReasonCode.INVALID_KANA, "not full-width katakana: " + " ".join(map(repr, bad)))
        ]
    if not kana.is_normal_kana(value):
        return [Reason(ReasonCode.INVALID_KANA, "leading, trailing or doubled spaces")]
    return []


def _check_date(spec: FieldSpec, value: FieldValue) -> list[Reason]:
    if not isinstance(value, str) or not dates.is_iso_date(value):
        return [Reason(ReasonCode.INVALID_DATE, f"{value!r} is not an ISO date YYYY-MM-DD")]
    if spec.type is T.WAREKI_DATE and value < ERAS[0].start.isoformat():
        return [Reason(ReasonCode.INVALID_DATE, f"{value} is before 明治, no era holds it")]
    return []


def _check_postal(spec: FieldSpec, value: FieldValue) -> list[Reason]:
    if not isinstance(value, str):
        return _not_text(spec, value, "invalid_postal_code")
    problem = postal.postal_problem(value)
    return [Reason(ReasonCode.INVALID_POSTAL_CODE, problem)] if problem else []


def _check_phone(spec: FieldSpec, value: FieldValue) -> list[Reason]:
    if not isinstance(value, str):
        return _not_text(spec, value, "invalid_phone")
    problem = phone.phone_problem(value)
    return [Reason(ReasonCode.INVALID_PHONE, problem)] if problem else []


_MYNUMBER_CODES = {
    mynumber.MyNumberProblem.CHARS: "invalid_chars",
    mynumber.MyNumberProblem.LENGTH: "invalid_length",
    mynumber.MyNumberProblem.CHECK_DIGIT: "mynumber_check_digit",
}


def _check_mynumber(spec: FieldSpec, value: FieldValue) -> list[Reason]:
    if not isinstance(value, str):
        return _not_text(spec, value, "invalid_chars")
    found = mynumber.mynumber_problem(value)
    return [Reason(_MYNUMBER_CODES[found[0]], found[1])] if found else []


def _check_digits(spec: FieldSpec, value: FieldValue) -> list[Reason]:
    if not isinstance(value, str):
        return _not_text(spec, value, "invalid_chars")
    out: list[Reason] = []
    bad = digits.non_digits(value)
    if bad:
        out.append(Reason(ReasonCode.INVALID_CHARS, "not digits: " + " ".join(map(repr, bad))))
    expected = spec.expected_length
    count = sum("0" <= ch <= "9" for ch in value)
    if expected is not None and count != expected:
        out.append(Reason(ReasonCode.INVALID_LENGTH, f"{count} digits, expected {expected}"))
    return out


def _check_amount(spec: FieldSpec, value: FieldValue) -> list[Reason]:
    problem = amount.amount_problem(value)
    return [Reason(ReasonCode.INVALID_AMOUNT, problem)] if problem else []


def _check_choice(spec: FieldSpec, value: FieldValue) -> list[Reason]:
    codes = [o.code for o in spec.options]
    if value not in codes or not isinstance(value, str):
        return [Reason(ReasonCode.INVALID_CHOICE, f"{value!r} is not one of {codes}")]
    return []


def _check_mark(spec: FieldSpec, value: FieldValue) -> list[Reason]:
    if not isinstance(value, bool):
        return [Reason(ReasonCode.INVALID_CHOICE, f"expected true/false, got {value!r}")]
    if value is False and spec.required and not is_table_cell(spec):
        return [Reason(ReasonCode.REQUIRED_MISSING, f"{spec.id} is required and not ticked")]
    return []


_CHECKS: dict[FieldType, _Check] = {
    T.TEXT: _check_text,
    T.NAME: _check_text,
    T.ADDRESS: _check_text,
    T.KANA: _check_kana,
    T.DATE: _check_date,
    T.WAREKI_DATE: _check_date,
    T.POSTAL_CODE: _check_postal,
    T.PHONE: _check_phone,
    T.MYNUMBER: _check_mynumber,
    T.DIGITS: _check_digits,
    T.AMOUNT: _check_amount,
    T.CHOICE: _check_choice,
    T.CHECKBOX: _check_mark,
    T.PRESENCE: _check_mark,
}


def check_value(spec: FieldSpec, value: FieldValue) -> tuple[Reason, ...]:
    """Check an export-form ``value`` for ``spec``; nothing is normalised.

    ``None`` or blank text: ``required_missing`` for required top-level fields, else
    nothing. A required checkbox/presence field must be ``True`` (a required confirmation
    box that is not ticked is ``required_missing``). Address lexicon and postal data checks
    need other fields and live in :func:`form_schemas.crosscheck.cross_check`.
    """
    if _blank(value):
        return _required(spec)
    return tuple(_CHECKS[spec.type](spec, value))
