"""Rendering filled pages: ink only where the form lets people write, marks as asked."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from form_schemas.registry import FormDefinition, FormRegistry
from form_schemas.spec import FieldValue
from ocr_pipeline.synth import Style, SynthOptions, Writing, ink_zones, render_page
from ocr_pipeline.synth.fill import render_filled
from ocr_pipeline.synth.fonts import HAND_FACES, PRINT_FACES, face_for, has_glyph
from ocr_pipeline.synth.values import make_values

IPAEX_MINCHO = PRINT_FACES[1].path


def _template(form: FormDefinition) -> NDArray[np.uint8]:
    image = cv2.imread(str(form.template_path), cv2.IMREAD_COLOR)
    assert image is not None
    return np.asarray(image, np.uint8)


def _ink(page: NDArray[np.uint8], template: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Pixels the filling darkened noticeably."""
    diff = template.astype(np.int16) - page.astype(np.int16)
    return np.asarray(diff.max(axis=2) > 40)


def _inside(mask: NDArray[np.bool_], boxes: list[tuple[int, int, int, int]]) -> NDArray[np.bool_]:
    allowed = np.zeros_like(mask)
    for x0, y0, x1, y1 in boxes:
        allowed[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = True
    return allowed


def _assert_ink_inside_zones(form: FormDefinition, style: Style, seed: int) -> None:
    rng = np.random.default_rng(seed)
    filled = make_values(form, rng)
    page, info = render_filled(form, filled.writing, rng, SynthOptions(style=style))
    assert page.shape == (form.height, form.width, 3)
    assert info["style"] == style.value
    ink = _ink(page, _template(form))
    assert ink.sum() > 5000  # the page was filled at all
    stray = ink & ~_inside(ink, ink_zones(form))
    where = np.argwhere(stray)[:3]
    assert stray.sum() == 0, f"{form.id}: {stray.sum()} ink pixels outside zones, e.g. {where}"


@pytest.mark.parametrize("style", [Style.HAND, Style.PRINT])
@pytest.mark.parametrize("seed", range(6))
def test_ink_stays_inside_the_zones(test_form: FormDefinition, style: Style, seed: int) -> None:
    _assert_ink_inside_zones(test_form, style, seed)


BUILTIN = FormRegistry.from_dirs()


@pytest.mark.parametrize("form_id", BUILTIN.ids)
def test_ink_stays_inside_the_zones_of_builtin_forms(form_id: str) -> None:
    for seed in range(6):
        _assert_ink_inside_zones(BUILTIN.get(form_id), Style.HAND, seed)


def test_plain_export_values_are_rendered_where_they_belong(test_form: FormDefinition) -> None:
    values: dict[str, FieldValue | Writing] = {
        "name": "山田\u3000太郎",
        "mynumber": "123456789018",
        "sex": "female",
        "confirm_1": True,
    }
    page = render_page(test_form, values, np.random.default_rng(0), SynthOptions(style=Style.HAND))
    ink = _ink(page, _template(test_form))
    spec = test_form.spec
    for field_id in ("name", "mynumber", "confirm_1"):
        x0, y0, x1, y1 = spec.field(field_id).outline()
        assert ink[y0:y1, x0:x1].sum() > 50, field_id
    for field_id in ("kana", "address", "confirm_2", "seal"):
        x0, y0, x1, y1 = spec.field(field_id).outline()
        assert ink[y0:y1, x0:x1].sum() == 0, field_id
    male, female = spec.field("sex").options
    assert _ring(ink, female.bbox) > 3 * max(1, _ring(ink, male.bbox))


def _ring(ink: NDArray[np.bool_], bbox: tuple[int, int, int, int]) -> int:
    """Ink just around a printed option (where a circle runs), not on the label itself."""
    x0, y0, x1, y1 = bbox
    g = (y1 - y0) // 2
    outer = int(ink[y0 - g : y1 + g, x0 - g : x1 + g].sum())
    return outer - int(ink[y0:y1, x0:x1].sum())


def test_the_chosen_era_is_circled(test_form: FormDefinition) -> None:
    page = render_page(
        test_form, {"birth": "1989-01-07"}, np.random.default_rng(1), SynthOptions(style=Style.HAND)
    )
    ink = _ink(page, _template(test_form))
    rings = {o.code: _ring(ink, o.bbox) for o in test_form.spec.field("birth").options}
    assert max(rings, key=lambda k: rings[k]) == "showa"


def test_fonts_option_replaces_the_handwriting_font(test_form: FormDefinition) -> None:
    options = SynthOptions(style=Style.HAND, fonts=(IPAEX_MINCHO,))
    _, info = render_filled(
        test_form, {"name": "佐藤\u3000花子"}, np.random.default_rng(0), options
    )
    assert info == {"style": "hand", "font": IPAEX_MINCHO.name, "ink": info["ink"]}
    _, info = render_filled(test_form, {}, np.random.default_rng(0), SynthOptions(style=Style.HAND))
    assert info["font"] == HAND_FACES[0].name


def test_mixed_style_picks_per_page(test_form: FormDefinition) -> None:
    styles = {
        render_filled(test_form, {}, np.random.default_rng(s), SynthOptions())[1]["style"]
        for s in range(12)
    }
    assert styles == {"hand", "print"}


def test_characters_missing_from_a_font_fall_back_to_one_that_has_them() -> None:
    hand = HAND_FACES[0]
    assert has_glyph(hand, "山")
    assert not has_glyph(hand, "𠮷")
    fallback = face_for(hand, "𠮷")
    assert fallback != hand and has_glyph(fallback, "𠮷")


def test_same_seed_renders_the_same_pixels(test_form: FormDefinition) -> None:
    values = make_values(test_form, np.random.default_rng(5)).writing
    a = render_page(test_form, values, np.random.default_rng(9), SynthOptions())
    b = render_page(test_form, values, np.random.default_rng(9), SynthOptions())
    assert np.array_equal(a, b)
