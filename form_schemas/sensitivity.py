"""Which fields hold data to keep out of sight (a 個人番号, or a field the form marks
``sensitive: true``): masked on screen and in command output unless a person asks to see it."""

from __future__ import annotations

from .spec import FieldSpec, FieldType


def is_sensitive(field: FieldSpec) -> bool:
    """True for a 個人番号 field and for any field whose spec says ``sensitive: true``."""
    return field.type is FieldType.MYNUMBER or field.sensitive
