"""The OcrEngine contract, run against every installed backend with its real model.

Lines are rendered here with PIL and IPAex Gothic: clean printed text that any working
recognizer reads exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from ocr_pipeline.engines import Image, OcrEngine, available_engines

pytestmark = pytest.mark.ocr

FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
DIGITS = frozenset("0123456789")
LINES = [
    "ヤマダタロウ",  # katakana
    "やまだはなこ",  # hiragana
    "山田太郎",  # kanji
    "千葉県南房総市",
    "東京都千代田区",
    "0123456789",  # digits
    "令和6年4月1日",  # mixed
    "7",
]


def render(text: str, size: int = 40, pad: int = 12) -> Image:
    """A clean grey line of ``text``."""
    font = ImageFont.truetype(FONT, size)
    x0, y0, x1, y1 = ImageDraw.Draw(PILImage.new("L", (1, 1))).textbbox((0, 0), text, font=font)
    img = PILImage.new("L", (int(x1 - x0) + 2 * pad, int(y1 - y0) + 2 * pad), 255)
    ImageDraw.Draw(img).text((pad - x0, pad - y0), text, font=font, fill=0)
    return np.asarray(img, dtype=np.uint8)


def bgr(gray: Image) -> Image:
    return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))


@pytest.fixture(scope="session", params=sorted(available_engines()))
def backend(
    request: pytest.FixtureRequest, engine_by_name: Callable[[str], OcrEngine]
) -> OcrEngine:
    return engine_by_name(str(request.param))


def test_is_an_ocr_engine_named_as_registered(backend: OcrEngine) -> None:
    assert isinstance(backend, OcrEngine)
    assert backend.name in available_engines()


def test_one_result_per_crop_in_order(backend: OcrEngine) -> None:
    # More crops than one batch holds, of very different widths, so batching reorders them.
    texts = [str(n) * (1 + n % 7) for n in range(20)] + LINES
    results = backend.recognize([bgr(render(t)) for t in texts])
    assert len(results) == len(texts)
    assert [r.text for r in results] == texts


def test_nothing_in_nothing_out(backend: OcrEngine) -> None:
    assert backend.recognize([]) == []


@pytest.mark.parametrize("text", LINES)
def test_clean_printed_lines_are_read_exactly(backend: OcrEngine, text: str) -> None:
    (result,) = backend.recognize([bgr(render(text))])
    assert result.text == text


def test_confidences_are_probabilities_one_per_character(backend: OcrEngine) -> None:
    for text, r in zip(LINES, backend.recognize([render(t) for t in LINES]), strict=True):
        assert len(r.char_confidences) == len(r.text), text
        assert all(0.0 <= c <= 1.0 for c in r.char_confidences), text
        assert 0.0 <= r.confidence <= 1.0
        assert 0.0 <= r.gap_confidence <= 1.0
        assert r.confidence == pytest.approx(min(*r.char_confidences, r.gap_confidence))
        assert r.confidence > 0.8, f"a clean line should be read surely: {text} {r}"
        assert len(r.char_positions) == len(r.text)
        assert list(r.char_positions) == sorted(r.char_positions)
        assert all(0.0 <= x <= 1.0 for x in r.char_positions)


@pytest.mark.parametrize("text", ["ABC", "lOl", "やまだ", "山田", "S0-12"])
def test_a_digit_set_never_yields_a_non_digit(backend: OcrEngine, text: str) -> None:
    (result,) = backend.recognize([render(text)], [DIGITS])
    assert set(result.text) <= DIGITS


def test_a_digit_set_still_reads_digits(backend: OcrEngine) -> None:
    results = backend.recognize([render("2024"), render("ヤマダ")], [DIGITS, None])
    assert [r.text for r in results] == ["2024", "ヤマダ"]


@pytest.mark.parametrize("shape", [(48, 200), (60, 60), (40, 600, 3)])
def test_a_blank_crop_reads_as_nothing(backend: OcrEngine, shape: tuple[int, ...]) -> None:
    (result,) = backend.recognize([np.full(shape, 255, dtype=np.uint8)])
    assert result.text == ""
    assert result.char_confidences == ()
    assert 0.5 < result.confidence <= 1.0  # sure there is nothing


def test_grey_and_colour_crops_read_the_same(backend: OcrEngine) -> None:
    grey = render("鈴木花子")
    assert grey.ndim == 2
    a, b = backend.recognize([grey, bgr(grey)])
    assert a.text == b.text == "鈴木花子"
    assert a.char_confidences == pytest.approx(b.char_confidences, abs=1e-4)


def test_describe_names_the_engine_and_its_model(backend: OcrEngine) -> None:
    info = backend.describe()
    assert {"engine", "runtime", "recognizer", "classes", "threads", "batch_size"} <= set(info)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in info.items())
    assert info["engine"] == backend.name
    assert int(info["classes"]) == len(backend.charset()) + 1  # plus the CTC blank


def test_charset_holds_what_japanese_forms_need(backend: OcrEngine) -> None:
    charset = backend.charset()
    assert "" not in charset
    assert charset >= DIGITS
    assert set("アイウエオヤマダあいうえお山田太郎県市区町村ー") <= charset
