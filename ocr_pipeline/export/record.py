"""What the export reads: one approved record, as the store hands it over."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from form_schemas.spec import FieldValue


@dataclass(frozen=True)
class ExportRecord:
    """An approved record in export form.

    ``values`` maps field ids (table cells as ``members.0.name``) to export-form values: ISO
    date strings, digit strings, ``int`` amounts, ``bool`` checkboxes and presence, option
    codes for choices, ``None`` when empty. A field missing from ``values`` counts as empty;
    ids the form does not know are ignored. ``meta`` carries what the store knows about the
    record (``received_at``, ``approved_at`` as ISO timestamps, ``tenant``); a profile column
    that asks for a key missing here stops the export.

    Both mappings are copied and frozen, so a record cannot change while it is exported.
    """

    document_id: str
    form_id: str
    form_version: int
    values: Mapping[str, FieldValue]
    meta: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    @property
    def form_key(self) -> str:
        """``id@version``, as records are stamped."""
        return f"{self.form_id}@{self.form_version}"
