"""Users of the review UI: roles and tenants, argon2id hashes (never the password), refusals
that do not say why, a lock after repeated wrong passwords, and an audit event in each of
the user's tenants for every change."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import select

from ocr_pipeline.errors import BadArgumentsError
from ocr_pipeline.store import (
    Action,
    ConflictError,
    NotFoundError,
    Role,
    Store,
    TenantStore,
    UserStore,
)
from ocr_pipeline.store._convert import event
from ocr_pipeline.store._sealed import Sealer
from ocr_pipeline.store._users import LOCK_SECONDS, MAX_FAILED_LOGINS
from ocr_pipeline.store.models import AuditEventRow, UserRow

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
PASSWORD = "correct horse battery"


@pytest.fixture
def users(store: Store, clock: Any, town_a: TenantStore, town_b: TenantStore) -> UserStore:
    """The users of the store, hashing with the cheapest argon2 parameters (fast tests)."""
    return UserStore(store._db, clock, CHEAP)


def test_a_user_is_added_with_a_role_and_tenants(users: UserStore, town_a: TenantStore) -> None:
    sato = users.add(
        "sato", password=PASSWORD, role="reviewer", tenants=["town-a"], actor="cli:root"
    )
    assert (sato.login, sato.role, sato.tenants, sato.disabled) == (
        "sato",
        Role.REVIEWER,
        ("town-a",),
        False,
    )
    assert sato.display_name == "sato" and sato.actor == "user:sato"
    boss = users.add(
        "boss",
        password=PASSWORD,
        role=Role.ADMINISTRATOR,
        tenants=["town-b", "town-a"],
        actor="cli:root",
        display_name="課長 一郎",
    )
    assert boss.tenants == ("town-a", "town-b") and boss.display_name == "課長 一郎"
    assert users.get("sato") == sato
    assert [u.login for u in users.list()] == ["boss", "sato"]
    assert [u.login for u in users.list("town-b")] == ["boss"]


def test_what_a_user_record_refuses(users: UserStore) -> None:
    add = {"password": PASSWORD, "actor": "cli:root"}
    with pytest.raises(BadArgumentsError, match="exactly one tenant"):
        users.add("clerk", role="clerk", tenants=["town-a", "town-b"], **add)
    with pytest.raises(BadArgumentsError, match="one or more"):
        users.add("admin", role="administrator", tenants=[], **add)
    with pytest.raises(BadArgumentsError, match="unknown role"):
        users.add("x", role="mayor", tenants=["town-a"], **add)
    with pytest.raises(BadArgumentsError, match="invalid login"):
        users.add("Sato San", role="clerk", tenants=["town-a"], **add)
    with pytest.raises(BadArgumentsError, match="8 to"):
        users.add("sato", role="clerk", tenants=["town-a"], password="short", actor="x")
    with pytest.raises(NotFoundError, match="tenant"):
        users.add("sato", role="clerk", tenants=["town-z"], **add)
    users.add("sato", role="clerk", tenants=["town-a"], **add)
    with pytest.raises(ConflictError, match="taken"):
        users.add("sato", role="reviewer", tenants=["town-b"], **add)
    with pytest.raises(NotFoundError):
        users.get("nobody")


def test_only_an_argon2id_hash_is_stored(users: UserStore, store: Store) -> None:
    users.add("sato", password=PASSWORD, role="clerk", tenants=["town-a"], actor="cli:root")
    with store._db.read() as s:
        row = s.scalars(select(UserRow)).one()
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash


def test_authentication_refuses_without_saying_why(users: UserStore) -> None:
    users.add("sato", password=PASSWORD, role="clerk", tenants=["town-a"], actor="cli:root")
    assert users.authenticate("sato", PASSWORD) == users.get("sato")
    assert users.authenticate(" Sato ", PASSWORD) is not None  # as people type it
    assert users.authenticate("sato", PASSWORD + "!") is None
    assert users.authenticate("nobody", PASSWORD) is None
    assert users.authenticate("sato", "") is None
    users.set_disabled("sato", True, actor="cli:root")
    assert users.authenticate("sato", PASSWORD) is None
    users.set_disabled("sato", False, actor="cli:root")
    assert users.authenticate("sato", PASSWORD) is not None


def test_wrong_passwords_lock_the_login_for_a_while(users: UserStore, clock: Any) -> None:
    users.add("sato", password=PASSWORD, role="clerk", tenants=["town-a"], actor="cli:root")
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert users.authenticate("sato", "guess-guess") is None
    assert users.authenticate("sato", PASSWORD) is not None  # a success resets the count
    for _ in range(MAX_FAILED_LOGINS):
        assert users.authenticate("sato", "guess-guess") is None
    assert users.authenticate("sato", PASSWORD) is None  # locked
    clock.advance(LOCK_SECONDS + 1)
    assert users.authenticate("sato", PASSWORD) is not None
    for _ in range(MAX_FAILED_LOGINS):
        users.authenticate("sato", "guess-guess")
    users.set_password("sato", "a new long password", actor="cli:root")  # lifts the lock
    assert users.authenticate("sato", "a new long password") is not None
    assert users.authenticate("sato", PASSWORD) is None


def test_a_hash_with_old_parameters_is_renewed_at_login(
    users: UserStore, store: Store, clock: Any
) -> None:
    users.add("sato", password=PASSWORD, role="clerk", tenants=["town-a"], actor="cli:root")
    stronger = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    assert UserStore(store._db, clock, stronger).authenticate("sato", PASSWORD) is not None
    with store._db.read() as s:
        row = s.scalars(select(UserRow)).one()
    assert not stronger.check_needs_rehash(row.password_hash)
    assert users.authenticate("sato", PASSWORD) is not None  # old parameters still verify


def test_every_change_is_audited_in_each_tenant_of_the_user(
    users: UserStore, town_a: TenantStore, town_b: TenantStore, store: Store
) -> None:
    users.add(
        "boss", password=PASSWORD, role="administrator", tenants=["town-a", "town-b"], actor="root"
    )
    users.set_password("boss", "another long one", actor="root")
    users.set_disabled("boss", True, actor="root")
    users.set_disabled("boss", True, actor="root")  # no change, no event
    users.set_disabled("boss", False, actor="root")
    with store._db.read() as s:
        events = [
            event(r, Sealer(store.keys, r.tenant_id))
            for r in s.scalars(select(AuditEventRow).order_by(AuditEventRow.id))
        ]
        tenants = list(s.scalars(select(AuditEventRow.tenant_id).order_by(AuditEventRow.id)))
    actions = [e.action for e in events]
    assert actions == [
        a
        for a in (
            Action.USER_ADDED,
            Action.PASSWORD_CHANGED,
            Action.USER_DISABLED,
            Action.USER_ENABLED,
        )
        for _ in range(2)
    ]
    assert tenants == ["town-a", "town-b"] * 4
    assert all(e.actor == "root" and e.detail == "user boss" for e in events)
    assert "another long one" not in repr(events) and PASSWORD not in repr(events)


def test_the_store_hands_out_its_users(store: Store, town_a: TenantStore) -> None:
    assert isinstance(store.users, UserStore)
    assert store.users.list() == []
