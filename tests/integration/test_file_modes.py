"""Every file formocr writes is 0600 in a 0700 folder: a data folder an older version made
0755, a database made 0644, a clerk's upload through the review UI and a scan copied over the
share with 0644, read by ``formocr watch --once`` (archive, quarantine, page images), an
export, ``formocr process``; then the whole data folder is walked."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from form_schemas.reasons import Reason
from ocr_pipeline.filemodes import private_umask
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus
from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import Store
from ocr_pipeline.watch import drop_file
from tests.sample_records import WATER_VALUES

pytestmark = pytest.mark.ocr

SAMPLES = Path(__file__).parents[2] / "data" / "samples"
TENANT = "town-a"
Cli = Callable[..., tuple[int, str]]


def _approved_water_document(data: Path) -> None:
    """An approved 水道 record (as reviewers leave it), for the export."""
    fields = {
        fid: FieldResult(
            id=fid,
            type="text",
            value=value,
            confidence=0.99,
            status=FieldStatus.ACCEPTED,
            reasons=list[Reason](),
            raw="" if value is None else str(value),
            char_confidences=[],
            bbox=None,
        )
        for fid, value in WATER_VALUES.items()
    }
    page = PageResult(
        "w.jpg", 1, PageStatus.OK, form="water_service", form_version=1, fields=fields
    )
    with Store.from_settings(load_settings(data_dir=data)) as store:
        town = store.for_tenant(TENANT)
        src, _ = town.register_source("b" * 64, "w.jpg", 10)
        (doc_id,) = town.save_result(src.id, [page], {})
        town.approve(doc_id, actor="tanaka", expected_version=1)


def _modes(root: Path) -> dict[str, list[str]]:
    loose: dict[str, list[str]] = {"dirs": [], "files": []}
    for folder, dirs, files in os.walk(root):
        for d in dirs:
            p = Path(folder) / d
            if not p.is_symlink() and stat.S_IMODE(p.stat().st_mode) != 0o700:
                loose["dirs"].append(f"{p.relative_to(root)} {oct(p.stat().st_mode)}")
        for f in files:
            p = Path(folder) / f
            if p.is_symlink():  # model links point into the installed wheels
                continue
            if stat.S_IMODE(p.stat().st_mode) != 0o600:
                loose["files"].append(f"{p.relative_to(root)} {oct(p.stat().st_mode)}")
    return loose


def test_everything_written_is_owner_only(cli: Cli, tmp_path: Path) -> None:
    os.umask(0o022)  # a usual login umask: formocr must not rely on it
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "runtime" / "archive").mkdir(parents=True)  # as an older formocr made them
    Store.from_settings(load_settings(data_dir=data), migrate=True).close()
    assert stat.S_IMODE((data / "formocr.db").stat().st_mode) == 0o644

    assert cli(data, "db", "upgrade")[0] == 0  # start-up tightens what is there
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "formocr.db").stat().st_mode) == 0o600

    inbox = data / "runtime" / "inbox"
    os.umask(0o022)
    old = private_umask()  # the review UI's process, as review_ui/app.py sets it
    uploaded = drop_file(
        inbox, TENANT, "upload.jpg", data=(SAMPLES / "water_service-101002-0000.jpg").read_bytes()
    )
    assert stat.S_IMODE(uploaded.stat().st_mode) == 0o600
    os.umask(old)
    shared = inbox / TENANT / "furusato.pdf"  # copied over the share by a clerk
    shutil.copyfile(SAMPLES / "furusato_onestop-102000-0000.pdf", shared)
    shared.chmod(0o644)
    broken = inbox / TENANT / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 cut off")
    broken.chmod(0o644)

    code, _ = cli(data, "watch", "--once", "--workers", "1", "--settle", "0.2")
    assert code == 3  # broken.pdf quarantined
    os.umask(0o022)
    _approved_water_document(data)
    os.umask(0o022)
    code, _ = cli(data, "export", "run", "--profile", "water_service_cp932", "--tenant", TENANT)
    assert code == 0
    os.umask(0o022)
    assert cli(data, "process", SAMPLES / "water_service-101002-0000.jpg", "--brief")[0] == 0

    written = {p.relative_to(data).parts[0] for p in data.rglob("*") if p.is_file()}
    assert {"formocr.db", "secret.key", "images", "runtime", "exports"} <= written
    assert list((data / "runtime" / "quarantine" / TENANT).iterdir())
    assert list((data / "exports").iterdir())
    assert _modes(data) == {"dirs": [], "files": []}
