"""Accounting of a watched-folder run: every file dropped into the inbox ends in exactly one
place, read exactly once.

Given the data folder of a finished run and a manifest of what was dropped (one JSON object per
file: ``tenant``, ``name`` as it was dropped, ``sha256``, ``pages``, ``documents`` expected,
``bad`` when the file must be refused, ``dropped_at`` in Unix seconds), it checks that

- the inboxes are empty (no file left behind, no half-written temporary file);
- each good file is one source file in the store (its SHA-256, state ``done``), archived once at
  ``ARCHIVE/<tenant>/<sha[:2]>/<sha>/<name>`` with the same bytes, absent from the quarantine,
  with one page record per page, the expected number of documents, one ``saved`` event, one
  ``created`` event per document and one ``ocr`` event per field;
- each bad file is one source file, ``quarantined``, in ``QUARANTINE/<tenant>/`` with its
  ``.error.json`` (same SHA-256), absent from the archive, with no pages;
- nothing else is there: no other source file, document, archived or quarantined file, no note
  without its file, no work item queued or running.

Run from the repository root (``FORMOCR_*`` variables apply, e.g. ``FORMOCR_DATABASE_URL``)::

    .venv/bin/python -m bench.watch_audit DATA_DIR MANIFEST.json [--json]

Exit code 0 when everything is accounted for, 1 otherwise (the problems are listed). The soak
and throughput scripts import :func:`audit`; the crash test runs this file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ocr_pipeline.settings import load_settings
from ocr_pipeline.store import SourceFile, Store, TenantStore, WorkState
from ocr_pipeline.watch import NOTE_SUFFIX, WatchPaths

PAGE = 500


@dataclass(frozen=True)
class Dropped:
    """One file put into an inbox, and what must come of it."""

    tenant: str
    name: str
    sha256: str
    pages: int
    documents: int
    bad: bool = False
    dropped_at: float | None = None


@dataclass(frozen=True)
class Latency:
    tenant: str
    name: str
    pages: int
    received: float
    record: float


@dataclass
class Audit:
    """What :func:`audit` found: ``problems`` (empty when all is well), ``figures``, and per
    file read the seconds from its drop to its record (``received``) and to its documents
    (``record``), for files with a ``dropped_at``."""

    problems: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    latency: list[Latency] = field(default_factory=list)

    def add(self, problem: str) -> None:
        self.problems.append(problem)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def load_manifest(path: Path) -> list[Dropped]:
    return [Dropped(**item) for item in json.loads(path.read_text("utf-8"))]


def save_manifest(path: Path, files: list[Dropped]) -> None:
    path.write_text(json.dumps([asdict(f) for f in files], indent=1), "utf-8")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if not p.is_dir()) if folder.is_dir() else []


def audit(data_dir: Path, manifest: list[Dropped]) -> Audit:
    """Check a finished run (no watcher running) against ``manifest``; see the module doc."""
    settings = load_settings(data_dir=data_dir)
    paths = WatchPaths.from_settings(settings)
    out = Audit()
    shas = Counter((f.tenant, f.sha256) for f in manifest)
    for (tenant, sha), n in shas.items():
        if n > 1:
            out.add(f"manifest: {n} files of {tenant} have the same SHA-256 {sha[:12]}")
    tenants = sorted({f.tenant for f in manifest})
    for tenant in tenants:
        for path in _files(paths.tenant_inbox(tenant)):
            out.add(f"left in the inbox: {path}")
    with Store.from_settings(settings) as store:
        extra = sorted(set(store.tenants()) - set(tenants))
        if extra:
            out.add(f"tenants nobody dropped files for: {extra}")
        for tenant in tenants:
            mine = [f for f in manifest if f.tenant == tenant]
            _TenantAudit(store.for_tenant(tenant), paths, tenant, mine, out).run()
    _summarise(manifest, out)
    return out


Archived = dict[str, list[Path]]
"""Files in the archive by the SHA-256 of their content."""
Quarantined = dict[str, list[tuple[Path, dict[str, Any] | None]]]
"""Files in the quarantine (with their note, if any) by the SHA-256 of their content."""


class _TenantAudit:
    """The checks of one tenant; problems and figures go into ``out``."""

    def __init__(
        self, town: TenantStore, paths: WatchPaths, tenant: str, files: list[Dropped], out: Audit
    ) -> None:
        self.town, self.paths, self.tenant, self.files, self.out = town, paths, tenant, files, out

    def run(self) -> None:
        sources = self._sources()
        by_sha: dict[str, list[SourceFile]] = {}
        for s in sources:
            by_sha.setdefault(s.sha256, []).append(s)
        expected = {f.sha256 for f in self.files}
        for sha in sorted(set(by_sha) - expected):
            self.out.add(f"{self.tenant}: source files nobody dropped: {by_sha[sha]}")
        archived = self._archive()
        quarantined = self._quarantine()
        for f in self.files:
            found = by_sha.get(f.sha256, [])
            if len(found) != 1:
                self.out.add(f"{self.tenant}/{f.name}: {len(found)} source files (expected 1)")
                continue
            if f.bad:
                self._check_bad(f, found[0], archived, quarantined)
            else:
                self._check_good(f, found[0], archived, quarantined)
        for paths in archived.values():
            self.out.add(f"{self.tenant}: archived but not dropped: {paths}")
        for copies in quarantined.values():
            self.out.add(f"{self.tenant}: quarantined but not dropped: {[p for p, _ in copies]}")
        self._check_documents(expected={f.sha256 for f in self.files if not f.bad}, sources=by_sha)
        self._check_work(len(self.files), sum(1 for f in self.files if f.bad))

    def _sources(self) -> list[SourceFile]:
        out: list[SourceFile] = []
        while batch := self.town.list_sources(limit=PAGE, offset=len(out)):
            out.extend(batch)
            if len(batch) < PAGE:
                break
        return out

    def _archive(self) -> Archived:
        """Every file under the tenant's archive folder (the checks take out the expected)."""
        found: Archived = {}
        for path in _files(self.paths.archive / self.tenant):
            found.setdefault(sha256_file(path), []).append(path)
        return found

    def _quarantine(self) -> Quarantined:
        found: Quarantined = {}
        folder = self.paths.quarantine_folder(self.tenant)
        for path in _files(folder):
            if path.name.endswith(NOTE_SUFFIX):
                if not path.with_name(path.name[: -len(NOTE_SUFFIX)]).exists():
                    self.out.add(f"{self.tenant}: a note without its file: {path}")
                continue
            note_file = path.with_name(path.name + NOTE_SUFFIX)
            note = json.loads(note_file.read_text("utf-8")) if note_file.is_file() else None
            found.setdefault(sha256_file(path), []).append((path, note))
        return found

    def _check_good(
        self,
        f: Dropped,
        source: SourceFile,
        archived: Archived,
        quarantined: Quarantined,
    ) -> None:
        where = f"{self.tenant}/{f.name} (source {source.id})"
        want = self.paths.archive_file(self.tenant, f.sha256, f.name)
        copies = archived.pop(f.sha256, [])
        if copies != [want]:
            self.out.add(f"{where}: archived as {copies}, expected [{want}]")
        if f.sha256 in quarantined:
            also = [p for p, _ in quarantined.pop(f.sha256)]
            self.out.add(f"{where}: also in the quarantine: {also}")
        if source.state.value != "done" or source.stored_path != str(want):
            self.out.add(f"{where}: {source.state.value} at {source.stored_path}, expected done")
        pages = self.town.source_pages(source.id)
        numbers = sorted(p.page_no for p in pages)
        if numbers != list(range(1, f.pages + 1)) or source.page_count != f.pages:
            self.out.add(
                f"{where}: pages {numbers} (count {source.page_count}), expected {f.pages}"
            )
        docs = {p.document_id for p in pages if p.document_id is not None}
        if len(docs) != f.documents:
            self.out.add(f"{where}: {len(docs)} documents, expected {f.documents}")
        events = self.town.source_history(source.id)
        actions = Counter(e.action.value for e in events)
        if actions["saved"] != 1 or actions["received"] != 1 or actions["quarantined"]:
            self.out.add(f"{where}: events {dict(actions)}: expected one received, one saved")
        if actions["created"] != f.documents:
            self.out.add(f"{where}: {actions['created']} created events, {f.documents} documents")
        ocr_events = Counter(e.document_id for e in events if e.action.value == "ocr")
        created: list[datetime] = []
        for doc_id in sorted(docs):
            doc = self.town.get_document(doc_id)
            created.append(doc.created_at)
            if ocr_events[doc_id] != len(doc.fields) or not doc.fields:
                self.out.add(
                    f"{where}: document {doc_id} has {len(doc.fields)} fields and "
                    f"{ocr_events[doc_id]} ocr events"
                )
        if f.dropped_at is not None and created:
            self.out.latency.append(
                Latency(
                    self.tenant,
                    f.name,
                    f.pages,
                    received=source.received_at.timestamp() - f.dropped_at,
                    record=max(created).timestamp() - f.dropped_at,
                )
            )

    def _check_bad(
        self,
        f: Dropped,
        source: SourceFile,
        archived: Archived,
        quarantined: Quarantined,
    ) -> None:
        where = f"{self.tenant}/{f.name} (source {source.id})"
        if f.sha256 in archived:
            self.out.add(f"{where}: bad file archived: {archived.pop(f.sha256)}")
        copies = quarantined.pop(f.sha256, [])
        if len(copies) != 1:
            self.out.add(f"{where}: {len(copies)} copies in the quarantine, expected 1")
        for path, note in copies:
            if note is None or note.get("sha256") != f.sha256 or not note.get("code"):
                self.out.add(f"{where}: {path} has no matching {NOTE_SUFFIX}: {note}")
            elif source.stored_path != str(path):
                self.out.add(
                    f"{where}: in the quarantine at {path}, store says {source.stored_path}"
                )
        if source.state.value != "quarantined":
            self.out.add(f"{where}: state {source.state.value}, expected quarantined")
        if self.town.source_pages(source.id):
            self.out.add(f"{where}: a quarantined file has pages")

    def _check_documents(self, expected: set[str], sources: dict[str, list[SourceFile]]) -> None:
        good_ids = {s.id for sha in expected for s in sources.get(sha, [])}
        seen: Counter[tuple[int, int]] = Counter()
        total = 0
        while batch := self.town.list_documents(limit=PAGE, offset=total):
            total += len(batch)
            for d in batch:
                seen[(d.source_file_id, d.first_page)] += 1
                if d.source_file_id not in good_ids:
                    self.out.add(f"{self.tenant}: document {d.id} of a file not expected")
        want = sum(f.documents for f in self.files if not f.bad)
        if total != want:
            self.out.add(f"{self.tenant}: {total} documents, expected {want}")
        twice = [k for k, n in seen.items() if n > 1]
        if twice:
            self.out.add(f"{self.tenant}: documents made twice (source, page): {twice}")
        figures = self.out.figures
        figures["documents"] = figures.get("documents", 0) + total

    def _check_work(self, files: int, bad: int) -> None:
        work = self.town.counts().work
        for state in (WorkState.QUEUED, WorkState.RUNNING):
            if work.get(state.value):
                left = self.town.list_work(state, limit=20)
                self.out.add(f"{self.tenant}: {work[state.value]} work items {state}: {left}")
        if work.get("done", 0) != files - bad or work.get("failed", 0) != bad:
            self.out.add(
                f"{self.tenant}: work items {work}, expected {files - bad} done, {bad} failed"
            )
        attempts = [w.attempts for w in self.town.list_work(WorkState.DONE, limit=1000)]
        figures = self.out.figures
        figures["max_attempts"] = max([figures.get("max_attempts", 0), *attempts])
        figures["reclaimed_items"] = figures.get("reclaimed_items", 0) + sum(
            1 for a in attempts if a > 1
        )


