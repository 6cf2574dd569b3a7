"""What the watched-folder scripts (``soak.py``, ``watch_benchmark.py``) share: scans to drop,
a ``formocr watch`` process with its memory sampled, and waiting until every dropped file is
finished.

Scans are made cheaply: a dozen filled forms are synthesized (``ocr_pipeline.synth``, mixed
writing, mild scanner effects, 200 dpi), and every file is one of them with a few pixels set in
its bottom-right corner, far from every field, so that each file has its own SHA-256 but reads
the same. Some files are PDFs of 2-3 pages (now and then with a blank back side), and a few
are broken and must end in the quarantine.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from bench.watch_audit import Dropped
from ocr_pipeline.store import Counts

Array = np.ndarray[Any, np.dtype[np.uint8]]
FORMS = ("water_service", "furusato_onestop", "resident_move")
READY = "formocr watch: ready"


@dataclass(frozen=True)
class Scan:
    """A file to drop: its pages, how many of them are forms (documents), broken or not."""

    path: Path
    pages: int
    documents: int
    bad: bool = False

    def dropped(self, tenant: str, name: str, at: float) -> Dropped:
        sha = hashlib.sha256(self.path.read_bytes()).hexdigest()
        return Dropped(tenant, name, sha, self.pages, self.documents, self.bad, at)


def base_pages(seed: int, per_form: int = 4) -> tuple[list[Array], Array]:
    """``per_form`` filled pages of each built-in form at 200 dpi, and a blank back side."""
    from form_schemas.registry import FormRegistry
    from ocr_pipeline.synth import Degrade, Style, SynthOptions, blank_page, synth_page

    registry = FormRegistry.from_dirs()
    rng = np.random.default_rng(seed)
    options = SynthOptions(style=Style.MIXED, degrade=Degrade.MILD)
    pages = []
    for form in FORMS * per_form:
        scan, truth = synth_page(registry.get(form), rng, options)
        f = 200 / int(truth["degrade"]["dpi"])
        if f != 1:
            scan = np.asarray(cv2.resize(scan, None, fx=f, fy=f, interpolation=cv2.INTER_AREA))
        pages.append(np.asarray(scan, np.uint8))
    return pages, blank_page(rng, Degrade.MILD, dpi=200)


def marked(page: Array, k: int) -> Array:
    """``page`` with ``k`` (< 2**20) as dots in its bottom-right corner: other bytes, same
    reading."""
    out = page.copy()
    h, w = out.shape[:2]
    for bit in range(20):
        out[h - 8, w - 8 - 3 * bit] = 0 if (k >> bit) & 1 else 255
    return out


def write_image(page: Array, path: Path) -> None:
    params = [cv2.IMWRITE_JPEG_QUALITY, 90] if path.suffix == ".jpg" else []
    ok, buf = cv2.imencode(path.suffix, page, params)
    if not ok:
        raise RuntimeError(f"cannot encode {path.name}")
    path.write_bytes(bytes(buf))


def write_pdf(pages: list[Array], path: Path) -> None:
    images = [
        Image.fromarray(p, "L") if p.ndim == 2 else Image.fromarray(p[:, :, ::-1].copy(), "RGB")
        for p in pages
    ]
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=200.0)


def make_scans(
    out: Path, pages: int, seed: int, *, pdf_share: float = 0.1, bad_every: int = 250
) -> list[Scan]:
    """Files holding at least ``pages`` pages in all: about ``pdf_share`` of the pages in PDFs
    of 2-3 pages, the rest single PNG (30 %) and JPEG files; one broken file per ``bad_every``
    pages (a PDF cut off, a text file named .pdf, a PNG with a bad header)."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    bases, blank = base_pages(seed)
    pdf_files = pdf_share / (3 - 2 * pdf_share)  # the share of files that makes that of pages
    scans: list[Scan] = []
    total, k = 0, 0
    while total < pages:
        k += 1
        if rng.random() < pdf_files:
            forms = [marked(bases[int(rng.integers(len(bases)))], k * 4 + j) for j in range(3)]
            with_blank = bool(rng.random() < 0.5)
            if with_blank:
                forms[1] = marked(blank, k * 4 + 1)
            path = out / f"bundle-{k:05d}.pdf"
            write_pdf(forms, path)
            scans.append(Scan(path, 3, 2 if with_blank else 3))
            total += 3
        else:
            path = out / f"scan-{k:05d}.{'png' if rng.random() < 0.3 else 'jpg'}"
            write_image(marked(bases[int(rng.integers(len(bases)))], k * 4), path)
            scans.append(Scan(path, 1, 1))
            total += 1
        if total // bad_every > sum(s.bad for s in scans):
            scans.append(_broken(out, len(scans), scans))
    return scans


def _broken(out: Path, n: int, scans: list[Scan]) -> Scan:
    kind = sum(s.bad for s in scans) % 3
    if kind == 0:
        pdf = next((s.path for s in reversed(scans) if s.path.suffix == ".pdf"), None)
        # cut at a length of its own: two PDFs may begin with the same bytes
        data = pdf.read_bytes()[: 4000 + n] if pdf else b"%PDF-1.4\n" + str(n).encode()
        path = out / f"cut-off-{n:05d}.pdf"
    elif kind == 1:
        data = f"minutes of meeting {n}: not a scan\n".encode()
        path = out / f"notes-{n:05d}.pdf"
    else:
        data = b"\x89PNG\r\n\x1a\n" + os.urandom(64)
        path = out / f"broken-{n:05d}.png"
    path.write_bytes(data)
    return Scan(path, 0, 0, bad=True)


