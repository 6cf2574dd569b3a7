"""Plain-text tables for a terminal, aligned for full-width (Japanese) characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from form_schemas.registry import FormRegistry

from ..results import PageResult


def width(text: str) -> int:
    """Display width: full-width and wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "FW" else 1 for c in text)


def _pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - width(text))


def _clip(text: str, cols: int) -> str:
    out, used = "", 0
    for c in text:
        w = width(c)
        if used + w > cols - 1:
            return out + "…"
        out, used = out + c, used + w
    return out


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], max_col: int = 40) -> str:
    """Rows under headers, columns padded to their widest cell (clipped at ``max_col``)."""
    cells = [[_clip(str(c), max_col) for c in row] for row in [list(headers), *rows]]
    cols = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(_pad(c, cols[i]) for i, c in enumerate(row)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * c for c in cols))
    return "\n".join(lines)


def page_table(page: PageResult, registry: FormRegistry) -> str:
    """A page's header line, then one row per field: label, value, confidence, status, reasons."""
    head = f"{page.source} p.{page.page}: {page.status.value}"
    if page.form:
        head += f" [{page.form}]"
    if page.reason:
        head += f" - {page.reason}"
    if not page.fields:
        return head
    labels: dict[str, str] = {}
    if page.form is not None and page.form in registry:
        labels = {f.id: f.label for f in registry.get(page.form).fields}
    rows = [
        [
            fid,
            labels.get(fid, ""),
            "" if f.value is None else str(f.value),
            f"{f.confidence:.3f}",
            f.status.value,
            ",".join(r.code for r in f.reasons),
        ]
        for fid, f in page.fields.items()
    ]
    return (
        head + "\n" + table(["field", "label", "value", "conf", "status", "reasons"], rows) + "\n"
    )
