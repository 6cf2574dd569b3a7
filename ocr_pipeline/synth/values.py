"""Values for every field of a form: the export truth, what is written, and the review
reason a correct pipeline must raise (a bad 個人番号 check digit, an impossible date, an old
form of kanji).

Fields at the top of the form describe the applicant (a second name field may describe
another member of the household); table rows describe household members, 1–4 rows filled.
Addresses are real towns from the postal data; postal codes match their address field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from stdnum.jp import in_ as mynumber

from form_schemas.registry import FormDefinition
from form_schemas.spec import FieldSpec, FieldType, FieldValue

from . import dates
from .people import Person, household, random_day
from .places import Address, random_address, random_building, to_fullwidth
from .writing import SPACE, Writing, date_parts, writing_for

EMPTY_OPTIONAL_RATE = 0.1
BAD_MYNUMBER_RATE = 0.05
BAD_DATE_RATE = 0.03

_MOBILE = ("090", "080", "070")
# Area codes of 2–5 digits (Tokyo, Osaka, Sapporo, ... down to an island's 04992).
_AREA_CODES = "03 06 011 022 045 052 075 078 092 048 043 0263 0166 0858 0466 0897 04992"
_TEXTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("職業",), ("会社員", "自営業", "公務員", "パート", "学生", "無職", "農業")),
    (("理由",), ("転勤のため", "住宅購入のため", "結婚のため", "進学のため", "家族と同居のため")),
    (("医",), ("さくら内科クリニック", "市立総合病院", "みどり医院", "青葉ファミリークリニック")),
    (("連絡",), ("平日昼間は携帯へ", "夜間連絡可", "勤務先へ連絡")),
    (("学校",), ("中央小学校", "東中学校", "さくら小学校", "第二中学校", "南小学校")),
)
_REMARKS = (
    "特になし",
    "なし",
    "口座は前回と同じ",
    "平日昼間は携帯電話に連絡してください",
    "夜間連絡可",
)


@dataclass(frozen=True)
class Entry:
    """One field: its export ``truth``, the ``writing`` on paper and an expected review reason."""

    truth: FieldValue
    writing: Writing
    review: str | None = None


EMPTY = Entry(None, Writing())


@dataclass
class Filled:
    """Values of a whole form, by field id (table cells as TABLE.ROW.COLUMN)."""

    truth: dict[str, FieldValue] = field(default_factory=dict)
    writing: dict[str, Writing] = field(default_factory=dict)
    review: dict[str, str] = field(default_factory=dict)

    def put(self, field_id: str, entry: Entry) -> None:
        self.truth[field_id] = entry.truth
        self.writing[field_id] = entry.writing
        if entry.review:
            self.review[field_id] = entry.review


@dataclass(frozen=True)
class _Ctx:
    person: Person
    address: Address
    today: date


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(int(d)) for d in rng.integers(0, 10, n))


def _phone(rng: np.random.Generator) -> str:
    if rng.random() < 0.55:
        return f"{_MOBILE[int(rng.integers(3))]}-{int(rng.integers(1000, 10000))}-{_digits(rng, 4)}"
    codes = _AREA_CODES.split()
    area = codes[int(rng.integers(len(codes)))]
    local = 6 - len(area)  # area + local exchange + 4 digits = 10 digits
    return f"{area}-{int(rng.integers(2, 10))}{_digits(rng, local - 1)}-{_digits(rng, 4)}"


def _mynumber(f: FieldSpec, c: _Ctx, rng: np.random.Generator) -> Entry:
    body = str(int(rng.integers(1, 10))) + _digits(rng, 10)
    check = mynumber.calc_check_digit(body)
    if rng.random() >= BAD_MYNUMBER_RATE:
        return Entry(body + check, Writing((body + check,), numeric=True))
    wrong = str((int(check) + int(rng.integers(1, 10))) % 10)
    return Entry(body + wrong, Writing((body + wrong,), numeric=True), "mynumber_check_digit")


def _amount(f: FieldSpec, c: _Ctx, rng: np.random.Generator) -> int:
    steps = (5_000, 10_000, 10_000, 20_000, 30_000, 50_000, 100_000)
    if rng.random() < 0.6:
        return int(steps[int(rng.integers(len(steps)))])
    return int(rng.integers(5, 301)) * 1_000


def _date(f: FieldSpec, c: _Ctx, rng: np.random.Generator) -> Entry:
    if rng.random() < BAD_DATE_RATE:
        if f.type is FieldType.WAREKI_DATE:
            era, y, m, d = dates.impossible_wareki(f, rng, c.today)
            circle = era.era.value if f.options else None
            writing = Writing(date_parts(f, y, m, d, rng), circle=circle, numeric=True)
        else:
            writing = Writing(
                date_parts(f, *dates.impossible_western(rng, c.today), rng), numeric=True
            )
        return Entry(None, writing, "invalid_date")
    if dates.is_birth(f):
        day = c.person.birth
    else:
        first, last = dates.window(f, c.today)
        day = random_day(rng, first, last)
    day = dates.fit_to_eras(f, day, rng, c.today)
    return Entry(day.isoformat(), writing_for(f, day.isoformat(), rng))


def _choice(f: FieldSpec, c: _Ctx, rng: np.random.Generator) -> FieldValue:
    """The person's sex or relation where the options offer it, else any option."""
    sex = "男" if c.person.sex == "male" else "女"
    for o in f.options:
        if o.label.startswith(sex) or o.label == c.person.relation:
            return o.code
    return f.options[int(rng.integers(len(f.options)))].code


