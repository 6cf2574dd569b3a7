"""A municipality's reviewed characters, cut again from its stored pages.

Cutting is most of a training run's time (decoding a page, registering it again, running
the recognizer on kana lines), so a page is decoded and registered once for all its fields
(:func:`~.samples.page_order`), and with ``workers`` > 1 pages are cut in that many forked
processes: the parent reads the page images from the store, the workers only cut (each
makes its own recognizer, so a maker whose recognizer exists already cuts in the parent).
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from ..reader2.charset import DIGITS, HIRAGANA, KATAKANA
from ..reader2.glyph import Gray
from ..store import TrainingExample, TrainingStore
from .export import read_examples
from .samples import PartSample, SampleMaker, page_order

Progress = Callable[[str, int, int], None]
KANA = frozenset(KATAKANA + HIRAGANA + "ー")
DIGIT_SET = frozenset(DIGITS)
YEAR_SET = DIGIT_SET | {"元"}
BATCH = 4  # pages read from the store per worker before they are cut


@dataclass
class Chars:
    """Characters with their labels, line heights, field types and allowed classes."""

    pieces: list[Gray] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    heights: list[float | None] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    allowed: list[frozenset[str]] = field(default_factory=list)

    def add(self, s: PartSample) -> None:
        allowed = KANA if s.kana else (YEAR_SET if s.part == "year" else DIGIT_SET)
        for char, piece in zip(s.char_labels, s.chars, strict=True):
            self.pieces.append(piece)
            self.labels.append(char)
            self.heights.append(s.line_height)
            self.types.append(s.example.type)
            self.allowed.append(allowed)

    def extend(self, other: Chars) -> None:
        self.pieces += other.pieces
        self.labels += other.labels
        self.heights += other.heights
        self.types += other.types
        self.allowed += other.allowed

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.types:
            out[t] = out.get(t, 0) + 1
        return dict(sorted(out.items()))


def merge(parts: Sequence[Chars]) -> Chars:
    out = Chars()
    for c in parts:
        out.extend(c)
    return out


Page = list[TrainingExample]
_MAKER: list[SampleMaker] = []  # set before the workers fork


def _cut(page: Page, png: bytes | None, maker: SampleMaker) -> Chars:
    out = Chars()
    for ex in page:
        for s in maker.samples(ex, png):
            if s.chars:
                out.add(s)
    return out


def _cut_in_worker(job: tuple[Page, bytes]) -> Chars:
    return _cut(job[0], job[1], _MAKER[0])


def _page_of(e: TrainingExample) -> tuple[int, int]:
    return e.document_id, e.page_no


def _pages(examples: list[TrainingExample]) -> list[Page]:
    return [list(group) for _, group in itertools.groupby(page_order(examples), _page_of)]


def _cut_pages(
    town: TrainingStore, maker: SampleMaker, pages: list[Page], workers: int
) -> Iterator[tuple[Page, Chars]]:
    if workers <= 1 or len(pages) < 2 or not maker.forkable:
        for page in pages:
            yield page, _cut(page, None, maker)
        return
    _MAKER[:] = [maker]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for at in range(0, len(pages), BATCH * workers):
            batch = pages[at : at + BATCH * workers]
            # page images are read here, in the parent: the store's connections stay in it
            jobs = [(page, town.page_image(page[0].image_sha256)) for page in batch]
            yield from zip(batch, pool.map(_cut_in_worker, jobs, chunksize=1), strict=True)


def collect(
    town: TrainingStore, maker: SampleMaker, progress: Progress, workers: int = 1
) -> tuple[dict[int, Chars], int]:
    """The municipality's characters by document, and how many reviewed fields there were,
    cut by ``workers`` processes."""
    examples = read_examples(town)
    pages = _pages(examples)
    by_doc: dict[int, Chars] = {}
    done = 0
    for page, chars in _cut_pages(town, maker, pages, workers):
        if chars.pieces:
            by_doc.setdefault(page[0].document_id, Chars()).extend(chars)
        done += len(page)
        progress("examples", done, len(examples))
    return by_doc, len(examples)
