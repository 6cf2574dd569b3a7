"""Keeping 個人番号 (and every field a form marks ``sensitive: true``) out of command output.

``formocr process`` prints what it read; a terminal, a scrollback buffer or a redirected file
is no place for a resident's 個人番号. Such fields come out masked (each character but spaces
and hyphens as ``●``, the length kept), with their raw reading masked and the details of their
reasons withheld (a detail can quote a box's digit). The reason codes, confidences and boxes
stay: they say why a person must look, not what is written. ``--show-sensitive`` prints them
as read, and says so on the log.
"""

from __future__ import annotations

import dataclasses

from form_schemas.reasons import Reason
from form_schemas.registry import FormRegistry
from form_schemas.sensitivity import is_sensitive, mask

from ..results import FieldResult, PageResult

HIDDEN_DETAIL = "withheld: sensitive field (--show-sensitive shows it)"


def sensitive_fields(registry: FormRegistry, form_id: str | None) -> frozenset[str]:
    """Ids of the sensitive fields of ``form_id`` (table cells included); none for a page of
    no known form."""
    if form_id is None or form_id not in registry:
        return frozenset()
    return frozenset(f.id for f in registry.get(form_id).fields if is_sensitive(f))


def _masked_field(f: FieldResult) -> FieldResult:
    return dataclasses.replace(
        f,
        value=None if f.value is None else mask(str(f.value)),
        raw=mask(f.raw),
        reasons=[Reason(r.code, HIDDEN_DETAIL if r.detail else "") for r in f.reasons],
    )


def masked_page(page: PageResult, registry: FormRegistry) -> PageResult:
    """``page`` with its sensitive fields masked (the page itself is left unchanged)."""
    hidden = sensitive_fields(registry, page.form)
    if not hidden.intersection(page.fields):
        return page
    fields = {k: _masked_field(f) if k in hidden else f for k, f in page.fields.items()}
    return dataclasses.replace(page, fields=fields)
