"""``formocr train export``: one municipality's reviewed fields as training data.

Written into an empty folder, owner-only (0700 folders, 0600 files):

- ``rec_gt.txt`` and ``crops/<type>/*.png``: PaddleOCR's recognition format, one line per
  crop, ``relative/path.png<TAB>label`` (UTF-8, ``\\n``): what PaddleOCR's ``SimpleDataSet``
  reads (``label_file_list`` = this file, ``data_dir`` = this folder);
- ``chars.tsv`` and ``chars/<type>/*.png``: the second reader's per-character format, one line
  per character cut as the second reader cuts it, ``path<TAB>character<TAB>line height``
  (the height of a full-size kana of its line in pixels, empty when unknown);
- ``manifest.json``: municipality, when, the filters, counts per field type, the range of
  review dates, the form versions, and the SHA-256 of every other file.

Refused unless the municipality opted in (:class:`TrainingNotAllowedError`). 個人番号
fields, and fields a form marks sensitive, are never among them (the store leaves them out).
Every export is an audit event of the municipality. File names carry document and field
ids, never a resident's data.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2

from ..errors import BadArgumentsError, OutputUnwritableError
from ..filemodes import make_private
from ..store import TrainingExample, TrainingStore
from .samples import PartSample, SampleMaker, page_order

log = logging.getLogger(__name__)

REC_GT = "rec_gt.txt"
CHARS = "chars.tsv"
MANIFEST = "manifest.json"


class TrainingNotAllowedError(BadArgumentsError):
    """The municipality has not allowed training use of its reviewed fields."""


def check_opted_in(town: TrainingStore) -> None:
    if not town.training_opt_in():
        raise TrainingNotAllowedError(
            f"municipality {town.tenant_id} has not allowed training use of its reviewed fields",
            f"an administrator turns it on with `formocr train opt-in --tenant "
            f"{town.tenant_id} on` (or on the review UI's 帳票/設定 page), then run this again",
        )


@dataclass
class TypeCounts:
    """Per field type: reviewed fields, those cut into crops, crops, characters, and fields
    left out (unreadable, or no crop could be told apart)."""

    fields: int = 0
    crops: int = 0
    chars: int = 0
    unreadable: int = 0
    left_out: int = 0


@dataclass
class ExportReport:
    out: Path
    counts: dict[str, TypeCounts] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    form_versions: list[str] = field(default_factory=list)
    manifest_sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "counts": {t: c.__dict__ for t, c in self.counts.items()},
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "form_versions": self.form_versions,
            "manifest_sha256": self.manifest_sha256,
        }


class _Writer:
    """Files under ``out``, private, with their SHA-256 recorded."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.sha: dict[str, str] = {}

    def write(self, rel: str, data: bytes) -> None:
        path = self.out / rel
        for parent in reversed(path.relative_to(self.out).parents):
            folder = self.out / parent
            if not folder.is_dir():
                folder.mkdir()
                make_private(folder)
        path.write_bytes(data)
        make_private(path)
        self.sha[rel] = hashlib.sha256(data).hexdigest()

    def png(self, rel: str, image: Any) -> None:
        ok, buf = cv2.imencode(".png", image)
        if not ok:
            raise OutputUnwritableError(f"cannot encode {rel}", "report this as a bug")
        self.write(rel, bytes(buf))


def _prepare(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadArgumentsError(
            f"{out} exists and is not an empty folder", "name a new or empty folder with --out"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputUnwritableError(
            f"cannot create {out}: {exc}", "choose a writable folder"
        ) from exc
    make_private(out)


def _clean(label: str) -> str:
    """A label as one field of a tab-separated line."""
    return label.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def export_training(
    town: TrainingStore,
    maker: SampleMaker,
    out: Path,
    *,
    actor: str,
    since: datetime | None = None,
    types: Sequence[str] | None = None,
    progress: Callable[[int, int], None] = lambda _d, _t: None,
) -> ExportReport:
    """Write the municipality's reviewed fields into ``out`` (see the module docstring);
    the municipality must have opted in."""
    check_opted_in(town)
    examples = page_order(town.training_examples(since=since, types=types))
    _prepare(out)
    writer = _Writer(out)
    report = ExportReport(out)
    rec_lines: list[str] = []
    char_lines: list[str] = []
    versions: set[str] = set()
    for n, ex in enumerate(examples, 1):
        counts = report.counts.setdefault(ex.type, TypeCounts())
        counts.fields += 1
        report.first = min(report.first or ex.reviewed_at, ex.reviewed_at)
        report.last = max(report.last or ex.reviewed_at, ex.reviewed_at)
        versions.add(f"{ex.form_id}@{ex.form_version}")
        if ex.value is None:
            counts.unreadable += 1
            continue
        samples = maker.samples(ex)
        if not samples:
            counts.left_out += 1
        for s in samples:
            rec_lines.append(_crop(writer, s))
            counts.crops += 1
            char_lines.extend(_chars(writer, s))
            counts.chars += len(s.chars)
        progress(n, len(examples))
    writer.write(REC_GT, "".join(rec_lines).encode("utf-8"))
    writer.write(CHARS, "".join(char_lines).encode("utf-8"))
    report.form_versions = sorted(versions)
    manifest = _manifest(town.tenant_id, report, since, types, writer.sha)
    data = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    writer.write(MANIFEST, data)
    report.manifest_sha256 = writer.sha[MANIFEST]
    town.record_training_export(
        actor=actor,
        out=str(out),
        counts={t: c.crops for t, c in report.counts.items()},
        manifest_sha256=report.manifest_sha256,
    )
    log.info("training export of %s: %d fields into %s", town.tenant_id, len(examples), out)
    return report


def _crop(writer: _Writer, s: PartSample) -> str:
    rel = f"crops/{s.example.type}/{s.key}.png"
    writer.png(rel, s.image)
    return f"{rel}\t{_clean(s.label)}\n"


def _chars(writer: _Writer, s: PartSample) -> Iterable[str]:
    height = "" if s.line_height is None else f"{s.line_height:.1f}"
    for i, (char, piece) in enumerate(zip(s.char_labels, s.chars, strict=True)):
        rel = f"chars/{s.example.type}/{s.key}_{i}.png"
        writer.png(rel, piece)
        yield f"{rel}\t{char}\t{height}\n"


def _manifest(
    tenant: str,
    report: ExportReport,
    since: datetime | None,
    types: Sequence[str] | None,
    files: dict[str, str],
) -> dict[str, Any]:
    return {
        "tenant": tenant,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "since": since.isoformat() if since else None,
        "types": list(types) if types else None,
        "counts": {t: c.__dict__ for t, c in sorted(report.counts.items())},
        "date_range": {
            "first": report.first.isoformat() if report.first else None,
            "last": report.last.isoformat() if report.last else None,
        },
        "form_versions": report.form_versions,
        "formats": {
            REC_GT: "PaddleOCR recognition: path<TAB>label",
            CHARS: "second reader: path<TAB>character<TAB>line height",
        },
        "files": dict(sorted(files.items())),
    }


def read_examples(town: TrainingStore, **kwargs: Any) -> list[TrainingExample]:
    """The examples an export or a training run uses (opt-in checked)."""
    check_opted_in(town)
    return town.training_examples(**kwargs)
