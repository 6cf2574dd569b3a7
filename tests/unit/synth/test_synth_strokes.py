"""Stroke-drawn handwriting: KanjiVG paths, writers and their habits, the ``stroke`` style."""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from form_schemas.japanese.kana import WRITTEN_KANA_CHARS
from form_schemas.registry import FormDefinition, FormRegistry
from ocr_pipeline.cli import main
from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.synth import Style, SynthOptions, fill, ink_zones, kvg
from ocr_pipeline.synth.fill import choose_pen, render_filled
from ocr_pipeline.synth.fonts import HAND_FACES, available
from ocr_pipeline.synth.handwriter import (
    DEV_WRITERS,
    EVAL_WRITERS,
    ONE_STYLES,
    Writer,
    habit_strokes,
    writer_for_seed,
    writer_range,
)
from ocr_pipeline.synth.pen import draw_char, stroke_pen
from ocr_pipeline.synth.strokes import render_char
from ocr_pipeline.synth.values import make_values

WRITERS = [writer_for_seed(s) for s in range(1, 301)]


def _render(char: str, writer: Writer, seed: int, em: float = 40.0) -> np.ndarray:
    patch = render_char(char, writer, em, np.random.default_rng(seed))
    assert patch is not None, char
    return patch


# -- KanjiVG paths ----------------------------------------------------------------------


def test_paths_parse_every_command_kanjivg_uses() -> None:
    # relative cubics with repeated argument groups, smooth curves, lines, closing
    circle = kvg.parse_path("M54.5,47c-3.32,0 -6,2.68 -6,6 0,3.32 2.68,6 6,6 3.32,0 6,-2.68 6,-6z")
    assert np.allclose(circle[0], (54.5, 47.0)) and np.allclose(circle[-1], (54.5, 47.0))
    assert circle[:, 0].min() == pytest.approx(48.5, abs=0.05)
    path = kvg.parse_path("M10,10 h5 v5 H30 V40 l2,2 L50,50 s5,5 10,10 S70,70 80,80 C1,2 3,4 5,6")
    assert np.allclose(path[-1], (5.0, 6.0))
    for char in "永あ9":  # densely sampled: a stroke is drawn as its polyline
        for stroke in kvg.strokes_of(char) or ():
            assert np.linalg.norm(np.diff(stroke, axis=0), axis=1).max() <= 1.5 * kvg.STEP


def test_strokes_come_from_kanjivg_in_writing_order() -> None:
    one, tsu = kvg.strokes_of("1"), kvg.strokes_of("ツ")
    assert one is not None and len(one) == 1
    assert tsu is not None and len(tsu) == 3 and tsu[0][0, 0] < tsu[1][0, 0] < tsu[2][0, 0]
    full_width = kvg.strokes_of("１")  # full-width forms are drawn like ASCII
    assert full_width is not None and np.array_equal(full_width[0], one[0])
    assert kvg.has_strokes("-") and kvg.has_strokes("－") and kvg.has_strokes("ー")
    assert kvg.has_strokes("・")
    assert not kvg.has_strokes("〒") and kvg.strokes_of("ab") is None


def test_a_missing_kanjivg_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> importlib.metadata.Distribution:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    kvg.kanjivg_folder.cache_clear()
    kvg.strokes_of.cache_clear()
    try:
        with pytest.raises(BadArgumentsError) as info:
            kvg.strokes_of("山")
        assert "pip install kanjivg" in info.value.remedy
        with pytest.raises(BadArgumentsError):
            choose_pen(np.random.default_rng(0), SynthOptions(style=Style.STROKE))
    finally:
        kvg.kanjivg_folder.cache_clear()
        kvg.strokes_of.cache_clear()


# -- writers ----------------------------------------------------------------------------


def test_writers_come_from_their_seed() -> None:
    assert writer_for_seed(42) == writer_for_seed(42)
    assert writer_for_seed(42) != writer_for_seed(43)


