"""The export profile format: what a profile file (YAML, one per core system) may say.

A profile tells how the records of one form become a CSV file that one core system imports::

    id: water_service_cp932            # unique; a user profile with the same id replaces this
    title: 水道料金システム取込用
    form: water_service                # the form whose records it exports
    encoding: cp932                    # utf-8 | utf-8-sig (with BOM) | cp932
    line_ending: crlf                  # crlf | lf; every line ends with it, the last one too
    header: false                      # a first line with the column names
    quoting: minimal                   # minimal (only cells that need it) | all
    date_format: era_yymmdd            # iso | yyyymmdd | era_yymmdd | wareki
    booleans: {true: "1", false: "0"}  # checkboxes and seal presence
    empty: ""                          # what an empty value becomes
    columns:
      - {name: 届出区分, field: notice_type, choices: {start: "1", stop: "2"}}
      - {name: 水栓番号, field: meter_number, width: 8}        # zero-padded on the left
      - {name: 電話番号, field: phone, digits_only: true}
      - {name: レコード区分, value: "01"}                       # a fixed value
      - {name: 受付番号, meta: document_id}                     # record metadata

A column takes its cells from exactly one of ``field`` (a field id; a table cell as
``members.0.name``), ``value`` (fixed text) or ``meta`` (see :class:`Meta`). ``name`` may be
left out for field columns: the form's ``export_column`` (or label) is used. With
``rows: members`` the profile writes one line per filled row of that table, and columns name
the row's cells ``members.*.name``; the record's other columns repeat on every line.

Write fixed texts in quotes: YAML reads ``01`` as the number 1 and ``no`` as false, and the
profile refuses both rather than guess. Whether the columns fit the form is checked by
:func:`ocr_pipeline.export.check.check_profile`.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

IDENT = r"^[a-z][a-z0-9_]*$"
FIELD_REF = r"^[a-z][a-z0-9_]*(\.([0-9]+|\*)\.[a-z][a-z0-9_]*)?$"
"""A field id, or a table cell ``TABLE.ROW.COLUMN`` whose row may be ``*`` (the current row)."""

ROW_WILDCARD = "*"


class Encoding(StrEnum):
    """Encodings core systems import. Values are Python codec names."""

    UTF8 = "utf-8"
    UTF8_BOM = "utf-8-sig"
    CP932 = "cp932"  # Windows-31J; not plain Shift_JIS, which lacks ① ㈱ 髙 and others

    @property
    def check_codec(self) -> str:
        """Codec for checking single cells (the BOM belongs to the file, not to a cell)."""
        return "utf-8" if self is Encoding.UTF8_BOM else self.value


class LineEnding(StrEnum):
    CRLF = "crlf"
    LF = "lf"

    @property
    def chars(self) -> str:
        return "\r\n" if self is LineEnding.CRLF else "\n"


class Quoting(StrEnum):
    MINIMAL = "minimal"  # quote cells holding the delimiter, a quote, CR or LF
    ALL = "all"  # quote every cell


class DateFormat(StrEnum):
    ISO = "iso"  # 2024-04-01
    YYYYMMDD = "yyyymmdd"  # 20240401
    ERA_YYMMDD = "era_yymmdd"  # 5060401: era code (1 明治 … 5 令和), era year, month, day
    WAREKI = "wareki"  # 令和6年4月1日 (year 1 written 元年)


class ChoiceStyle(StrEnum):
    CODE = "code"  # the option's code as the form defines it (male)
    LABEL = "label"  # the option's printed label (男)


class Meta(StrEnum):
    """Record metadata a column may hold. The first three come from the record itself, the
    timestamps and tenant from the store; ``seq`` and ``table_row`` are made by the export."""

    DOCUMENT_ID = "document_id"
    FORM_ID = "form_id"
    FORM_VERSION = "form_version"
    RECEIVED_AT = "received_at"
    APPROVED_AT = "approved_at"
    TENANT = "tenant"
    SEQ = "seq"  # data line number in the file, from 1
    TABLE_ROW = "table_row"  # row number within the expanded table, from 1 (``rows`` only)

    @property
    def is_timestamp(self) -> bool:
        return self in (Meta.RECEIVED_AT, Meta.APPROVED_AT)


Booleans = dict[bool, str]


def _check_booleans(b: Booleans | None, where: str) -> None:
    if b is not None and set(b) != {True, False}:
        raise ValueError(f"{where}: 'booleans' needs both true and false, e.g. {{true: '1'}}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Strict):
    """One CSV column. Options that do not apply to the column's field type are refused by
    :func:`~ocr_pipeline.export.check.check_profile`."""

    name: str | None = None
    field: Annotated[str, Field(pattern=FIELD_REF)] | None = None
    value: str | None = None
    meta: Meta | None = None
    date_format: DateFormat | None = None  # dates and meta timestamps; default: the profile's
    choices: ChoiceStyle | dict[str, str] | None = None  # choices; a map must cover every code
    booleans: Booleans | None = None  # checkboxes and presence; default: the profile's
    digits_only: bool = False  # postal codes and phone numbers without hyphens
    width: int | None = Field(None, ge=1, le=64)  # pad on the left to this many characters
    pad: Annotated[str, Field(min_length=1, max_length=1)] = "0"

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        sources = [s for s in ("field", "value", "meta") if getattr(self, s) is not None]
        if len(sources) != 1:
            raise ValueError(
                "a column takes its cells from exactly one of 'field', 'value' or 'meta'"
                + (f" (it names {' and '.join(sources)})" if sources else "")
            )
        if self.name is None and self.field is None:
            raise ValueError("a 'value' or 'meta' column needs a 'name'")
        _check_booleans(self.booleans, "column")
        return self

    @property
    def source(self) -> str:
        """What the column reads, for messages: a field reference, ``meta:KEY`` or ``value``."""
        if self.field is not None:
            return self.field
        if self.meta is not None:
            return f"meta:{self.meta.value}"
        return "value"


class ExportProfile(_Strict):
    """A whole profile. The defaults suit a modern import (UTF-8, CRLF, header, ISO dates)."""

    id: Annotated[str, Field(pattern=IDENT)]
    title: str
    description: str = ""
    form: Annotated[str, Field(pattern=IDENT)]
    encoding: Encoding = Encoding.UTF8
    line_ending: LineEnding = LineEnding.CRLF
    header: bool = True
    quoting: Quoting = Quoting.MINIMAL
    delimiter: Annotated[str, Field(min_length=1, max_length=1)] = ","
    date_format: DateFormat = DateFormat.ISO
    booleans: Booleans = Field(default_factory=lambda: {True: "1", False: "0"})
    empty: str = ""
    rows: Annotated[str, Field(pattern=IDENT)] | None = None
    # A leading ' on cells starting with = + - @ tab or CR (CSV injection, :mod:`.formulas`);
    # false only for a core system that imports raw values and never opens in a spreadsheet.
    neutralise_formulas: bool = True
    columns: Annotated[tuple[Column, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.delimiter in ('"', "\r", "\n"):
            raise ValueError("the delimiter cannot be a quote or a line break")
        _check_booleans(self.booleans, "profile")
        return self

    def canonical_json(self) -> str:
        """The profile as compact JSON with sorted keys: what an export ledger should keep so
        that an export can be repeated byte for byte even after the file was edited."""
        data = self.model_dump(mode="json", exclude_defaults=False)
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of :meth:`canonical_json`: equal fingerprints, equal output."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()
