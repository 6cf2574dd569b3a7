"""Field values as people read and type them, 個人番号 masking, and the recognizer's reading
with its uncertain characters marked. Pure functions (no Streamlit)."""

from __future__ import annotations

from collections.abc import Sequence

from form_schemas.japanese.era import ERAS
from form_schemas.sensitivity import MASK, is_sensitive, is_sensitive_type, mask
from form_schemas.spec import FieldSpec, FieldType, FieldValue

UNSURE = 0.9
"""Characters read with less confidence than this are marked in the reading."""
_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~:$")


def is_masked_type(field_type: str) -> bool:
    """個人番号 is masked on screen unless a person asks to see it (and that is logged)."""
    return is_sensitive_type(field_type)


def is_hidden(spec: FieldSpec | None, field_type: str) -> bool:
    """A 個人番号, or a field its form marks ``sensitive``: kept out of sight until a person
    asks to see it (and that is logged). Without the spec, by the field type alone."""
    return is_sensitive(spec) if spec is not None else is_masked_type(field_type)


def to_text(spec: FieldSpec | None, value: FieldValue) -> str:
    """A value as a person would type it back: option labels for choices, はい/いいえ for
    checkboxes, ISO dates, plain numbers; ``""`` for none. Reading it with
    :func:`form_schemas.fieldtypes.interpret_typed` gives the value again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if spec is not None and spec.type is FieldType.CHOICE:
        return next((o.label for o in spec.options if o.code == value), str(value))
    return str(value)


def wareki(iso: str) -> str:
    """``2024-04-01`` as ``令和6年4月1日`` (元年 for year 1); other text unchanged."""
    try:
        y, m, d = (int(p) for p in iso.split("-"))
    except ValueError:
        return iso
    key = f"{y:04d}-{m:02d}-{d:02d}"
    for info in reversed(ERAS):
        if key >= info.start.isoformat():
            year = y - info.start.year + 1
            return f"{info.kanji}{'元' if year == 1 else year}年{m}月{d}日"
    return iso


def shown(spec: FieldSpec | None, field_type: str, value: FieldValue, revealed: bool) -> str:
    """A value as shown in lists and the audit trail: masked for 個人番号 (and fields marked
    sensitive) unless revealed."""
    text = to_text(spec, value)
    return mask(text) if is_hidden(spec, field_type) and not revealed else text


def _escape(ch: str) -> str:
    return "\\" + ch if ch in _MARKDOWN_SPECIAL else ch


def marked_reading(raw: str, confidences: Sequence[float], masked: bool = False) -> str:
    """The recognizer's reading as Streamlit Markdown, characters read with less than
    :data:`UNSURE` confidence on an orange background (masked: ``●`` for each character)."""
    if not raw:
        return "（空欄）"
    out: list[str] = []
    for i, ch in enumerate(raw):
        c = MASK if masked and not ch.isspace() else ch
        conf = confidences[i] if i < len(confidences) else 1.0
        text = "\u3000" if c.isspace() else _escape(c)
        out.append(f":orange-background[**{text}**]" if conf < UNSURE else text)
    return "".join(out)


def unsure_count(raw: str, confidences: Sequence[float]) -> int:
    return sum(1 for i, _ in enumerate(raw) if i < len(confidences) and confidences[i] < UNSURE)