def test_dev_and_eval_writers_do_not_overlap() -> None:
    assert not set(DEV_WRITERS) & set(EVAL_WRITERS)
    assert writer_range("dev") == DEV_WRITERS and writer_range("eval") == EVAL_WRITERS
    with pytest.raises(BadArgumentsError):
        writer_range("test")


def test_every_habit_occurs_both_ways_among_writers() -> None:
    assert {w.one for w in WRITERS} == set(ONE_STYLES)
    for habit in ("seven_bar", "seven_tick", "four_closed", "nine_straight"):
        assert {getattr(w, habit) for w in WRITERS} == {True, False}, habit
    assert {w.small_full > 0.5 for w in WRITERS} == {True, False}
    assert {w.half_closed > 0 for w in WRITERS} == {True, False}


def test_traits_stay_within_their_documented_ranges() -> None:
    for w in WRITERS:
        assert 0.58 <= w.size <= 0.80
        assert -0.12 <= w.slant <= 0.30
        assert 0.82 <= w.aspect <= 1.15
        assert 1.8 <= w.width_px <= 4.6
        assert 0.0 <= w.speed <= 1.0
        assert 0.0 <= w.small_full <= 0.95
        assert 0.0 <= w.box_overrun <= 0.35
        assert len(w.field) == 18
    slants = [w.slant for w in WRITERS]
    assert min(slants) < 0.0
    assert max(slants) > 0.15


def test_digit_habits_change_the_strokes() -> None:
    plain = next(w for w in WRITERS if w.one == "plain")
    flag = next(w for w in WRITERS if w.one == "flag")
    rng = np.random.default_rng(0)
    stroke = (habit_strokes("1", plain, rng) or [])[0]
    assert abs(stroke[0, 0] - stroke[-1, 0]) < 5  # one near-vertical line
    assert len(habit_strokes("1", flag, rng) or []) == 1
    bar = next(w for w in WRITERS if w.seven_bar and w.seven_tick)
    assert len(habit_strokes("7", bar, rng) or []) == 3
    closed = next(w for w in WRITERS if w.four_closed)
    first, stem = habit_strokes("4", closed, rng) or []
    assert np.allclose(first[0], stem[0])  # the stem starts where the slanted stroke does


def test_small_kana_are_written_full_size_at_the_writers_rate() -> None:
    big = next(w for w in WRITERS if w.small_full > 0.8)
    small = next(w for w in WRITERS if w.small_full < 0.05)
    full = kvg.strokes_of("ツ") or ()

    def full_size(w: Writer) -> int:
        rng = np.random.default_rng(1)
        draws = [habit_strokes("ッ", w, rng) or [] for _ in range(40)]
        return sum(np.array_equal(d[-1], full[-1]) for d in draws)

    assert full_size(big) > 25
    assert full_size(small) < 5


# -- rendering ----------------------------------------------------------------------------


def test_rendering_is_deterministic_and_varies_per_character_and_writer() -> None:
    w = writer_for_seed(7)
    a = _render("山", w, 1)
    assert np.array_equal(a, _render("山", w, 1))
    assert not np.array_equal(a, _render("山", w, 2))
    assert not np.array_equal(a, _render("山", writer_for_seed(8), 1))
    assert a.dtype == np.float32 and a.shape == (2 * 40 + 8, 2 * 40 + 8)
    assert a.min() >= 0.0 and a.max() <= 1.0


def test_two_writers_differ_more_than_two_ones_of_one_writer() -> None:
    a, b = writer_for_seed(11), writer_for_seed(12)
    same = np.abs(_render("1", a, 1) - _render("1", a, 2)).sum()
    other = np.abs(_render("1", a, 1) - _render("1", b, 1)).sum()
    assert other > same


@pytest.mark.parametrize("seed", [3, 100_003])
def test_every_digit_and_kana_leaves_ink(seed: int) -> None:
    w = writer_for_seed(seed)
    chars = sorted(c for c in WRITTEN_KANA_CHARS if not c.isspace()) + list("0123456789")
    for i, ch in enumerate(chars):
        patch = _render(ch, w, i, em=30.0)
        assert patch.sum() > 5, ch


