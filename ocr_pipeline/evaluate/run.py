"""Run the pipeline over an evaluation folder and score every page against its truth."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..pipeline import Pipeline, process_document
from ..results import PageResult, PageStatus
from .score import FieldOutcome, PageOutcome, report, score_page
from .truth import TruthPage, scans_with_truth


@dataclass
class Evaluation:
    pages: list[PageOutcome] = field(default_factory=list)
    fields: list[FieldOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def report(self) -> dict[str, Any]:
        return report(self.pages, self.fields, self.seconds)


def _missing(scan: Path, index: int, truth: TruthPage) -> PageOutcome:
    return PageOutcome(str(scan), index + 1, truth.status, truth.form, "missing", None)


def evaluate(
    pipe: Pipeline,
    directory: Path,
    on_page: Callable[[PageResult], None] = lambda _r: None,
) -> Evaluation:
    """Process every scan with a truth file in ``directory``; ``on_page`` sees each result."""
    ev = Evaluation()
    items = list(scans_with_truth(directory))
    for scan, truth_pages in items:
        started = time.perf_counter()
        results = list(process_document(pipe, scan))
        ev.seconds += time.perf_counter() - started
        for i, truth in enumerate(truth_pages):
            if i >= len(results):
                ev.pages.append(_missing(scan, i, truth))
                continue
            page, fields = score_page(results[i], truth)
            ev.pages.append(page)
            ev.fields.extend(fields)
        for r in results:
            on_page(r)
    return ev


def count_pages(directory: Path) -> int:
    """Pages the truth files announce (for a progress bar)."""
    return sum(len(t) for _, t in scans_with_truth(directory))


__all__ = ["Evaluation", "PageStatus", "count_pages", "evaluate"]
