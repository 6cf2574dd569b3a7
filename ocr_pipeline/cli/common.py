"""Options shared by several subcommands, and turning them into settings."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..settings import Settings, load_settings

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
    return load_settings(**given), flags


def print_json(obj: Any) -> None:
    """One JSON document per line on stdout (UTF-8, not escaped)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()
