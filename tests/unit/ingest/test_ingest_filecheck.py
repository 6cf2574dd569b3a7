"""Paths that are not a readable, non-empty regular file are refused with a clear reason."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from ocr_pipeline.errors import ExitCode, InputUnreadableError, RefusalCode
from ocr_pipeline.ingest import count_pages, iter_pages

A4_200DPI = (1654, 2339)


def _refusal(path: Path) -> InputUnreadableError:
    with pytest.raises(InputUnreadableError) as caught:
        iter_pages(path)
    return caught.value


def test_missing_file_is_refused(tmp_path: Path) -> None:
    error = _refusal(tmp_path / "nowhere.pdf")
    assert "does not exist" in error.message
    assert error.path == tmp_path / "nowhere.pdf"
    assert error.exit_code is ExitCode.INPUT_UNREADABLE
    assert error.code is RefusalCode.MISSING


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "scans.pdf"
    folder.mkdir()
    error = _refusal(folder)
    assert "is a directory, not a file" in error.message
    assert error.code is RefusalCode.NOT_A_FILE


def test_empty_file_is_refused(write_bytes: Callable[[str, bytes], Path]) -> None:
    error = _refusal(write_bytes("empty.pdf", b""))
    assert "empty (0 bytes)" in error.message
    assert "not have finished" in error.remedy
    assert error.code is RefusalCode.EMPTY


def test_dangling_symlink_names_its_target(tmp_path: Path) -> None:
    link = tmp_path / "scan.pdf"
    link.symlink_to(tmp_path / "gone.pdf")
    error = _refusal(link)
    assert "dangling" in error.message
    assert "gone.pdf" in error.message
    assert error.code is RefusalCode.MISSING


def test_symlink_to_a_directory_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "folder"
    target.mkdir()
    link = tmp_path / "scan.tif"
    link.symlink_to(target)
    error = _refusal(link)
    assert "is a directory" in error.message
    assert "symbolic link" in error.message


def test_symlink_to_a_regular_file_is_followed(
    tmp_path: Path, save_image: Callable[..., Path]
) -> None:
    target = save_image("real.png", Image.new("L", A4_200DPI, 255))
    link = tmp_path / "link.png"
    link.symlink_to(target)
    pages = list(iter_pages(link))
    assert [page.source for page in pages] == [link]
    assert count_pages(link) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "scan.pdf"
    os.mkfifo(fifo)
    error = _refusal(fifo)
    assert "FIFO" in error.message
    assert error.code is RefusalCode.NOT_A_FILE


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_is_refused(save_image: Callable[..., Path]) -> None:
    path = save_image("locked.png", Image.new("L", A4_200DPI, 255))
    path.chmod(0)
    try:
        error = _refusal(path)
    finally:
        path.chmod(0o644)
    assert "permission denied" in error.message
    assert "read permission" in error.remedy
    assert error.code is RefusalCode.NO_ACCESS


def test_read_refused_by_the_system_is_reported(
    save_image: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fault injection for when the tests run as root, where chmod cannot deny reading.
    path = save_image("locked.png", Image.new("L", A4_200DPI, 255))
    real_open = Path.open

    def guarded_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded_open)
    error = _refusal(path)
    assert error.reason == "cannot be read: permission denied"
    assert error.code is RefusalCode.NO_ACCESS


def test_message_names_file_and_remedy(tmp_path: Path) -> None:
    text = str(_refusal(tmp_path / "nowhere.pdf"))
    assert text.startswith(str(tmp_path / "nowhere.pdf"))
    assert "What to do:" in text
