"""The inbox layout: what is taken, what is refused, what is never touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.store import Store
from ocr_pipeline.watch.layout import (
    Refusal,
    display_name,
    form_hint,
    is_ignorable,
    is_valid_tenant,
    scan_tenant,
    tenant_folders,
)

FORMS = ["water_service", "resident_move"]


def _scan(folder: Path) -> dict[str, tuple[str | None, Refusal | None]]:
    return {e.name: (e.form_id, e.refusal) for e in scan_tenant(folder, "t1", FORMS)}


@pytest.mark.parametrize(
    "name",
    [".~lock.scan.pdf#", ".scan.pdf.Xa3Fz", "scan.pdf.part", "scan.PDF.TMP", "a.crdownload",
     "~$scan.docx", "scan.pdf~", "Thumbs.db", "desktop.ini", ".DS_Store"],
)  # fmt: skip
def test_hidden_temporary_and_system_names_are_ignored(name: str) -> None:
    assert is_ignorable(name)


@pytest.mark.parametrize("name", ["scan.pdf", "申請書.tif", "part.pdf", "tmp", "a~b.png"])
def test_ordinary_names_are_not_ignored(name: str) -> None:
    assert not is_ignorable(name)


@pytest.mark.parametrize(
    ("name", "valid"),
    [("012025", True), ("town-a", True), ("a_b", True), ("Town", False), ("-a", False),
     ("町", False), ("a b", False), ("a" * 64, True), ("a" * 65, False), ("..", False)],
)  # fmt: skip
def test_tenant_names_follow_the_store_rule(name: str, valid: bool, tmp_path: Path) -> None:
    assert is_valid_tenant(name) is valid
    with Store.open(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, migrate=True) as store:
        if valid:
            store.for_tenant(name)
        else:
            with pytest.raises(BadArgumentsError):
                store.for_tenant(name)


def test_files_form_folders_and_refusals(tmp_path: Path) -> None:
    t = tmp_path / "t1"
    (t / "water_service" / "sub").mkdir(parents=True)
    (t / "New folder").mkdir()
    (t / "scan.pdf").write_bytes(b"x")
    (t / "water_service" / "w.pdf").write_bytes(b"x")
    (t / "water_service" / "sub" / "deep.pdf").write_bytes(b"x")
    (t / "New folder" / "n.pdf").write_bytes(b"x")
    (t / "link.pdf").symlink_to(t / "scan.pdf")
    (t / "water_service" / "dangling.pdf").symlink_to(tmp_path / "nowhere")
    (t / "resident_move").symlink_to(t / "water_service")
    os.mkfifo(t / "pipe.pdf")
    assert _scan(t) == {
        "scan.pdf": (None, None),
        "water_service/w.pdf": ("water_service", None),
        "water_service/sub": ("water_service", Refusal.NESTED_FOLDER),
        "water_service/dangling.pdf": ("water_service", Refusal.SYMLINK),
        "New folder/n.pdf": (None, Refusal.UNKNOWN_FORM_FOLDER),
        "link.pdf": (None, Refusal.SYMLINK),
        "resident_move": (None, Refusal.SYMLINK),
        "pipe.pdf": (None, Refusal.NOT_REGULAR),
    }


def test_a_shift_jis_name_is_taken_under_its_japanese_name(tmp_path: Path) -> None:
    t = tmp_path / "t1"
    t.mkdir()
    raw = os.fsencode(t) + b"/\x90\x5c\x90\xbf.pdf"  # 申請 in Shift_JIS
    with open(raw, "wb") as f:
        f.write(b"x")
    (entry,) = scan_tenant(t, "t1", FORMS)
    assert entry.refusal is None and entry.path.is_file()
    assert entry.name == "申請.pdf"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"caf\xe9.pdf", "caf\ufffd.pdf"),  # Latin-1: not CP932 either
        (b"\x82\xa0\x82.pdf", "\ufffd\ufffd\ufffd.pdf"),  # Shift_JIS cut in the middle
        (b"\x81\x7e\x81\x40.pdf", "\u00d7\u3000.pdf"),  # × and a full-width space
        ("届出表.png".encode(), "届出表.png"),  # already UTF-8
    ],
)
def test_a_name_that_is_not_utf8_is_shown_readably(raw: bytes, shown: str) -> None:
    name = display_name(os.fsdecode(raw))
    name.encode("utf-8")  # valid UTF-8 for the store and the log
    assert name == shown


def test_the_top_of_the_inbox_belongs_to_the_administrator(tmp_path: Path) -> None:
    for name in ("012025", "town-b", "Town C", ".snapshot"):
        (tmp_path / name).mkdir()
    (tmp_path / "README.txt").write_text("x")
    (tmp_path / "linked").symlink_to(tmp_path / "012025")
    tenants, ignored = tenant_folders(tmp_path)
    assert [t for t, _ in tenants] == ["012025", "town-b"]
    assert sorted(i.path.name for i in ignored) == ["README.txt", "Town C", "linked"]
    assert all(i.why for i in ignored)


def test_a_missing_inbox_is_empty(tmp_path: Path) -> None:
    assert tenant_folders(tmp_path / "missing") == ([], [])


@pytest.mark.parametrize(
    ("name", "hint"),
    [("scan.pdf", None), ("water_service/scan.pdf", "water_service"), ("a/b/c.pdf", None)],
)
def test_form_hint(name: str, hint: str | None) -> None:
    assert form_hint(name) == hint
