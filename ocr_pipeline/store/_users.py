"""Users of the review UI: logins, roles, the tenants they work for, argon2id password hashes.

A login is unique in the installation (users are not tenant data). Clerks and reviewers work
for exactly one tenant, administrators for one or more. Passwords are never stored or logged:
only their argon2id hash (``argon2-cffi``; its parameters are in the hash, so stronger defaults
later re-hash a password at its next successful login). Repeated wrong passwords lock the login
for a while, and a login that does not exist takes as long to refuse as one that does.

Every change is an audit event in each of the user's tenants (``user_added``,
``password_changed``, ``user_disabled``, ``user_enabled``), so that a municipality's trail
shows who was allowed to work on its records, and since when.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import BadArgumentsError
from . import _convert as conv
from ._base import Clock
from .db import Database
from .errors import ConflictError, NotFoundError
from .models import AuditEventRow, TenantRow, UserRow, UserTenantRow
from .protocols import UserDirectory
from .states import Action, Role
from .views import User

log = logging.getLogger(__name__)

LOGIN = re.compile(r"[a-z][a-z0-9._-]{0,63}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_FAILED_LOGINS = 5
LOCK_SECONDS = 300.0


def check_login(login: str) -> str:
    return conv.check_pattern(
        LOGIN,
        login,
        f"invalid login {login!r}",
        "use 1-64 characters: lower-case letters, digits, '.', '_' and '-', starting with "
        "a letter (e.g. sato.hanako)",
    )


def check_password(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise BadArgumentsError(
            f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            "choose a longer password (a short sentence is easy to remember)",
        )
    return password


def check_tenants(role: Role, tenants: Sequence[str]) -> tuple[str, ...]:
    wanted = tuple(sorted({conv.check_tenant_id(t) for t in tenants}))
    if not wanted or (role is not Role.ADMINISTRATOR and len(wanted) != 1):
        need = "one or more tenants" if role is Role.ADMINISTRATOR else "exactly one tenant"
        raise BadArgumentsError(
            f"a {role.value} works for {need} (got {len(wanted)})",
            "give --tenant once (administrators may give it several times)",
        )
    return wanted


class UserStore(UserDirectory):
    """The users of one installation. Made by :attr:`Store.users`; thread-safe."""

    def __init__(self, db: Database, clock: Clock, hasher: PasswordHasher | None = None) -> None:
        self._db = db
        self._clock = clock
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    # --- reading ---------------------------------------------------------------------------

    def get(self, login: str) -> User:
        """The user; :class:`NotFoundError` when there is none with that login."""
        with self._db.read() as s:
            return self._view(s, self._row(s, login))

    def list(self, tenant: str | None = None) -> list[User]:
        """All users, or those working for ``tenant``, by login."""
        with self._db.read() as s:
            q = select(UserRow).order_by(UserRow.login)
            if tenant is not None:
                q = q.join(UserTenantRow, UserTenantRow.user_id == UserRow.id).where(
                    UserTenantRow.tenant_id == conv.check_tenant_id(tenant)
                )
            return [self._view(s, r) for r in s.scalars(q)]

    # --- changing --------------------------------------------------------------------------

    def add(
        self,
        login: str,
        *,
        password: str,
        role: Role | str,
        tenants: Sequence[str],
        actor: str,
        display_name: str = "",
    ) -> User:
        """Create a user. The tenants must exist (:class:`NotFoundError`); a login that is
        taken raises :class:`ConflictError`."""
        check_login(login)
        check_password(password)
        conv.check_actor(actor)
        try:
            role = Role(role)
        except ValueError:
            raise BadArgumentsError(
                f"unknown role {role!r}", f"use one of {', '.join(r.value for r in Role)}"
            ) from None
        wanted = check_tenants(role, tenants)
        hashed = self._hasher.hash(password)
        now = self._clock()
        try:
            with self._db.write() as s:
                for t in wanted:
                    if s.get(TenantRow, t) is None:
                        raise NotFoundError("tenant", t)
                if s.scalars(select(UserRow.id).where(UserRow.login == login)).first():
                    raise self._taken(login)
                row = UserRow(
                    login=login,
                    display_name=display_name.strip() or login,
                    password_hash=hashed,
                    role=role.value,
                    disabled=False,
                    failed_logins=0,
                    locked_until=None,
                    created_at=now,
                    updated_at=now,
                )
                s.add(row)
                s.flush()
                s.add_all(UserTenantRow(user_id=row.id, tenant_id=t) for t in wanted)
                new: dict[str, Any] = {"login": login, "role": role.value, "tenants": list(wanted)}
                new["name"] = row.display_name
                self._audit(s, wanted, Action.USER_ADDED, actor=actor, login=login, new=new)
                return User(login, row.display_name, role, wanted, False, now, now)
        except IntegrityError:  # another administrator took the login at the same moment
            raise self._taken(login) from None

    @staticmethod
    def _taken(login: str) -> ConflictError:
        return ConflictError(
            f"login {login!r} is taken", "choose another login, or change that user's password"
        )

    def set_password(self, login: str, password: str, *, actor: str) -> User:
        """Replace a user's password (and lift a lock from wrong passwords)."""
        check_password(password)
        conv.check_actor(actor)
        hashed = self._hasher.hash(password)
        with self._db.write() as s:
            row = self._row(s, login, lock=True)
            row.password_hash, row.failed_logins, row.locked_until = hashed, 0, None
            row.updated_at = self._clock()
            user = self._view(s, row)
            self._audit(s, user.tenants, Action.PASSWORD_CHANGED, actor=actor, login=login, new={})
            return user

    def set_disabled(self, login: str, disabled: bool, *, actor: str) -> User:
        """Disable a user (who can no longer log in; their past work stays theirs) or enable
        them again. Setting the state a user already has changes nothing."""
        conv.check_actor(actor)
        with self._db.write() as s:
            row = self._row(s, login, lock=True)
            if row.disabled != disabled:
                row.disabled, row.updated_at = disabled, self._clock()
                action = Action.USER_DISABLED if disabled else Action.USER_ENABLED
                user = self._view(s, row)
                self._audit(
                    s, user.tenants, action, actor=actor, login=login, new={"disabled": disabled}
                )
            return self._view(s, row)

    def authenticate(self, login: str, password: str) -> User | None:
        """The user if ``password`` is theirs and they may log in; ``None`` otherwise, without
        saying why (unknown login, wrong password, disabled, locked). After
        :data:`MAX_FAILED_LOGINS` wrong passwords in a row the login is locked for
        :data:`LOCK_SECONDS`."""
        login = login.strip().lower() if isinstance(login, str) else ""
        if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD:
            return None
        with self._db.write() as s:
            row = s.scalars(select(UserRow).where(UserRow.login == login).with_for_update()).first()
            if row is None:
                self._verify(self._dummy_hash(), password)  # as slow as a real refusal
                return None
            now = self._clock()
            if row.locked_until is not None and row.locked_until > now:
                log.warning("login %s refused: locked until %s", login, row.locked_until)
                return None
            if not self._verify(row.password_hash, password):
                self._failed(row, now)
                return None
            row.failed_logins, row.locked_until = 0, None
            if row.disabled:
                log.warning("login %s refused: the user is disabled", login)
                return None
            if self._hasher.check_needs_rehash(row.password_hash):
                row.password_hash = self._hasher.hash(password)
            return self._view(s, row)

    # --- helpers ---------------------------------------------------------------------------

    def _failed(self, row: UserRow, now: datetime) -> None:
        row.failed_logins += 1
        if row.failed_logins >= MAX_FAILED_LOGINS:
            row.failed_logins = 0
            row.locked_until = now + timedelta(seconds=LOCK_SECONDS)
            log.warning("login %s locked for %d s after wrong passwords", row.login, LOCK_SECONDS)

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(hashed, password))
        except (VerificationError, InvalidHashError):
            return False

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self._hasher.hash("formocr: no such user")
        return self._dummy

    def _row(self, s: Session, login: str, lock: bool = False) -> UserRow:
        q = select(UserRow).where(UserRow.login == login)
        row = s.scalars(q.with_for_update() if lock else q).first()
        if row is None:
            raise NotFoundError("user", login)
        return row

    def _view(self, s: Session, row: UserRow) -> User:
        tenants = s.scalars(
            select(UserTenantRow.tenant_id)
            .where(UserTenantRow.user_id == row.id)
            .order_by(UserTenantRow.tenant_id)
        )
        return User(
            login=row.login,
            display_name=row.display_name,
            role=Role(row.role),
            tenants=tuple(tenants),
            disabled=row.disabled,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def _audit(
        self,
        s: Session,
        tenants: Iterable[str],
        action: Action,
        *,
        actor: str,
        login: str,
        new: dict[str, Any],
    ) -> None:
        now = self._clock()
        s.add_all(
            AuditEventRow(
                tenant_id=t,
                at=now,
                actor=actor,
                action=action.value,
                old=None,
                new=new,
                detail=f"user {login}",
            )
            for t in tenants
        )
