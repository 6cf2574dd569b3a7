"""Error classes and exit codes.

The library raises these; exactly one place (``ocr_pipeline.cli``) turns them into exit
codes. Every error carries a remedy: a sentence that tells the user what to do next.
Low confidence and failed validation are *not* errors: they are record states.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Process exit codes of the ``formocr`` command. Kept stable for scripts."""

    OK = 0
    UNEXPECTED = 1
    BAD_ARGS = 2
    INPUT_UNREADABLE = 3
    MODEL_MISSING = 4
    SCHEMA_INVALID = 5
    CONFIG_INVALID = 6
    OUTPUT_UNWRITABLE = 7
    STORE_UNAVAILABLE = 8
    NOT_IMPROVED = 9
    INTERRUPTED = 130


class FormocrError(Exception):
    """Base class. ``remedy`` says what the user should do; ``exit_code`` is for the CLI."""

    exit_code: ExitCode = ExitCode.UNEXPECTED

    def __init__(self, message: str, remedy: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        if self.remedy:
            return f"{self.message}\n  What to do: {self.remedy}"
        return self.message


class NotImprovedError(FormocrError):
    """A model trained for a municipality does not read its held-out examples better than
    the one it reads with now (or there are too few examples to tell): nothing was kept."""

    exit_code = ExitCode.NOT_IMPROVED


class BadArgumentsError(FormocrError):
    """A command-line argument or API argument is not acceptable."""

    exit_code = ExitCode.BAD_ARGS


class RefusalCode(StrEnum):
    """Why an input file was refused: the stable code an :class:`InputUnreadableError`
    carries, so that callers (the watcher's note for the clerk) choose their words by code,
    never by the English message. The table of what each code means is the README's
    "Bad input" section."""

    EMPTY = "empty"  # 0 bytes
    MISSING = "missing"  # does not exist, or a dangling symbolic link
    NOT_A_FILE = "not_a_file"  # a directory, FIFO, socket or device
    NO_ACCESS = "no_access"  # permission denied, or the disk would not give the bytes
    UNSUPPORTED_FORMAT = "unsupported_format"  # the content is no format we read
    FORMAT_MISMATCH = "format_mismatch"  # named as one format, the content is none we read
    PASSWORD_PROTECTED = "password_protected"
    NO_PAGES = "no_pages"
    TOO_MANY_PAGES = "too_many_pages"  # more than max_pages
    TOO_LARGE = "too_large"  # more pixels than allowed (decompression bomb)
    TOO_SMALL = "too_small"  # too few pixels to be a scanned form
    DAMAGED = "damaged"  # damaged or truncated data
    TIMED_OUT = "timed_out"  # poppler did not finish in time
    TOOLS_MISSING = "tools_missing"  # poppler is not installed: no fault of the file
    MALFORMED = "malformed"  # not a scan: a data file (truth, outcomes) that does not parse


class InputUnreadableError(FormocrError):
    """An input file cannot be read as a scan. Names the file; ``code`` says why, ``reason``
    is the English message alone (without the path)."""

    exit_code = ExitCode.INPUT_UNREADABLE

    def __init__(
        self, path: Path | str, message: str, remedy: str = "", *, code: RefusalCode
    ) -> None:
        self.path = Path(path)
        self.code = code
        super().__init__(
            f"{path}: {message}",
            remedy
            or "Check that the file is a complete PDF, TIFF, JPEG or PNG scan; scan it again "
            "or export it again from the scanner software.",
        )
        self.reason = message


class ModelMissingError(FormocrError):
    """An OCR model file is missing or does not match its recorded checksum."""

    exit_code = ExitCode.MODEL_MISSING


class SchemaInvalidError(FormocrError):
    """A form definition (schema file or template image) is not valid."""

    exit_code = ExitCode.SCHEMA_INVALID


class ConfigInvalidError(FormocrError):
    """Settings from the file, environment or flags are not valid."""

    exit_code = ExitCode.CONFIG_INVALID


class OutputUnwritableError(FormocrError):
    """An output file or folder cannot be written."""

    exit_code = ExitCode.OUTPUT_UNWRITABLE
