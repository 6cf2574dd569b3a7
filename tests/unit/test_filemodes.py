"""Owner-only files and folders (``ocr_pipeline.filemodes``): the umask, a file moved in from
elsewhere, folders an older version left open, and what belongs to someone else."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ocr_pipeline.filemodes import make_private, owned_paths, private_umask, tighten
from ocr_pipeline.settings import Settings
from ocr_pipeline.watch.files import move_durably


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_private_umask_makes_new_files_and_folders_owner_only(tmp_path: Path) -> None:
    os.umask(0o022)
    assert private_umask() == 0o022
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f").write_bytes(b"x")
    assert (_mode(tmp_path / "d"), _mode(tmp_path / "d" / "f")) == (0o700, 0o600)


def test_a_file_moved_into_the_archive_is_owner_only(tmp_path: Path) -> None:
    src = tmp_path / "inbox" / "scan.pdf"
    src.parent.mkdir()
    src.write_bytes(b"%PDF")
    src.chmod(0o644)  # as a clerk's copy over the share made it
    dst = tmp_path / "archive" / "t" / "ab" / "scan.pdf"
    move_durably(src, dst)
    assert _mode(dst) == 0o600


def test_tighten_closes_what_an_older_version_left_open(tmp_path: Path) -> None:
    data = tmp_path / "data"
    s = Settings(data_dir=data)
    for folder in (s.archive_path, s.quarantine_path, s.exports_path):
        folder.mkdir(parents=True, exist_ok=True)
    for folder in (data, data / "runtime", s.archive_path, s.quarantine_path, s.exports_path):
        folder.chmod(0o755)  # whatever the process's umask was when they were made
    db = data / "formocr.db"
    db.write_bytes(b"")
    db.chmod(0o644)
    inner = s.archive_path / "old.pdf"
    inner.write_bytes(b"x")
    inner.chmod(0o644)
    changed = tighten(owned_paths(s))
    assert set(changed) == {data, data / "runtime", s.archive_path, s.quarantine_path,
                            s.exports_path, db}  # fmt: skip
    assert all(_mode(p) == 0o700 for p in (data, s.archive_path, s.exports_path))
    assert _mode(db) == 0o600
    assert _mode(inner) == 0o644  # not walked: out of reach behind its 0700 folder
    assert tighten(owned_paths(s)) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_tighten_leaves_folders_of_other_users_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    os.chown(shared, 65534, 65534)  # nobody
    assert tighten([shared]) == []
    assert _mode(shared) == 0o755


def test_make_private_leaves_a_symbolic_link_alone(tmp_path: Path) -> None:
    target = tmp_path / "t"
    target.write_bytes(b"x")
    target.chmod(0o644)
    link = tmp_path / "l"
    link.symlink_to(target)
    make_private(link)
    assert _mode(target) == 0o644
