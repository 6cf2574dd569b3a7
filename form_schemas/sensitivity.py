"""Which fields hold data to keep out of sight (a 個人番号, or a field the form marks
``sensitive: true``): masked on screen and in command output unless a person asks to see it,
and (by type: the 個人番号) sealed at rest by the store. One way to mask such a value."""

from __future__ import annotations

from .spec import FieldSpec, FieldType

MASK = "●"
SENSITIVE_TYPES = frozenset({FieldType.MYNUMBER.value})
"""Field types whose values are always sensitive, whatever the form says."""


def is_sensitive_type(field_type: str) -> bool:
    """Whether every field of this type (by its value, e.g. ``"mynumber"``) is sensitive."""
    return field_type in SENSITIVE_TYPES


def is_sensitive(field: FieldSpec) -> bool:
    """True for a 個人番号 field and for any field whose spec says ``sensitive: true``."""
    return is_sensitive_type(field.type.value) or field.sensitive


def mask(text: str) -> str:
    """Every character but spaces and hyphens replaced by ``●`` (the length kept)."""
    return "".join(c if c in " -\u3000" else MASK for c in text)
