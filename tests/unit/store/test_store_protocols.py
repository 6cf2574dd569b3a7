"""Each caller's protocol is a part of the store: every member of it is on the class that
implements it, with the same parameters (names, kinds, defaults). mypy checks the types (the
classes subclass their protocols); this checks what a protocol offers is what runs."""

from __future__ import annotations

import inspect

import pytest

from ocr_pipeline.store import (
    DocumentReader,
    ExportStore,
    RetentionStore,
    ReviewStore,
    TenantStore,
    TrainingSettings,
    TrainingStore,
    UserDirectory,
    UserStore,
    WorkQueueStore,
)

CASES = [
    (DocumentReader, TenantStore),
    (WorkQueueStore, TenantStore),
    (ReviewStore, TenantStore),
    (ExportStore, TenantStore),
    (TrainingSettings, TenantStore),
    (TrainingStore, TenantStore),
    (RetentionStore, TenantStore),
    (UserDirectory, UserStore),
]


def _parameters(member: object) -> list[tuple[str, object, object]]:
    assert callable(member)
    return [(p.name, p.kind, p.default) for p in inspect.signature(member).parameters.values()]


@pytest.mark.parametrize(("protocol", "cls"), CASES, ids=lambda c: c.__name__)
def test_class_offers_every_member_of_its_protocol(protocol: type, cls: type) -> None:
    members = [n for n in dir(protocol) if not n.startswith("_")]
    assert members
    assert protocol in cls.__mro__
    for name in members:
        ours, theirs = getattr(protocol, name), getattr(cls, name)
        if isinstance(ours, property):
            assert isinstance(theirs, property), name
            continue
        assert _parameters(ours) == _parameters(theirs), name


def test_the_protocols_cover_the_whole_tenant_store() -> None:
    """No public method of the store is outside every caller's protocol (or it is dead)."""
    public = {n for n in dir(TenantStore) if not n.startswith("_")}
    parts = [p for p, cls in CASES if cls is TenantStore]
    offered = set().union(*({n for n in dir(p) if not n.startswith("_")} for p in parts))
    assert public == offered
