"""Designer: draws the built-in forms and derives their ``form.yaml`` from the drawing.

The coordinates in a built-in form's schema come from the same calls that rule its lines:
a widget draws a writing space at a cell's cursor and returns the :class:`FieldSpec` that
reads it. Adding a form takes one module with a ``build() -> FormDraft`` function, listed in
:data:`form_schemas.designer.build.BUILDERS`; ``python -m form_schemas.designer`` then writes
``form_schemas/forms/<form_id>/form.yaml`` and ``template.png``.

Layers, each using only the one before: ``canvas`` (pixels, fonts) → ``layout`` (cells,
grids) → ``widgets`` / ``tables`` (fields) → ``page`` (shared furniture) → one module per
form → ``output`` / ``build`` (files).
"""

from __future__ import annotations

from .canvas import BLACK, DARK_TEAL, DPI, Canvas, DesignError, Face
from .layout import Cell, Grid, Run, bands
from .tables import Column, Table, record_table
from .widgets import FormDraft, amount, checkbox, choice, comb, line, phone, postal_code, wareki

__all__ = [
    "BLACK",
    "DARK_TEAL",
    "DPI",
    "Canvas",
    "Cell",
    "Column",
    "DesignError",
    "Face",
    "FormDraft",
    "Grid",
    "Run",
    "Table",
    "amount",
    "bands",
    "checkbox",
    "choice",
    "comb",
    "line",
    "phone",
    "postal_code",
    "record_table",
    "wareki",
]
