"""The built-in forms and how they are (re)generated."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..registry import BUILTIN_FORMS_DIR
from . import furusato_onestop, resident_move, water_service
from .output import write_form
from .widgets import FormDraft

BUILDERS: dict[str, Callable[[], FormDraft]] = {
    water_service.FORM_ID: water_service.build,
    furusato_onestop.FORM_ID: furusato_onestop.build,
    resident_move.FORM_ID: resident_move.build,
}


def build_all(out_dir: Path = BUILTIN_FORMS_DIR, only: list[str] | None = None) -> list[Path]:
    """Draw every built-in form (or those in ``only``) into ``out_dir``; returns the folders."""
    folders = []
    for form_id, build in BUILDERS.items():
        if only and form_id not in only:
            continue
        source = f"form_schemas/designer/{form_id}.py"
        folders.append(write_form(build(), Path(out_dir), source))
    return folders
