"""stdout helpers of the CLI: names that are not UTF-8 stay exact, a full disk is exit code 7."""

from __future__ import annotations

import errno
import io
import json
import os

import pytest

from ocr_pipeline.cli.common import print_json, write_text
from ocr_pipeline.errors import ExitCode, OutputUnwritableError

NAME = os.fsdecode("届出表.png".encode("cp932"))  # Shift_JIS bytes: surrogate escapes in str


def _strict_stdout(monkeypatch: pytest.MonkeyPatch) -> io.BytesIO:
    """Make stdout a strict UTF-8 stream (as under a UTF-8 locale); the bytes written to it."""
    raw = io.BytesIO()
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(raw, encoding="utf-8", errors="strict"))
    return raw


def test_json_line_with_a_name_that_is_not_utf8_round_trips(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = _strict_stdout(monkeypatch)
    print_json({"source": NAME, "form": "水道"})
    line = json.loads(raw.getvalue().decode("utf-8"))
    assert line == {"source": NAME, "form": "水道"}
    assert os.fsencode(line["source"]) == "届出表.png".encode("cp932")


def test_json_line_stays_unescaped_when_it_can(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _strict_stdout(monkeypatch)
    print_json({"form": "水道"})
    assert raw.getvalue().decode("utf-8") == '{"form": "水道"}\n'


class _FullDisk(io.StringIO):
    def write(self, _text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_full_disk_is_an_output_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout", _FullDisk())
    with pytest.raises(OutputUnwritableError) as caught:
        write_text("a table\n")
    assert caught.value.exit_code is ExitCode.OUTPUT_UNWRITABLE
    assert "No space left on device" in str(caught.value)


def test_broken_pipe_is_left_to_the_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    class Closed(io.StringIO):
        def write(self, _text: str) -> int:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr("sys.stdout", Closed())
    with pytest.raises(BrokenPipeError):
        write_text("x\n")
