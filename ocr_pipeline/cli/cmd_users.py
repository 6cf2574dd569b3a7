"""``formocr users add|passwd|disable|enable|list``: the users of the review UI.

Passwords are read from the terminal (asked twice) or, with ``--password-stdin``, from the
first line of standard input (for scripts); they never appear on the command line.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ..errors import BadArgumentsError
from ..store import Role, Store, User
from .common import add_settings_args, print_json, settings_from
from .tables import table


def register(sub: Any) -> None:
    p = sub.add_parser("users", help="the users of the review UI (roles, municipalities)")
    us = p.add_subparsers(dest="users_command", required=True)
    add = us.add_parser("add", help="add a user")
    add.add_argument("login", help="login: lower-case letters, digits, '.', '_', '-'")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument(
        "--tenant",
        action="append",
        required=True,
        help="the municipality (tenant id) the user works for; administrators may repeat it",
    )
    add.add_argument("--name", default="", help="display name (default: the login)")
    _password_args(add)
    add.set_defaults(func=run_add)
    pw = us.add_parser("passwd", help="set a new password (also lifts a lock)")
    pw.add_argument("login")
    _password_args(pw)
    pw.set_defaults(func=run_passwd)
    for name, func, text in (
        ("disable", run_disable, "stop a user from logging in"),
        ("enable", run_enable, "let a disabled user log in again"),
    ):
        d = us.add_parser(name, help=text)
        d.add_argument("login")
        add_settings_args(d, engine=False)
        d.set_defaults(func=func)
    ls = us.add_parser("list", help="the users, with role and municipalities")
    ls.add_argument("--tenant", help="only the users of this municipality")
    ls.add_argument("--json", action="store_true")
    add_settings_args(ls, engine=False)
    ls.set_defaults(func=run_list)


def _password_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    p.add_argument("--actor", help="who makes the change (default: cli:<login name>)")
    add_settings_args(p, engine=False)


def _actor(args: argparse.Namespace) -> str:
    return str(getattr(args, "actor", None) or f"cli:{getpass.getuser()}")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise BadArgumentsError(
            "no terminal to ask for the password", "pass it on standard input with --password-stdin"
        )
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise BadArgumentsError("the two passwords differ", "type the same password twice")
    return first


def _store(args: argparse.Namespace) -> Store:
    settings, _ = settings_from(args)
    return Store.from_settings(settings, migrate=True)


def _describe(user: User) -> dict[str, Any]:
    return {
        "login": user.login,
        "name": user.display_name,
        "role": user.role.value,
        "tenants": list(user.tenants),
        "disabled": user.disabled,
        "created_at": user.created_at.isoformat(),
        "updated_at": user.updated_at.isoformat(),
    }


def run_add(args: argparse.Namespace) -> int:
    password = _password(args)
    with _store(args) as store:
        known = set(store.tenants())
        for tenant in args.tenant:
            if tenant not in known:
                store.for_tenant(tenant).ensure_tenant()
                sys.stderr.write(f"formocr: municipality {tenant} created\n")
        user = store.users.add(
            args.login,
            password=password,
            role=args.role,
            tenants=args.tenant,
            actor=_actor(args),
            display_name=args.name,
        )
    sys.stderr.write(f"user {user.login} ({user.role.value}, {', '.join(user.tenants)}) added\n")
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    password = _password(args)
    with _store(args) as store:
        store.users.set_password(args.login, password, actor=_actor(args))
    sys.stderr.write(f"password of {args.login} changed\n")
    return 0


def _set_disabled(args: argparse.Namespace, disabled: bool) -> int:
    with _store(args) as store:
        user = store.users.set_disabled(args.login, disabled, actor=_actor(args))
    sys.stderr.write(f"user {user.login} is {'disabled' if user.disabled else 'enabled'}\n")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    return _set_disabled(args, True)


def run_enable(args: argparse.Namespace) -> int:
    return _set_disabled(args, False)


def run_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        users = store.users.list(args.tenant)
    if args.json:
        for u in users:
            print_json(_describe(u))
        return 0
    rows = [
        [
            u.login,
            u.display_name,
            u.role.value,
            ",".join(u.tenants),
            "disabled" if u.disabled else "",
        ]
        for u in users
    ]
    sys.stdout.write(table(["login", "name", "role", "tenants", "state"], rows) + "\n")
    return 0
