"""A zone with ink is never auto-accepted as empty (reason ``ink_unread``)."""

from __future__ import annotations

import numpy as np

from form_schemas.spec import FieldSpec, FieldType, Segment
from ocr_pipeline.engines import Recognition
from ocr_pipeline.extract.interpret import INK_NOISE, read_field
from ocr_pipeline.extract.observe import Observation
from ocr_pipeline.preprocess.zones import ZoneCrop

MASK = np.zeros((10, 10), dtype=bool)


def _crop(image: bool, fill: float) -> ZoneCrop:
    pixels = np.full((40, 80), 255, np.uint8) if image else None
    return ZoneCrop(pixels, (0, 0, 80, 40) if image else None, fill, MASK, (0, 0))


def _kana(crop: ZoneCrop, text: str | None) -> Observation:
    spec = FieldSpec(
        id="kana", label="フリガナ", type=FieldType.KANA, segments=[Segment(bbox=(0, 0, 400, 60))]
    )
    obs = Observation(spec, crops={"0": crop})
    if text is not None:
        n = len(text)
        obs.texts["0"] = Recognition(
            text=text,
            confidence=1.0,
            char_confidences=(1.0,) * n,
            char_positions=tuple((i + 0.5) / n for i in range(n)),
            alternatives=((),) * n,
        )
    return obs


def _codes(obs: Observation) -> set[str]:
    return {r.code for r in read_field(obs).reasons}


def test_writing_read_as_nothing_is_ink_unread() -> None:
    assert "ink_unread" in _codes(_kana(_crop(True, 3.0), ""))


def test_faint_ink_below_writing_is_ink_unread() -> None:
    assert "ink_unread" in _codes(_kana(_crop(False, INK_NOISE + 0.1), None))


def test_blank_paper_is_not_ink_unread() -> None:
    assert "ink_unread" not in _codes(_kana(_crop(False, 0.0), None))
    assert "ink_unread" not in _codes(_kana(_crop(False, INK_NOISE / 2), None))


def test_a_reading_is_not_ink_unread() -> None:
    assert "ink_unread" not in _codes(_kana(_crop(True, 3.0), "ヤマダ"))


def test_a_multi_line_zone_whose_lines_read_as_nothing_is_ink_unread() -> None:
    spec = FieldSpec(
        id="remarks", label="備考", type=FieldType.TEXT, lines=2,
        segments=[Segment(bbox=(0, 0, 400, 120))],
    )  # fmt: skip
    obs = Observation(spec, crops={"0": _crop(True, 3.0)})
    obs.lines["0"] = ["0/0", "0/1"]
    for line in obs.lines["0"]:
        obs.crops[line] = _crop(True, 3.0)
        obs.texts[line] = Recognition(text="", confidence=1.0)
    assert "ink_unread" in _codes(obs)


def test_pale_writing_in_an_empty_zone_is_ink_unread() -> None:
    pale = ZoneCrop(None, None, 0.0, MASK, (0, 0), faint=2.0)
    assert "ink_unread" in _codes(_kana(pale, None))
    speck = ZoneCrop(None, None, 0.0, MASK, (0, 0), faint=0.4)
    assert "ink_unread" not in _codes(_kana(speck, None))
