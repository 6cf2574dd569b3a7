"""A document's audit trail as rows for the screen and as a CSV file (UTF-8 with BOM, which
Excel opens correctly). 個人番号 values are masked in both. Pure functions (no Streamlit)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from form_schemas.spec import FieldSpec
from ocr_pipeline.store import AuditEvent

from . import texts, values

COLUMNS = ("日時", "操作", "項目", "変更前", "変更後", "担当", "理由・補足", "版")
SpecOf = Callable[[str], FieldSpec | None]
_STATES = {state.value: name for state, name in texts.FIELD_STATE.items()}


def _value(state: Any, spec: FieldSpec | None, masked: bool) -> str:
    """The value of an event's ``old``/``new`` for people."""
    if state is None:
        return ""
    if isinstance(state, dict) and "value" in state:
        text = values.to_text(spec, state["value"])
        status = state.get("status")
        label = _STATES.get(status, "") if isinstance(status, str) else ""
        shown = values.mask(text) if masked else text
        return f"{shown}（{label}）" if label else shown
    if masked:
        return "（秘匿の項目のため省略）"
    return json.dumps(state, ensure_ascii=False)


BLIND = "（二重入力中のため省略）"


def rows(
    events: Sequence[AuditEvent], spec_of: SpecOf, blind: frozenset[str] = frozenset()
) -> list[dict[str, str]]:
    """One row per event, oldest first, in the column order of :data:`COLUMNS`. Values of
    the fields in ``blind`` (being keyed blind by the viewer's colleagues) are left out."""
    out = []
    for e in events:
        spec = spec_of(e.field_id) if e.field_id else None
        masked = spec is not None and values.is_hidden(spec, spec.type.value)
        hide = e.field_id in blind
        out.append(
            {
                "日時": texts.jst(e.at),
                "操作": texts.ACTION.get(e.action, e.action.value),
                "項目": spec.label if spec else (e.field_id or ""),
                "変更前": BLIND if hide and e.old is not None else _value(e.old, spec, masked),
                "変更後": BLIND if hide and e.new is not None else _value(e.new, spec, masked),
                "担当": e.actor,
                "理由・補足": e.detail,
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
