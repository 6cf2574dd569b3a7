"""The database layer: migrations from an empty database, models in step with migrations,
SQLite settings, the default URL, and failures reported as StoreUnavailableError."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from ocr_pipeline.settings import Settings
from ocr_pipeline.store import Store, StoreUnavailableError, database_url, upgrade
from ocr_pipeline.store.db import alembic_config, current_revision, head_revision, make_engine
from ocr_pipeline.store.models import Base


def test_upgrade_from_empty_makes_every_table(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_models_and_migrations_agree(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        engine.dispose()


def test_upgrade_twice_changes_nothing_and_downgrade_goes_back(migrated_url: str) -> None:
    upgrade(migrated_url)
    engine = make_engine(migrated_url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(migrated_url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    upgrade(migrated_url)


def _start_together(url: str, services: int) -> list[BaseException]:
    errors: list[BaseException] = []
    go = threading.Barrier(services)

    def run() -> None:
        try:
            go.wait()
            upgrade(url)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(services)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_services_starting_together_migrate_once(db_url: str, tmp_path: Path) -> None:
    """Several services upgrading a new store at the same moment: one migrates, the others
    wait. On SQLite this once failed about 1 run in 40 ("database is locked" from switching
    the new file to WAL), so it is tried on 15 new files, 6 services each."""
    urls = [db_url]
    if db_url.startswith("sqlite"):
        urls += [f"sqlite:///{tmp_path / f'new-{i}.db'}" for i in range(14)]
    for url in urls:
        assert _start_together(url, 6) == []
        engine = make_engine(url)
        try:
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()


def test_open_refuses_a_database_without_schema(db_url: str, tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError) as info:
        Store.open(db_url, tmp_path / "images")
    assert "formocr db upgrade" in str(info.value)
    with Store.open(db_url, tmp_path / "images", migrate=True) as store:
        assert store.tenants() == []


def test_unreachable_server_is_unavailable_and_hides_the_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://formocr:s3cret@127.0.0.1:1/formocr"
    with pytest.raises(StoreUnavailableError) as info:
        Store.open(url, tmp_path)
    assert "s3cret" not in str(info.value)
    assert "127.0.0.1:1" in str(info.value)
    assert "What to do" in str(info.value)


def test_a_bad_url_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError, match="not a database URL"):
        Store.open("not a url", tmp_path)


def test_sqlite_runs_in_wal_with_foreign_keys_and_full_sync(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'formocr.db'}"
    upgrade(url)  # makes the folder
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 2,
        "busy_timeout": 30000,
    }


def test_default_database_is_sqlite_in_data_dir(settings: Settings) -> None:
    assert database_url(settings) == f"sqlite:///{(settings.data_dir / 'formocr.db').resolve()}"
    with Store.from_settings(settings, migrate=True) as store:
        assert store.url.startswith("sqlite:///")
    assert (settings.data_dir / "formocr.db").is_file()
    other = settings.model_copy(update={"database_url": "postgresql+psycopg://u:p@h/db"})
    assert database_url(other) == "postgresql+psycopg://u:p@h/db"


def test_database_url_comes_from_the_environment(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ocr_pipeline.settings import load_settings

    monkeypatch.setenv("FORMOCR_DATABASE_URL", "postgresql+psycopg://u:p@db.example/formocr")
    assert load_settings().database_url == "postgresql+psycopg://u:p@db.example/formocr"
