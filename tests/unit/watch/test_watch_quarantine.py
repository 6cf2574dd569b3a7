"""The quarantine: a note beside every file, in words a clerk reads, and never an overwrite."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from ocr_pipeline.errors import RefusalCode
from ocr_pipeline.watch.codes import QuarantineCode
from ocr_pipeline.watch.layout import Refusal
from ocr_pipeline.watch.messages import (
    QUARANTINE_TEXT,
    REFUSAL_TEXT,
    explain,
    explain_error_pages,
)
from ocr_pipeline.watch.quarantine import QuarantineNote, note_path, quarantine_file

KEYS = {"file", "tenant", "sha256", "code", "reason", "detail", "what_to_do", "remedy", "time",
        "source_file_id"}  # fmt: skip


def _note(name: str = "scan.pdf", detail: str = "x") -> QuarantineNote:
    return QuarantineNote.make(
        file=name,
        tenant="t1",
        code=QuarantineCode.UNREADABLE,
        detail=detail,
        refusal=RefusalCode.DAMAGED,
    )


def test_a_quarantined_file_has_its_note_beside_it(tmp_path: Path) -> None:
    src = tmp_path / "scan.pdf"
    src.write_bytes(b"%PDF-broken")
    note = _note(detail="the PDF is damaged and poppler cannot read it")
    target = quarantine_file(src, tmp_path / "q", "water_service/scan.pdf", note)
    assert target == tmp_path / "q" / "scan.pdf" and target.read_bytes() == b"%PDF-broken"
    written = json.loads(note_path(target).read_text("utf-8"))
    assert set(written) == KEYS
    assert written["reason"] == "ファイルが壊れているか、途中までしか保存されていません。"
    assert written["time"][-6] in "+-"  # local time with its offset


def test_same_names_never_overwrite_each_other(tmp_path: Path) -> None:
    q = tmp_path / "q"
    q.mkdir()
    (q / "scan.pdf").write_bytes(b"a clerk's file")  # even one without a note
    targets: list[Path] = []

    def one(n: int) -> None:
        src = tmp_path / f"src{n}"
        src.write_bytes(f"file {n}".encode())
        targets.append(quarantine_file(src, q, "scan.pdf", _note()))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(p.name for p in targets) == sorted(f"scan ({n}).pdf" for n in range(2, 10))
    assert sorted(p.read_bytes() for p in targets) == sorted(f"file {n}".encode() for n in range(8))
    assert (q / "scan.pdf").read_bytes() == b"a clerk's file"
    assert all(note_path(p).is_file() for p in targets)


def test_a_failed_move_takes_its_note_back(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        quarantine_file(tmp_path / "gone.pdf", tmp_path / "q", "gone.pdf", _note())
    assert list((tmp_path / "q").iterdir()) == []


@pytest.mark.parametrize(
    ("refusal", "reason"),
    [
        (RefusalCode.EMPTY, "ファイルが空です"),
        (RefusalCode.PASSWORD_PROTECTED, "パスワード"),
        (RefusalCode.NO_PAGES, "ページが1枚もありません"),
        (RefusalCode.FORMAT_MISMATCH, "拡張子と中身"),
        (RefusalCode.UNSUPPORTED_FORMAT, "対応していない形式"),
        (RefusalCode.DAMAGED, "壊れているか"),
        (RefusalCode.TOO_LARGE, "大きすぎる"),
        (RefusalCode.TOO_SMALL, "小さすぎて"),
        (RefusalCode.TOO_MANY_PAGES, "ページ数が多すぎる"),
        (RefusalCode.TIMED_OUT, "時間がかかりすぎた"),
        (RefusalCode.NO_ACCESS, "権限"),
        (None, "読み取れませんでした"),
    ],
)  # fmt: skip
def test_every_kind_of_unreadable_file_gets_its_own_japanese_reason(
    refusal: RefusalCode | None, reason: str
) -> None:
    said = explain(QuarantineCode.UNREADABLE, refusal)
    assert reason in said.reason and said.what_to_do


def test_the_clerks_words_follow_the_code_not_the_english_message() -> None:
    note = QuarantineNote.make(
        file="a.pdf",
        tenant="t1",
        code=QuarantineCode.UNREADABLE,
        detail="the file is empty (0 bytes)",  # a wording that once chose the sentence
        refusal=RefusalCode.PASSWORD_PROTECTED,
    )
    assert "パスワード" in note.reason


def test_every_refusal_code_has_japanese_text() -> None:
    missing = [code for code in RefusalCode if code not in REFUSAL_TEXT]
    assert not missing, f"no Japanese text for refusal codes {missing} (watch/messages.py)"
    for code in RefusalCode:
        said = explain(QuarantineCode.UNREADABLE, code)
        assert said.reason and said.what_to_do, code


def test_every_quarantine_code_has_japanese_text() -> None:
    missing = [code for code in QuarantineCode if code not in QUARANTINE_TEXT]
    assert not missing, f"no Japanese text for quarantine codes {missing} (watch/messages.py)"
    for code in QuarantineCode:
        said = explain(code)
        assert said.reason and said.what_to_do, code


def test_every_refusal_of_the_inbox_layout_is_a_quarantine_code() -> None:
    assert {r.value for r in Refusal} <= {c.value for c in QuarantineCode}


@pytest.mark.parametrize(
    "code",
    ["symlink", "unknown_form_folder", "unknown_form", "nested_folder", "not_regular",
     "duplicate_of_quarantined", "crashed", "missing_file", "vanished"],
)  # fmt: skip
def test_every_quarantine_code_has_its_own_sentence(code: str) -> None:
    said = explain(QuarantineCode(code))
    assert said != explain(QuarantineCode.UNREADABLE) and said.what_to_do


def test_pages_that_could_not_be_read_are_named_for_the_clerk() -> None:
    said = explain_error_pages([2, 5])
    assert said.reason.startswith("2ページ目・5ページ目を読み取れませんでした。")
    assert "スキャンし直して" in said.what_to_do


def test_a_file_none_of_whose_pages_was_read_is_not_said_to_have_other_pages() -> None:
    some = explain_error_pages([2], total=3)
    assert "ほかのページは読み取り済みです" in some.reason
    assert some.what_to_do.startswith("読み取れなかったページだけを")
    every = explain_error_pages([1], total=1)
    assert every.reason == "1ページ目を読み取れませんでした。"
    assert every.what_to_do.startswith("スキャンし直して")


def test_every_quarantine_code_is_in_the_readme() -> None:
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Watched folder\n")
    section = readme[start : readme.index("\n## ", start + 1)]
    for code in QuarantineCode:
        assert f"`{code}`" in section, code
