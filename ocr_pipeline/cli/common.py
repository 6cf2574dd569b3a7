"""Options shared by several subcommands, and turning them into settings."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from ..errors import OutputUnwritableError
from ..filemodes import owned_paths, tighten
from ..settings import Settings, load_settings

log = logging.getLogger(__name__)

SETTING_FLAGS = ("engine", "forms_dir", "threads", "calibration", "data_dir", "model_dir")


def add_settings_args(parser: argparse.ArgumentParser, engine: bool = True) -> None:
    """--engine, --forms-dir, --threads, --calibration: flags override file and environment."""
    if engine:
        parser.add_argument("--engine", help="OCR backend: paddleocr (default) or rapidocr")
        parser.add_argument("--threads", type=int, help="onnxruntime threads (default 2)")
        parser.add_argument("--calibration", type=Path, help="confidence thresholds file")
    parser.add_argument(
        "--forms-dir",
        type=Path,
        action="append",
        help="folder of extra form definitions (repeatable); env FORMOCR_FORMS_DIR",
    )


def settings_from(args: argparse.Namespace) -> tuple[Settings, frozenset[str]]:
    """Settings with the flags given on the command line applied, and which those were."""
    given = {k: getattr(args, k, None) for k in SETTING_FLAGS}
    flags = frozenset(k for k, v in given.items() if v is not None)
    settings = load_settings(**given)
    # Start-up of every command that uses the installation: close what an older formocr left
    # open to other users (see ocr_pipeline.filemodes).
    for path in tighten(owned_paths(settings)):
        log.info("made owner-only: %s", path)
    return settings, flags


def print_json(obj: Any) -> None:
    """One JSON document per line on stdout (UTF-8, not escaped).

    A line that stdout cannot encode as it is, such as a file name that is not valid UTF-8
    (held in ``str`` with surrogate escapes, PEP 383), is written with JSON's ``\\u`` escapes
    instead: still valid JSON, and ``json.loads`` gives back the same name."""
    text = json.dumps(obj, ensure_ascii=False)
    if text != _encodable(text):
        text = json.dumps(obj)
    write_text(text + "\n")


def write_text(text: str) -> None:
    """Write ``text`` to stdout now; what stdout cannot encode is written as ``\\u`` escapes.

    Raises ``OutputUnwritableError`` when stdout cannot be written (a full disk); a closed
    pipe (``BrokenPipeError``) is left to the CLI's entry point.
    """
    try:
        sys.stdout.write(_encodable(text))
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputUnwritableError(
            f"cannot write the output to standard output: {exc.strerror or exc}",
            "Free space on the disk that the output goes to (or write it elsewhere), "
            "then run the command again.",
        ) from exc


def _encodable(text: str) -> str:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return text.encode(encoding, "backslashreplace").decode(encoding)
