"""Retention on the watcher's side: a purge removes the archived scan of a file none of whose
documents is left (with the later drops of the same bytes), and nothing of a file still
needed; a stored path outside the archive is never touched."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline.store import Store
from ocr_pipeline.store.images import relative_path
from ocr_pipeline.watch import WatchPaths
from ocr_pipeline.watch.retention import archive_folder, archive_remover
from tests.unit.store.conftest import digest
from tests.unit.watch.watch_fakes import scan_bytes, tiny_png


def _image(store: Store, tenant: str, seed: int) -> Path:
    return store._images.root / relative_path(tenant, digest(tiny_png(seed)))


def test_a_purged_scan_leaves_the_archive_with_its_duplicates(
    store: Store,
    paths: WatchPaths,
    drop: Callable[..., Path],
    run_once: Callable[..., Any],
) -> None:
    drop("two-forms.pdf", pages=("ok", "ok", "unclassified"))
    drop("kept.pdf", pages=("ok",))
    run_once()
    drop("again.pdf", pages=("ok", "ok", "unclassified"), nonce="two-forms.pdf")  # same bytes
    run_once()
    town = store.for_tenant("town-a")
    sources = {s.name: s for s in town.list_sources()}
    gone, kept = sources["two-forms.pdf"], sources["kept.pdf"]
    gone_folder = archive_folder(paths, "town-a", gone.sha256)
    kept_folder = archive_folder(paths, "town-a", kept.sha256)
    assert (gone_folder / "duplicates").is_dir() and kept_folder.is_dir()
    assert Path(str(gone.stored_path)).parent == gone_folder
    for doc in town.list_documents():
        if doc.source_file_id == gone.id:
            town.return_document(doc.id, actor="kacho", expected_version=doc.version, reason="x")
    report = town.purge_finished(
        datetime.now(UTC), actor="kanri", remove_archived=archive_remover(paths, "town-a")
    )
    assert len(report.documents) == 2 and report.source_files == (gone.id,)
    assert (report.archived, report.files_left) == (1, 0)
    assert not gone_folder.exists() and kept_folder.is_dir()
    assert (kept_folder / "kept.pdf").is_file()
    # page 1's image is the same bytes as kept.pdf's page 1: it stays; pages 2 and 3 go
    assert _image(store, "town-a", 2).is_file()
    assert not _image(store, "town-a", 4).exists() and not _image(store, "town-a", 6).exists()
    assert [d.source_file_id for d in town.list_documents()] == [kept.id]
    # the same bytes dropped again are read anew, not taken for a duplicate of the purged file
    (paths.inbox / "town-a" / "later.pdf").write_bytes(
        scan_bytes(("ok", "ok", "unclassified"), "two-forms.pdf")
    )
    run_once()
    later = {s.name: s for s in town.list_sources()}["later.pdf"]
    assert later.sha256 == gone.sha256 and (gone_folder / "later.pdf").is_file()


def test_a_path_outside_the_archive_is_never_touched(
    paths: WatchPaths, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sha = "ab" * 32
    elsewhere = tmp_path / "elsewhere" / sha
    elsewhere.mkdir(parents=True)
    (elsewhere / "scan.pdf").write_bytes(b"%PDF")
    other_tenant = archive_folder(paths, "town-b", sha)
    other_tenant.mkdir(parents=True)
    (other_tenant / "scan.pdf").write_bytes(b"%PDF")
    remove = archive_remover(paths, "town-a")
    with caplog.at_level(logging.WARNING):
        remove(str(elsewhere / "scan.pdf"), sha)
        remove(str(other_tenant / "scan.pdf"), sha)
    assert (elsewhere / "scan.pdf").is_file() and (other_tenant / "scan.pdf").is_file()
    assert caplog.text.count("left in place") == 2
    # a folder already gone is no error
    remove(str(archive_folder(paths, "town-a", sha) / "scan.pdf"), sha)
