"""Errors of the CSV export. Each names what is wrong and says what to do next.

None of them quotes a field's value (records hold personal data) except
:class:`ExportEncodingError`, which must name the one character the encoding cannot hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadArgumentsError, ConfigInvalidError, ExitCode, FormocrError


class ProfileInvalidError(ConfigInvalidError):
    """A profile file cannot be used: not YAML, not the profile format, or it does not fit
    its form. ``problems`` lists every finding; ``source`` is the file or the profile id."""

    def __init__(self, source: Path | str, problems: Sequence[str]) -> None:
        self.source = str(source)
        self.problems = list(problems)
        super().__init__(
            f"export profile {self.source}: " + "; ".join(self.problems),
            "Fix the profile file (the format is described in ocr_pipeline/export/README.md) "
            "and check it again against its form.",
        )


class UnknownProfileError(BadArgumentsError):
    """No profile with this id is known."""

    def __init__(self, profile_id: str, known: Sequence[str]) -> None:
        self.profile_id = profile_id
        super().__init__(
            f"unknown export profile {profile_id!r}",
            f"Use one of: {', '.join(known) or 'none'}; or add a profile folder.",
        )


class RecordMismatchError(BadArgumentsError):
    """A record was handed to a profile made for another form or form version."""

    def __init__(self, document_id: str, record_form: str, expected: str) -> None:
        self.document_id = document_id
        super().__init__(
            f"document {document_id} is a {record_form} record; this export is for {expected}",
            "Export the records of each form version separately, with a profile for that form.",
        )


class ExportError(FormocrError):
    """A record cannot be exported as the profile asks. No file is written."""

    exit_code = ExitCode.OUTPUT_UNWRITABLE


class ExportValueError(ExportError):
    """A value does not fit its field type or the column (e.g. longer than ``width``)."""

    def __init__(self, document_id: str, field: str, detail: str, remedy: str = "") -> None:
        self.document_id = document_id
        self.field = field
        self.detail = detail
        super().__init__(
            f"document {document_id}, field {field}: {detail}",
            remedy or "Correct the record in review, or adjust the export profile.",
        )


@dataclass(frozen=True)
class UnencodableCell:
    """One cell the profile's encoding cannot hold, and the first character it fails on."""

    document_id: str
    field: str  # field id (table cells with their row), or ``meta:KEY`` for metadata columns
    column: str
    char: str

    @property
    def codepoint(self) -> str:
        """``U+20BB7``."""
        return f"U+{ord(self.char):04X}"

    def describe(self, encoding: str) -> str:
        return (
            f"document {self.document_id}, field {self.field} (column {self.column}): "
            f"character {self.char!r} ({self.codepoint}) cannot be written in {encoding}"
        )


class ExportEncodingError(ExportError):
    """Some cells hold characters the encoding cannot write (𠮷 in CP932).

    Nothing is ever replaced by ``?``. The attributes name the first such cell; ``problems``
    lists every one found in the export, so that all records can be corrected at once.
    """

    def __init__(self, encoding: str, problems: Sequence[UnencodableCell]) -> None:
        if not problems:
            raise ValueError("ExportEncodingError needs at least one problem")
        self.encoding = encoding
        self.problems = list(problems)
        first = self.problems[0]
        self.document_id = first.document_id
        self.field = first.field
        self.char = first.char
        self.codepoint = first.codepoint
        more = len(self.problems) - 1
        tail = f" (and {more} more cell{'s' if more > 1 else ''})" if more else ""
        super().__init__(
            first.describe(encoding) + tail,
            "Correct the value in review (ask how the core system registers this character, "
            "e.g. as 外字), or export with a UTF-8 profile if the core system accepts UTF-8.",
        )
