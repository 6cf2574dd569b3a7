"""A document's audit trail as rows for the screen and as a CSV file (UTF-8 with BOM, which
Excel opens correctly). 個人番号 values are masked in both. Pure functions (no Streamlit)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from form_schemas.sensitivity import mask
from form_schemas.spec import FieldSpec
from ocr_pipeline.store import AuditEvent

from . import labels, texts, values

COLUMNS = ("日時", "操作", "項目", "変更前", "変更後", "担当", "理由・補足", "版")
SpecOf = Callable[[str], FieldSpec | None]
LabelOf = Callable[[str], str]
_FIELD_STATES = {state.value: name for state, name in texts.FIELD_STATE.items()}
_DOC_STATES = {state.value: name for state, name in texts.DOCUMENT_STATUS.items()}
_DIGIT_RUN = re.compile(r"(?<!\d)(?:\d[ \-\u2010\u2212\uff0d\u30fc\u3000]?){11}\d(?!\d)")
"""Twelve digits in a row (spaces or hyphens between them allowed): shaped like a 個人番号."""
_OMITTED = "（秘匿の項目のため省略）"


def _no_numbers(text: str) -> str:
    """Free text with anything shaped like a 個人番号 masked (a reason may quote one)."""
    return _DIGIT_RUN.sub(lambda m: mask(m.group()), text)


def _describe(
    state: dict[str, Any], field_level: bool, masked: bool, titles: Mapping[str, str]
) -> str:
    """A document event's ``old``/``new`` (form, state, pages, export...) in Japanese."""
    states = _FIELD_STATES if field_level else _DOC_STATES
    parts = []
    for key, item in state.items():
        if key == "form":
            parts.append(f"帳票: {titles.get(str(item), str(item))}")
        elif key == "form_version":
            parts.append(f"第 {item} 版")
        elif key == "status":
            parts.append(f"状態: {states.get(str(item), str(item))}")
        elif key == "pages" and isinstance(item, list):
            parts.append("ページ: " + "、".join(str(p) for p in item))
        elif key == "reason":
            parts.append(f"理由: {item}")
        elif key == "export_id":
            parts.append(f"出力番号: {item}")
        elif key == "sha256":
            parts.append(f"ファイルの指紋: {str(item)[:12]}…")
        elif key == "entry":
            parts.append(f"{item} 人目の入力")
        elif key == "entries" and isinstance(item, list):
            shown = [_OMITTED if masked else str(v) for v in item]
            parts.append("入力: " + " / ".join(shown))
        elif masked:
            parts.append(_OMITTED)
        else:
            parts.append(f"{key}: {item}")
    return _no_numbers("、".join(parts))


def _value(
    state: Any,
    spec: FieldSpec | None,
    masked: bool,
    field_level: bool,
    titles: Mapping[str, str],
) -> str:
    """The value of an event's ``old``/``new`` for people."""
    if state is None:
        return ""
    if isinstance(state, dict) and "value" in state:
        text = values.to_text(spec, state["value"])
        status = state.get("status")
        label = _FIELD_STATES.get(status, "") if isinstance(status, str) else ""
        shown = mask(text) if masked else _no_numbers(text)
        return f"{shown}（{label}）" if label else shown
    if isinstance(state, dict):
        return _describe(state, field_level, masked, titles)
    return _OMITTED if masked else _no_numbers(str(state))


BLIND = "（二重入力中のため省略）"


def rows(
    events: Sequence[AuditEvent],
    spec_of: SpecOf,
    blind: frozenset[str] = frozenset(),
    *,
    label_of: LabelOf | None = None,
    names: Mapping[str, str] | None = None,
    form_titles: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """One row per event, oldest first, in the column order of :data:`COLUMNS`. Values of
    the fields in ``blind`` (being keyed blind by the viewer's colleagues) are left out.
    ``label_of`` names a field for people (a table cell with its row), ``names`` maps login
    ids to display names, ``form_titles`` form ids to titles; hidden fields' values (個人番号,
    ``sensitive: true``), and anything shaped like a 個人番号 in free text, are masked."""
    out = []
    titles = form_titles or {}
    for e in events:
        spec = spec_of(e.field_id) if e.field_id else None
        masked = spec is not None and values.is_hidden(spec, spec.type.value)
        hide = e.field_id in blind
        if e.field_id and label_of is not None:
            item = label_of(e.field_id)
        else:
            item = spec.label if spec else (e.field_id or "")
        out.append(
            {
                "日時": texts.jst(e.at),
                "操作": texts.ACTION.get(e.action, e.action.value),
                "項目": item,
                "変更前": BLIND
                if hide and e.old is not None
                else _value(e.old, spec, masked, e.field_id is not None, titles),
                "変更後": BLIND
                if hide and e.new is not None
                else _value(e.new, spec, masked, e.field_id is not None, titles),
                "担当": labels.actor_name(e.actor, names or {}),
                "理由・補足": _no_numbers(e.detail),
                "版": "" if e.doc_version is None else str(e.doc_version),
            }
        )
    return out


def to_csv(table: Sequence[dict[str, str]]) -> bytes:
    """The rows as CSV: UTF-8 with BOM, CRLF, a header line."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table)
    return buf.getvalue().encode("utf-8-sig")