def test_a_character_without_strokes_falls_back_to_the_font() -> None:
    w = writer_for_seed(5)
    assert render_char("﨑", w, 40.0, np.random.default_rng(0)) is None
    pen = stroke_pen(np.random.default_rng(0), available(HAND_FACES), w)
    page = np.full((200, 200, 3), 255, dtype=np.uint8)  # a white BGR page
    draw_char(page, "﨑", (100.0, 100.0), 40.0, pen, rng=np.random.default_rng(0))
    assert (page < 128).any()


# -- the stroke style ---------------------------------------------------------------------


def test_the_stroke_style_names_its_writer(test_form: FormDefinition) -> None:
    options = SynthOptions(style=Style.STROKE, writers="eval")
    pen = choose_pen(np.random.default_rng(0), options)
    assert pen.writer is not None and pen.writer.seed in EVAL_WRITERS
    _, info = render_filled(
        test_form, {"name": "山田\u3000太郎"}, np.random.default_rng(0), options
    )
    assert info["style"] == "stroke" and info["writer"] in EVAL_WRITERS


def _assert_ink_inside_zones(form: FormDefinition, seed: int) -> None:
    """As in test_synth_render: every darkened pixel lies in a zone the form allows."""
    rng = np.random.default_rng(seed)
    filled = make_values(form, rng)
    page, info = render_filled(form, filled.writing, rng, SynthOptions(style=Style.STROKE))
    assert info["style"] == "stroke" and info["writer"] in DEV_WRITERS
    template = cv2.imread(str(form.template_path), cv2.IMREAD_COLOR)
    ink = (template.astype(np.int16) - page.astype(np.int16)).max(axis=2) > 40
    assert ink.sum() > 5000
    allowed = np.zeros_like(ink)
    for x0, y0, x1, y1 in ink_zones(form):
        allowed[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = True
    stray = ink & ~allowed
    assert stray.sum() == 0, (
        f"{form.id}: {stray.sum()} ink pixels outside, e.g. {np.argwhere(stray)[:3]}"
    )


@pytest.mark.parametrize("seed", range(4))
def test_stroke_ink_stays_inside_the_zones(test_form: FormDefinition, seed: int) -> None:
    _assert_ink_inside_zones(test_form, seed)


@pytest.mark.parametrize("form_id", FormRegistry.from_dirs().ids)
def test_stroke_ink_stays_inside_the_zones_of_builtin_forms(form_id: str) -> None:
    for seed in range(3):
        _assert_ink_inside_zones(FormRegistry.from_dirs().get(form_id), seed)


@pytest.mark.parametrize("seed", range(4))
def test_the_wildest_writer_stays_inside_the_zones(
    test_form: FormDefinition, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every comb character too big or on a line, the largest size, the most wandering."""

    def wild(s: int) -> Writer:
        return replace(
            writer_for_seed(s), box_overrun=1.0, size=0.8, warp=4.0, end_jitter=4.5, bend=0.07
        )

    monkeypatch.setattr(fill, "writer_for_seed", wild)
    _assert_ink_inside_zones(test_form, seed)
    _assert_ink_inside_zones(FormRegistry.from_dirs().get("water_service"), seed)


@pytest.mark.usefixtures("no_formocr_env")
def test_synth_command_writes_eval_writers_into_the_truth(tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ["synth", "--form", "water_service", "--count", "2", "--seed", "4"]
    argv += ["--style", "stroke", "--writers", "eval", "--degrade", "none", "--out", str(out)]
    assert main(argv) == 0
    truths = sorted(out.glob("*.truth.json"))
    assert len(truths) == 2
    for path in truths:
        page = json.loads(path.read_text(encoding="utf-8"))["pages"][0]
        assert page["style"] == "stroke" and page["writer"] in EVAL_WRITERS
