"""Hashing, moving and naming: no link followed, no FIFO waited on, nothing overwritten, a move
across file systems complete or not at all, names that fit."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from ocr_pipeline.watch import files
from ocr_pipeline.watch.files import (
    FileChangedError,
    NotRegularFileError,
    fit_name,
    move_durably,
    numbered,
    sha256_of,
)
from ocr_pipeline.watch.settle import SettleTracker, signature


def test_sha256_of_a_file(tmp_path: Path) -> None:
    data = os.urandom(3 * files.CHUNK + 17)
    (tmp_path / "f").write_bytes(data)
    assert sha256_of(tmp_path / "f") == (hashlib.sha256(data).hexdigest(), len(data))


def test_sha256_refuses_links_and_fifos_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "f")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotRegularFileError):
        sha256_of(tmp_path / "link")
    with pytest.raises(NotRegularFileError):
        sha256_of(tmp_path / "fifo")


def test_sha256_notices_a_file_that_grows_while_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 10)
    real_fstat = os.fstat
    calls: list[int] = []

    def growing(fd: int) -> os.stat_result:
        calls.append(fd)
        if len(calls) == 2:
            with open(path, "ab") as f:
                f.write(b"more")
        return real_fstat(fd)

    monkeypatch.setattr(os, "fstat", growing)
    with pytest.raises(FileChangedError):
        sha256_of(path)


def test_move_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"a")
    (tmp_path / "b").write_bytes(b"b")
    with pytest.raises(FileExistsError):
        move_durably(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b").read_bytes() == b"b" and (tmp_path / "a").exists()


def test_move_takes_a_link_itself_not_its_target(tmp_path: Path) -> None:
    (tmp_path / "target").write_bytes(b"t")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    move_durably(tmp_path / "link", tmp_path / "q" / "link")
    assert (tmp_path / "q" / "link").is_symlink()
    assert (tmp_path / "target").read_bytes() == b"t"


@pytest.mark.parametrize("kind", ["file", "link", "dir"])
def test_move_across_file_systems_copies_then_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    src = tmp_path / "in" / "x"
    src.parent.mkdir()
    if kind == "file":
        src.write_bytes(b"data" * 1000)
    elif kind == "link":
        src.symlink_to("elsewhere")
    else:
        (src / "sub").mkdir(parents=True)
        (src / "sub" / "f").write_bytes(b"f")
    real_rename = os.rename

    def no_cross(a: object, b: object) -> None:
        if Path(str(a)).parent == src.parent:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_rename(a, b)  # type: ignore[arg-type]  # passes on what os.rename was given

    monkeypatch.setattr(os, "rename", no_cross)
    dst = tmp_path / "out" / "x"
    move_durably(src, dst)
    assert not src.exists() and not src.is_symlink()
    assert [p.name for p in dst.parent.iterdir()] == ["x"]  # no hidden copy left
    if kind == "file":
        assert dst.read_bytes() == b"data" * 1000
    elif kind == "link":
        assert os.readlink(dst) == "elsewhere"
    else:
        assert (dst / "sub" / "f").read_bytes() == b"f"


def test_a_failed_copy_leaves_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "x"
    src.write_bytes(b"data")

    def cross_device(*_a: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    def disk_full(*_a: object) -> None:
        raise OSError(errno.ENOSPC, "full")

    monkeypatch.setattr(os, "rename", cross_device)
    monkeypatch.setattr(shutil, "copyfileobj", disk_full)
    with pytest.raises(OSError, match="full"):
        move_durably(src, tmp_path / "out" / "x")
    assert src.read_bytes() == b"data" and list((tmp_path / "out").iterdir()) == []


def test_long_names_are_shortened_to_fit(tmp_path: Path) -> None:
    name = "申" * 120 + ".pdf"  # 364 bytes
    fitted = fit_name(name)
    assert fitted.endswith(".pdf") and fitted.startswith("申")
    assert len(fitted.encode()) <= files.NAME_MAX_BYTES - files.RESERVED_BYTES
    (tmp_path / (numbered(fitted, 9999) + ".error.json")).write_bytes(b"")  # the OS agrees


@pytest.mark.parametrize(
    ("name", "n", "out"),
    [("scan.pdf", 1, "scan.pdf"), ("scan.pdf", 2, "scan (2).pdf"), ("README", 3, "README (3)"),
     (".x", 2, ".x (2)")],
)  # fmt: skip
def test_numbered(name: str, n: int, out: str) -> None:
    assert numbered(name, n) == out


def test_settle_waits_for_a_quiet_period() -> None:
    now = [0.0]
    tracker = SettleTracker(2.0, clock=lambda: now[0])
    p = Path("/inbox/t/a.pdf")
    tracker.see(p, (1, 1))
    now[0] = 1.9
    assert tracker.due() == []
    now[0] = 2.0
    assert tracker.due() == [p]
    assert not tracker.check(p, (2, 2))  # it changed: the wait starts again
    now[0] = 3.9
    assert tracker.due() == []
    now[0] = 4.0
    assert tracker.check(p, (2, 2))
    tracker.postpone(p, 10)
    assert tracker.due() == [] and tracker.next_due() == pytest.approx(10)
    assert not tracker.check(p, None) and p not in tracker


def test_a_folders_signature_changes_when_something_inside_does(tmp_path: Path) -> None:
    (tmp_path / "d" / "e").mkdir(parents=True)
    before = signature(tmp_path / "d", is_dir=True)
    (tmp_path / "d" / "e" / "f").write_bytes(b"x")
    assert signature(tmp_path / "d", is_dir=True) != before
    assert signature(tmp_path / "missing") is None


def test_drop_file_lands_complete_and_never_overwrites(tmp_path: Path) -> None:
    from ocr_pipeline.errors import BadArgumentsError
    from ocr_pipeline.watch import drop_file

    first = drop_file(tmp_path, "012025", "scan.pdf", data=b"one")
    (tmp_path / "src.pdf").write_bytes(b"two")
    second = drop_file(tmp_path, "012025", "../scan.pdf", source=tmp_path / "src.pdf")
    third = drop_file(tmp_path, "012025", "w.pdf", data=b"3", form_id="water_service")
    assert first == tmp_path / "012025" / "scan.pdf" and first.read_bytes() == b"one"
    assert second == tmp_path / "012025" / "scan (2).pdf" and second.read_bytes() == b"two"
    assert third == tmp_path / "012025" / "water_service" / "w.pdf"
    assert sorted(p.name for p in (tmp_path / "012025").iterdir()) == [
        "scan (2).pdf", "scan.pdf", "water_service",
    ]  # fmt: skip
    with pytest.raises(BadArgumentsError):
        drop_file(tmp_path, "../etc", "x.pdf", data=b"x")