# -- the watcher process ------------------------------------------------------------------------


def _proc_stat(pid: str) -> list[str] | None:
    try:
        return (Path("/proc") / pid / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def group_pids(pgid: int) -> list[int]:
    """Processes of the process group ``pgid`` (zombies left out)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(entry)
            if stat is not None and stat[0] != "Z" and int(stat[2]) == pgid:
                out.append(int(entry))
    return out


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in KiB; PSS shares each shared page among its users."""
    rss = pss = 0
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in (Path("/proc") / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


@dataclass
class MemoryPeaks:
    """Peaks over the samples of one process tree (KiB)."""

    tree_rss: int = 0
    tree_pss: int = 0
    largest_process_rss: int = 0
    processes: int = 0
    samples: int = 0

    def sample(self, pids: list[int]) -> None:
        sizes = [memory_kib(p) for p in pids]
        self.tree_rss = max(self.tree_rss, sum(r for r, _ in sizes))
        self.tree_pss = max(self.tree_pss, sum(p for _, p in sizes))
        self.largest_process_rss = max([self.largest_process_rss, *(r for r, _ in sizes)])
        self.processes = max(self.processes, len(sizes))
        self.samples += 1

    def mib(self) -> dict[str, float | int]:
        return {
            "tree_rss_mib": round(self.tree_rss / 1024),
            "tree_pss_mib": round(self.tree_pss / 1024),
            "largest_process_rss_mib": round(self.largest_process_rss / 1024),
            "processes": self.processes,
            "samples": self.samples,
        }


def watch_env(data: Path, threads: int) -> dict[str, str]:
    """The environment of a watcher run: no FORMOCR_* of the caller but ``database_url``,
    the data folder and the onnxruntime threads."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FORMOCR_") or k == "FORMOCR_DATABASE_URL"
    }
    env.update(FORMOCR_DATA_DIR=str(data), FORMOCR_THREADS=str(threads))
    return env


def formocr(env: dict[str, str], cwd: Path, *args: str) -> None:
    """Run ``formocr ARGS`` to the end; its output on our stderr."""
    command = [sys.executable, "-m", "ocr_pipeline", *args]
    done = subprocess.run(command, env=env, cwd=cwd, stdout=sys.stderr, check=False)
    if done.returncode != 0:
        raise SystemExit(f"formocr {' '.join(args)} failed (exit code {done.returncode})")


@dataclass
class WatchProcess:
    """``formocr watch`` in its own process group, stderr in ``log``, memory sampled every
    ``every`` seconds while it runs."""

    env: dict[str, str]
    cwd: Path
    log: Path
    args: tuple[str, ...]
    every: float = 1.0
    memory: MemoryPeaks = field(default_factory=MemoryPeaks)
    proc: subprocess.Popen[bytes] | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _sampler: threading.Thread | None = None

    def start(self) -> float:
        """Start it and wait until its workers are ready; the seconds that took."""
        started = time.monotonic()
        with open(self.log, "ab") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ocr_pipeline", "watch", *self.args],
                env=self.env,
                cwd=self.cwd,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
            )
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        while READY not in self.log.read_text("utf-8", "replace"):
            if self.proc.poll() is not None:
                raise SystemExit(f"the watcher exited ({self.proc.returncode}); see {self.log}")
            time.sleep(0.2)
        return time.monotonic() - started

    def _sample(self) -> None:
        assert self.proc is not None
        while not self._stop.wait(self.every) and self.proc.poll() is None:
            self.memory.sample(group_pids(self.proc.pid))

    def stop(self, timeout: float = 300.0) -> int:
        """SIGTERM, wait (SIGKILL to the group after ``timeout``); the exit code."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            code = self.proc.wait()
        self._stop.set()
        if self._sampler is not None:
            self._sampler.join()
        return code

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def wait_finished(
    data: Path, dropped: list[Dropped], timeout: float, watcher: WatchProcess, poll: float = 1.0
) -> float:
    """Wait until the store has finished every dropped file (``done`` or ``quarantined``) and
    nothing is queued or running; ``time.time()`` when that was first seen."""
    from ocr_pipeline.settings import load_settings
    from ocr_pipeline.store import Store

    want: dict[str, int] = {}
    for d in dropped:
        want[d.tenant] = want.get(d.tenant, 0) + 1
    deadline = time.monotonic() + timeout
    with Store.from_settings(load_settings(data_dir=data)) as store:
        while time.monotonic() < deadline:
            if not watcher.alive():
                raise SystemExit(f"the watcher stopped; see {watcher.log}")
            if all(_finished(store.for_tenant(t).counts(), n) for t, n in want.items()):
                return time.time()
            time.sleep(poll)
    raise SystemExit(f"not finished after {timeout:.0f} s; see {watcher.log}")


def _finished(counts: Counts, files: int) -> bool:
    sources, work = counts.sources, counts.work
    busy = work.get("queued", 0) + work.get("running", 0)
    return busy == 0 and sources.get("done", 0) + sources.get("quarantined", 0) == files


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def new_watcher(data: Path, *, threads: int, workers: int, settle: float | None) -> WatchProcess:
    """A migrated store in the data folder ``data`` and a ``formocr watch`` over it, not
    started yet; both run in ``data``'s parent folder, where the watcher logs to
    ``watch.log``."""
    env = watch_env(data, threads)
    formocr(env, data.parent, "db", "upgrade")
    watch_args = ["--workers", str(workers)]
    if settle is not None:
        watch_args += ["--settle", str(settle)]
    return WatchProcess(env, data.parent, data.parent / "watch.log", tuple(watch_args))
