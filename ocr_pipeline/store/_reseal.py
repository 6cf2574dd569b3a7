"""Sealing stored values again: the clear 個人番号 of a database from before sealing
(migration 0003), and every sealed value with the newest key (key rotation).

Works on a connection with the tables written out (not the models), so that the migration
keeps working when the models change. Audit events are append-only: their triggers are set
aside for this one transaction, which changes how values are stored, never what they say.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from form_schemas.sensitivity import SENSITIVE_TYPES

from . import _sealed
from .db import Database
from .keys import Keyring, key_id, write_key_file

_BATCH = 500
_JSON = sa.JSON(none_as_null=True)


@dataclass(frozen=True)
class _Table:
    name: str
    prefix: str  # of the sealing context's column name
    json_columns: tuple[str, ...]
    text_columns: tuple[str, ...]
    free_text: str | None = None  # a person's words: sealed when they hold 12 digits
    document_column: str = "document_id"
    has_field: bool = True

    def table(self) -> sa.TableClause:
        cols: list[sa.ColumnClause[Any]] = [sa.column("id", sa.BigInteger)]
        cols.append(sa.column("tenant_id", sa.String))
        if self.document_column != "id":
            cols.append(sa.column(self.document_column, sa.BigInteger))
        if self.has_field:
            cols.append(sa.column("field_id", sa.String))
        cols += [sa.column(c, _JSON) for c in self.json_columns]
        cols += [sa.column(c, sa.Text) for c in self.text_columns]
        if self.name == "fields":
            cols.append(sa.column("type", sa.String))
        return sa.table(self.name, *cols)


TABLES = (
    _Table("fields", "field", ("value", "ocr_value"), ("raw",)),
    _Table("field_entries", "entry", ("value",), ()),
    _Table("audit_events", "audit", ("old", "new"), ("detail",), free_text="detail"),
    _Table(
        "documents",
        "document",
        (),
        ("return_reason",),
        free_text="return_reason",
        document_column="id",
        has_field=False,
    ),
)
_TABLE = {spec.name: spec.table() for spec in TABLES}
_FIELDS = _TABLE["fields"]
_Decide = Callable[[sa.Row[Any]], bool]


@dataclass(frozen=True)
class RotationReport:
    """What a key rotation did: values sealed again, the key now sealing, keys retired."""

    resealed: int
    key_id: str
    retired: tuple[str, ...]
    key_file: str | None


def _of_sensitive_field(spec: _Table, t: sa.TableClause) -> sa.ColumnElement[bool]:
    types = sorted(SENSITIVE_TYPES)
    if spec.name == "fields":
        return t.c.type.in_(types)
    if not spec.has_field:
        return sa.false()
    return sa.exists().where(
        _FIELDS.c.tenant_id == t.c.tenant_id,
        _FIELDS.c.document_id == t.c[spec.document_column],
        _FIELDS.c.field_id == t.c.field_id,
        _FIELDS.c.type.in_(types),
    )


def _looks_sealed(spec: _Table, t: sa.TableClause) -> sa.ColumnElement[bool]:
    start = '{"' + _sealed.JSON_KEY + '"%'
    # NULL is "not sealed" (never unknown, which NOT would keep unknown).
    tests = [sa.func.coalesce(sa.cast(t.c[c], sa.Text), "").like(start) for c in spec.json_columns]
    tests += [
        sa.func.coalesce(t.c[c], "").like(_sealed.TEXT_PREFIX + "%") for c in spec.text_columns
    ]
    return sa.or_(*tests)


def _columns(spec: _Table, t: sa.TableClause) -> list[sa.ColumnElement[Any]]:
    cols: list[sa.ColumnElement[Any]] = [t.c.id, t.c.tenant_id]
    cols.append(t.c[spec.document_column].label("document_id"))
    cols.append(t.c.field_id if spec.has_field else sa.null().label("field_id"))
    return cols + [t.c[c] for c in (*spec.json_columns, *spec.text_columns)]


def _new_values(
    row: sa.Row[Any], spec: _Table, keys: Keyring, sensitive: bool, current: str
) -> dict[str, object]:
    """The columns of ``row`` to write: clear sensitive values sealed, values sealed with an
    older key sealed with ``current``."""
    seal = _sealed.Sealer(keys, str(row.tenant_id))
    doc, fid = row.document_id, row.field_id
    out: dict[str, object] = {}
    for c in spec.json_columns:
        stored = row._mapping[c]
        token = _sealed.token_of(stored) if _sealed.is_sealed_json(stored) else None
        if token is None and sensitive and stored is not None:
            out[c] = seal.seal_json(stored, doc, fid, f"{spec.prefix}.{c}")
        elif token is not None and Keyring.token_key_id(token) != current:
            clear = seal.open_json(stored, doc, fid, f"{spec.prefix}.{c}")
            out[c] = seal.seal_json(clear, doc, fid, f"{spec.prefix}.{c}")
    for c in spec.text_columns:
        stored = row._mapping[c]
        token = _sealed.token_of(stored) if _sealed.is_sealed_text(stored) else None
        wanted = sensitive and (c != spec.free_text or bool(stored))
        if token is None and wanted and stored is not None:
            out[c] = seal.seal_text(str(stored), doc, fid, f"{spec.prefix}.{c}")
        elif token is not None and Keyring.token_key_id(token) != current:
            clear = seal.open_text(str(stored), doc, fid, f"{spec.prefix}.{c}")
            out[c] = seal.seal_text(clear, doc, fid, f"{spec.prefix}.{c}")
    return out


def _walk(
    conn: Connection, spec: _Table, where: sa.ColumnElement[bool], keys: Keyring, decide: _Decide
) -> int:
    """Rewrite the rows of ``spec`` that ``where`` selects, in batches; ``decide(row)``: its
    clear values are to be sealed."""
    t = _TABLE[spec.name]
    changed, last, current = 0, -1, ""
    while True:
        rows = conn.execute(
            sa.select(*_columns(spec, t)).where(where, t.c.id > last).order_by(t.c.id).limit(_BATCH)
        ).all()
        if not rows:
            return changed
        for row in rows:
            sensitive = decide(row)
            if not sensitive and not any(
                _sealed.token_of(row._mapping[c]) for c in (*spec.json_columns, *spec.text_columns)
            ):
                continue  # nothing to seal, nothing sealed
            current = current or keys.current_id
            values = _new_values(row, spec, keys, sensitive, current)
            if values:
                conn.execute(sa.update(t).where(t.c.id == row.id).values(**values))
                changed += 1
        last = rows[-1].id


def _always(row: sa.Row[Any]) -> bool:
    return True


def _never(row: sa.Row[Any]) -> bool:
    return False


def _mentions(spec: _Table) -> _Decide:
    column = spec.free_text or ""
    return lambda row: _sealed.mentions_my_number(row._mapping[column])


@contextmanager
def _audit_writable(conn: Connection) -> Iterator[None]:
    """The append-only triggers of ``audit_events`` set aside inside this transaction."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
        yield
        conn.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change")
        return
    triggers = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"
    ).all()
    for name, _ in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    for _, sql in triggers:
        conn.exec_driver_sql(sql)