def _text(f: FieldSpec, c: _Ctx, rng: np.random.Generator) -> str:
    if "続柄" in f.label:
        return c.person.relation
    if "方書" in f.label or "建物" in f.label:
        return random_building(rng)
    for words, texts in _TEXTS:
        if any(w in f.label for w in words):
            return texts[int(rng.integers(len(texts)))]
    return _REMARKS[int(rng.integers(len(_REMARKS)))]


def _plain(
    value: Callable[[FieldSpec, _Ctx, np.random.Generator], FieldValue],
) -> Callable[[FieldSpec, _Ctx, np.random.Generator], Entry]:
    def make(f: FieldSpec, c: _Ctx, rng: np.random.Generator) -> Entry:
        v = value(f, c, rng)
        return Entry(v, writing_for(f, v, rng, c.person.surname))

    return make


def _name(f: FieldSpec, c: _Ctx, rng: np.random.Generator) -> Entry:
    review = "variant_kanji_risk" if c.person.has_variant else None
    return Entry(c.person.name, Writing((c.person.surname, c.person.given), joiner=SPACE), review)


def _address(f: FieldSpec, c: _Ctx, rng: np.random.Generator) -> Entry:
    return Entry(c.address.truth, Writing(c.address.written))


_MAKERS: dict[FieldType, Callable[[FieldSpec, _Ctx, np.random.Generator], Entry]] = {
    FieldType.NAME: _name,
    FieldType.KANA: _plain(lambda f, c, r: c.person.kana),
    FieldType.ADDRESS: _address,
    FieldType.POSTAL_CODE: _plain(lambda f, c, r: c.address.postal),
    FieldType.PHONE: _plain(lambda f, c, r: _phone(r)),
    FieldType.MYNUMBER: _mynumber,
    FieldType.DIGITS: _plain(lambda f, c, r: _digits(r, f.expected_length or 8)),
    FieldType.AMOUNT: _plain(_amount),
    FieldType.DATE: _date,
    FieldType.WAREKI_DATE: _date,
    FieldType.CHOICE: _plain(_choice),
    FieldType.CHECKBOX: _plain(lambda f, c, r: bool(f.required or r.random() < 0.75)),
    FieldType.PRESENCE: _plain(lambda f, c, r: bool(f.required or r.random() < 0.85)),
    FieldType.TEXT: _plain(lambda f, c, r: to_fullwidth(_text(f, c, r))),
}


def _may_leave_empty(f: FieldSpec) -> bool:
    return not f.required and f.type not in (FieldType.CHECKBOX, FieldType.PRESENCE)


def _fill_group(
    fields: list[FieldSpec],
    people: list[Person],
    filled: Filled,
    rng: np.random.Generator,
    *,
    today: date,
    fallback: Address | None,
) -> Address:
    """Fill one group of fields (the top level or a table row); returns its first address.

    The first name field is ``people[0]``; a later one is sometimes another person. Fields
    after a name field describe that person; a フリガナ describes the name it reads. Each
    address field is a different place, except in table rows, which share ``fallback``
    (the household's address).
    """
    addresses = {
        f.id: fallback or random_address(rng) for f in fields if f.type is FieldType.ADDRESS
    }
    first = next(iter(addresses.values()), None) or fallback or random_address(rng)
    who: dict[str, Person] = {}
    person = people[0]
    for f in fields:
        if f.type is FieldType.NAME:
            person = people[0] if not who or rng.random() < 0.7 else people[-1]
            who[f.id] = person
        elif f.reading_of in who:
            person = who[f.reading_of]
        address = addresses.get(f.id) or addresses.get(f.address_field or "", first)
        entry = _MAKERS[f.type](f, _Ctx(person, address, today), rng)
        if _may_leave_empty(f) and rng.random() < EMPTY_OPTIONAL_RATE:
            entry = _empty(f)
        filled.put(f.id, entry)
    for f in fields:  # no reading without the name it reads (the name may come later)
        if f.reading_of is not None and filled.truth.get(f.reading_of, "") is None:
            filled.put(f.id, _empty(f))
    return first


def _empty(f: FieldSpec) -> Entry:
    """An unwritten field: null, or false for checkboxes and seals."""
    return Entry(False, Writing()) if f.type in (FieldType.CHECKBOX, FieldType.PRESENCE) else EMPTY


def make_values(
    form: FormDefinition, rng: np.random.Generator, today: date = dates.REFERENCE_DATE
) -> Filled:
    """Values for every field of ``form`` (``form.fields`` order), consistent across fields."""
    tables = form.spec.tables
    rows_filled = {t.id: int(rng.integers(1, min(t.rows, 4) + 1)) for t in tables}
    people = household(rng, today, max([2, *rows_filled.values()]))
    filled = Filled()
    address = _fill_group(list(form.spec.fields), people, filled, rng, today=today, fallback=None)
    for t in tables:
        cells = t.expand()
        width = len(t.columns)
        for r in range(t.rows):
            row = cells[r * width : (r + 1) * width]
            if r < rows_filled[t.id]:
                _fill_group(row, [people[r]], filled, rng, today=today, fallback=address)
            else:
                for cell in row:
                    filled.put(cell.id, EMPTY)
    return filled
