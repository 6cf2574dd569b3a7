"""Error classes and exit codes.

The library raises these; exactly one place (``ocr_pipeline.cli``) turns them into exit
codes. Every error carries a remedy: a sentence that tells the user what to do next.
Low confidence and failed validation are *not* errors: they are record states.
"""

from __future__ import annotations

from enum import IntEnum
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


class BadArgumentsError(FormocrError):
    """A command-line argument or API argument is not acceptable."""

    exit_code = ExitCode.BAD_ARGS


class InputUnreadableError(FormocrError):
    """An input file cannot be read as a scan. Names the file."""

    exit_code = ExitCode.INPUT_UNREADABLE

    def __init__(self, path: Path | str, message: str, remedy: str = "") -> None:
        self.path = Path(path)
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
