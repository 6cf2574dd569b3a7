"""The README documents every setting, command and reason code (so that nothing is hidden)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from form_schemas.reasons import CATALOGUE
from ocr_pipeline.cli import build_parser
from ocr_pipeline.errors import ExitCode
from ocr_pipeline.settings import Settings

README = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")


def _subcommands() -> list[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_configuration_table(name: str) -> None:
    assert f"| `{name}` |" in README


@pytest.mark.parametrize("command", _subcommands())
def test_every_command_is_in_the_commands_table(command: str) -> None:
    assert f"`formocr {command}" in README


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_reason_code_is_listed(code: str) -> None:
    assert f"`{code}`" in README


@pytest.mark.parametrize("code", list(ExitCode))
def test_every_exit_code_is_listed(code: ExitCode) -> None:
    assert f"| {int(code)} |" in README
