"""ocr_pipeline.export.csvwrite.write_atomic: the whole file or none, never a partial one,
and no temporary file left behind (faults injected through ``os.write`` and friends)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from ocr_pipeline.errors import OutputUnwritableError
from ocr_pipeline.export import write_atomic

DATA = "受付番号,氏名\r\nW-1,山田 太郎\r\n".encode("cp932") * 50

RealWrite = Callable[[int, bytes], int]


def _failing_write(real: RealWrite, fault: BaseException) -> Callable[[int, memoryview], int]:
    """``os.write`` that writes part of the first chunk, then fails."""
    calls = 0

    def write(fd: int, data: memoryview) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            return real(fd, bytes(data[: len(data) // 3]))
        raise fault

    return write


def test_writes_and_returns_the_checksum(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    digest = write_atomic(target, DATA)
    assert target.read_bytes() == DATA
    assert digest == hashlib.sha256(DATA).hexdigest()
    assert os.listdir(tmp_path) == ["out.csv"]


@pytest.mark.parametrize(
    "fault", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()]
)
def test_a_failure_mid_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: BaseException
) -> None:
    monkeypatch.setattr(os, "write", _failing_write(os.write, fault))
    expected: type[BaseException] = (
        OutputUnwritableError if isinstance(fault, OSError) else KeyboardInterrupt
    )
    with pytest.raises(expected):
        write_atomic(tmp_path / "out.csv", DATA)
    assert os.listdir(tmp_path) == []


def test_a_failure_keeps_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old export\r\n")
    monkeypatch.setattr(os, "write", _failing_write(os.write, OSError(errno.EIO, "I/O")))
    with pytest.raises(OutputUnwritableError, match=r"out\.csv"):
        write_atomic(target, DATA, overwrite=True)
    assert target.read_bytes() == b"old export\r\n"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_a_failing_fsync_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OutputUnwritableError, match="What to do"):
        write_atomic(tmp_path / "out.csv", DATA)
    assert os.listdir(tmp_path) == []


def test_an_existing_file_is_not_overwritten_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"first")
    with pytest.raises(OutputUnwritableError, match="already exists"):
        write_atomic(target, DATA)
    assert target.read_bytes() == b"first"
    assert os.listdir(tmp_path) == ["out.csv"]
    write_atomic(target, DATA, overwrite=True)
    assert target.read_bytes() == DATA


def test_folders_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def link(src: str, dst: str) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", link)
    target = tmp_path / "out.csv"
    write_atomic(target, DATA)
    assert target.read_bytes() == DATA
    with pytest.raises(OutputUnwritableError, match="already exists"):
        write_atomic(target, b"other")
    assert target.read_bytes() == DATA
    assert os.listdir(tmp_path) == ["out.csv"]


def test_a_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputUnwritableError, match="cannot create a file"):
        write_atomic(tmp_path / "no" / "out.csv", DATA)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_file_mode(tmp_path: Path) -> None:
    write_atomic(tmp_path / "private.csv", DATA)
    assert stat.S_IMODE((tmp_path / "private.csv").stat().st_mode) == 0o600
    write_atomic(tmp_path / "shared.csv", DATA, mode=0o640)
    assert stat.S_IMODE((tmp_path / "shared.csv").stat().st_mode) == 0o640