def quantile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def _summarise(manifest: list[Dropped], out: Audit) -> None:
    out.figures.update(
        files=len(manifest),
        bad_files=sum(1 for f in manifest if f.bad),
        pages=sum(f.pages for f in manifest if not f.bad),
        expected_documents=sum(f.documents for f in manifest if not f.bad),
        tenants=len({f.tenant for f in manifest}),
    )
    for key in ("received", "record"):
        values = [getattr(x, key) for x in out.latency]
        if values:
            out.figures[f"{key}_latency_s"] = spread(values)


def spread(values: list[float]) -> dict[str, float]:
    """Median, p90 (inclusive quantiles) and maximum."""
    return {"median": statistics.median(values), "p90": quantile(values, 0.9), "max": max(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("data_dir", type=Path, help="the run's data_dir")
    parser.add_argument("manifest", type=Path, help="JSON list of the files dropped")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args(argv)
    found = audit(args.data_dir, load_manifest(args.manifest))
    if args.json:
        print(json.dumps(asdict(found), indent=1, default=str))
    else:
        for problem in found.problems:
            print(f"PROBLEM: {problem}")
        print(json.dumps(found.figures, indent=1, default=str))
        print(f"{len(found.problems)} problem(s) at {datetime.now(UTC).isoformat()}")
    return 1 if found.problems else 0


if __name__ == "__main__":
    sys.exit(main())