def seal_clear(conn: Connection, keys: Keyring | None) -> int:
    """Seal what is stored in clear and should not be: values of sensitive fields, and a
    person's words that hold 12 digits with their events; return how many rows changed.
    ``keys`` is read only when something is to be sealed."""
    ring = keys or Keyring(None)
    changed = 0
    with _audit_writable(conn):
        for spec in TABLES:
            t = _TABLE[spec.name]
            clear = sa.not_(_looks_sealed(spec, t))
            sensitive = _of_sensitive_field(spec, t)
            if spec.has_field:
                changed += _walk(conn, spec, sa.and_(sensitive, clear), ring, _always)
            if spec.free_text is not None:
                words = sa.func.coalesce(t.c[spec.free_text], "") != ""
                where = sa.and_(words, sa.not_(sensitive), clear)
                changed += _walk(conn, spec, where, ring, _mentions(spec))
    return changed


def unseal_all(conn: Connection, keys: Keyring | None) -> int:
    """Every sealed value back in clear (downgrading below migration 0003)."""
    ring = keys or Keyring(None)
    changed = 0
    with _audit_writable(conn):
        for spec in TABLES:
            t = _TABLE[spec.name]
            for row in conn.execute(sa.select(*_columns(spec, t)).where(_looks_sealed(spec, t))):
                seal = _sealed.Sealer(ring, str(row.tenant_id))
                doc, fid = row.document_id, row.field_id
                values: dict[str, object] = {}
                for c in spec.json_columns:
                    values[c] = seal.open_json(row._mapping[c], doc, fid, f"{spec.prefix}.{c}")
                for c in spec.text_columns:
                    values[c] = seal.open_text(row._mapping[c], doc, fid, f"{spec.prefix}.{c}")
                conn.execute(sa.update(t).where(t.c.id == row.id).values(**values))
                changed += 1
    return changed


def reseal_old(conn: Connection, keys: Keyring) -> int:
    """Seal again with the newest key every value sealed with another one."""
    with _audit_writable(conn):
        return sum(
            _walk(conn, spec, _looks_sealed(spec, _TABLE[spec.name]), keys, _never)
            for spec in TABLES
        )


def sealed_by_key(db: Database) -> dict[str, int]:
    """How many values each key id has sealed (what a rotation has still to do)."""
    counts: dict[str, int] = {}
    with db.read() as s:
        conn = s.connection()
        for spec in TABLES:
            t = _TABLE[spec.name]
            cols = [t.c[c] for c in (*spec.json_columns, *spec.text_columns)]
            for row in conn.execute(sa.select(*cols).where(_looks_sealed(spec, t))):
                for stored in row:
                    token = _sealed.token_of(stored)
                    kid = Keyring.token_key_id(token) if token else None
                    if kid:
                        counts[kid] = counts.get(kid, 0) + 1
    return counts


def rotate(db: Database, keys: Keyring) -> RotationReport:
    """Key rotation. With the key file: a new key is put first (an unfinished rotation is
    resumed with the key it put there), every value is sealed again with it, and the older
    keys are then removed from the file. With keys from the environment, they are used as
    given (the first seals) and the operator removes the old ones afterwards."""
    keys.check(set(sealed_by_key(db)))  # before anything changes
    old = keys.keys()
    if keys.from_file and keys.path is not None and len(old) == 1:
        new = Keyring.fresh()
        write_key_file(keys.path, [new, *old])
        keys.forget()
    all_keys = keys.keys()
    current = key_id(all_keys[0])
    count, n = 0, 1
    for _ in range(3):  # once, and again for values a running service sealed meanwhile
        with db.write() as s:
            conn = s.connection()
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(
                    "LOCK TABLE fields, field_entries, audit_events, documents IN SHARE MODE"
                )
            n = seal_clear(conn, keys) + reseal_old(conn, keys)
        count += n
        if n == 0:
            break
    retired = tuple(key_id(k) for k in all_keys[1:]) if n == 0 else ()
    if n == 0 and keys.from_file and keys.path is not None:
        write_key_file(keys.path, [all_keys[0]])
        keys.forget()
    return RotationReport(
        count, current, retired, str(keys.path) if keys.from_file and keys.path else None
    )
