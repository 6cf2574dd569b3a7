"""Settings: defaults < config file < environment (``FORMOCR_*``) < command-line flags.

The config file is TOML: ``$FORMOCR_CONFIG`` if set, else ``./formocr.toml`` if present.
``formocr config`` prints the effective values and where each came from.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from .errors import ConfigInvalidError

CONFIG_ENV = "FORMOCR_CONFIG"
DEFAULT_CONFIG_FILE = Path("formocr.toml")


def config_file() -> Path | None:
    """The TOML file settings are read from, if any."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


class Settings(BaseSettings):
    """Everything a run can be configured with. Field docs are printed by ``formocr config``."""

    model_config = SettingsConfigDict(env_prefix="FORMOCR_", extra="forbid", frozen=True)

    engine: str = Field("paddleocr", description="OCR backend (formocr.engines entry point)")
    threads: int = Field(2, ge=1, le=64, description="onnxruntime intra-op threads per engine")
    rec_batch_size: int = Field(16, ge=1, le=128, description="crops per recognizer batch")
    forms_dir: list[Path] = Field(
        default_factory=list,
        description="extra form folders (os.pathsep-separated in the environment)",
    )
    data_dir: Path = Field(Path("data"), description="runtime data (model links, work files)")
    model_dir: Path | None = Field(
        None, description="folder with model files replacing the ones in the installed wheels"
    )
    calibration: Path | None = Field(
        None, description="confidence thresholds file (default: the one shipped in the package)"
    )
    second_reader: bool = Field(
        True,
        description="read digits and kana a second time with a per-character classifier; "
        "a field whose two readings differ goes to review (readers_disagree)",
    )
    reader_agreement: bool = Field(
        True,
        description="with a municipality's own second reader model, a digit or kana field "
        "both readers read alike in every character may pass a little under its threshold "
        "(readers_agree; limits chosen on development writers)",
    )
    dpi: int = Field(200, ge=100, le=600, description="resolution PDF pages are rendered at")
    max_pages: int = Field(
        1000, ge=1, description="pages a file may have; a longer file is refused whole"
    )
    database_url: str | None = Field(
        None,
        description="store database URL, e.g. postgresql+psycopg://user:pw@host/db "
        "(default: SQLite file formocr.db in data_dir)",
    )
    profiles_dir: list[Path] = Field(
        default_factory=list,
        description="extra export profile folders (os.pathsep-separated in the environment)",
    )
    export_dir: Path | None = Field(
        None, description="folder export files are written to (default: exports in data_dir)"
    )
    inbox_dir: Path | None = Field(
        None,
        description="watched folder: scans dropped into INBOX/<tenant>/ or "
        "INBOX/<tenant>/<form_id>/ (default: runtime/inbox in data_dir)",
    )
    quarantine_dir: Path | None = Field(
        None,
        description="where the watcher puts files it cannot process, each with "
        "<name>.error.json, in QUARANTINE/<tenant>/ (default: runtime/quarantine in data_dir)",
    )
    archive_dir: Path | None = Field(
        None,
        description="where the watcher keeps every file it took, by tenant and SHA-256 "
        "(default: runtime/archive in data_dir)",
    )
    workers: int = Field(
        2, ge=1, le=32, description="worker processes of formocr watch, each with its own engine"
    )
    settle_seconds: float = Field(
        5.0,
        ge=0.0,
        le=3600.0,
        description="the watcher takes a file once its size and time have not changed for "
        "this long",
    )
    rescan_seconds: float = Field(
        30.0,
        ge=0.1,
        le=86400.0,
        description="full rescan of the inbox, besides file-system events (a safety net, "
        "e.g. for network shares)",
    )
    lease_seconds: float = Field(
        120.0,
        ge=5.0,
        le=86400.0,
        description="how long a worker holds a file before another may take it over "
        "(renewed while it works)",
    )
    max_crashes: int = Field(
        3,
        ge=1,
        le=1000,
        description="a file whose worker process died this many times while reading it is "
        "quarantined",
    )

    task_backend: Literal["local", "celery"] = Field(
        "local",
        description="who reads the files formocr watch takes: local (its own worker "
        "processes) or celery (formocr worker processes on any machine, through broker_url)",
    )
    broker_url: str = Field(
        "redis://127.0.0.1:6379/0",
        description="the Celery broker of task_backend = celery (Redis), e.g. redis://host:6379/0",
    )
    intake_split: Literal["store", "tenant"] = Field(
        "store",
        description="with task_backend = celery on PostgreSQL, how running intakes (formocr "
        "watch) divide the work: store (one takes every municipality's files, the others stand "
        "by) or tenant (each takes a share of the municipalities; a dead one's share is taken "
        "over)",
    )

    @field_validator("forms_dir", "profiles_dir", mode="before")
    @classmethod
    def _split_paths(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [p for p in v.split(os.pathsep) if p]
        return v

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def model_cache_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def exports_path(self) -> Path:
        return self.export_dir or self.data_dir / "exports"

    @property
    def drawn_forms_path(self) -> Path:
        """Where the review UI's 帳票作成 page saves the forms an administrator draws."""
        return self.data_dir / "forms"

    @property
    def form_dirs(self) -> list[Path]:
        """Every folder forms are loaded from (besides the built-in ones): the drawn forms,
        then ``forms_dir`` (whose forms replace drawn ones of the same id)."""
        return [self.drawn_forms_path, *self.forms_dir]

    @property
    def inbox_path(self) -> Path:
        return self.inbox_dir or self.data_dir / "runtime" / "inbox"

    @property
    def quarantine_path(self) -> Path:
        return self.quarantine_dir or self.data_dir / "runtime" / "quarantine"

    @property
    def archive_path(self) -> Path:
        return self.archive_dir or self.data_dir / "runtime" / "archive"


def load_settings(**overrides: Any) -> Settings:
    """Build settings; flags given as ``overrides`` (``None`` values are ignored)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    path = config_file()
    if path is not None and not path.is_file():
        raise ConfigInvalidError(
            f"config file {path} (from ${CONFIG_ENV}) does not exist",
            f"create it or unset {CONFIG_ENV}",
        )
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigInvalidError(
            f"invalid settings: {problems}",
            "fix the value in formocr.toml, the FORMOCR_* environment variable or the flag",
        ) from exc
    except (OSError, ValueError) as exc:
        raise ConfigInvalidError(f"cannot read settings: {exc}", f"check {path}") from exc


def describe(settings: Settings, flags: frozenset[str] = frozenset()) -> dict[str, dict[str, str]]:
    """Effective settings with their source (flag/env/file/default), for ``formocr config``.

    ``flags`` names the settings given on the command line."""
    path = config_file()
    file_keys: set[str] = set()
    if path is not None and path.is_file():
        import tomllib

        file_keys = set(tomllib.loads(path.read_text(encoding="utf-8")))
    out: dict[str, dict[str, str]] = {}
    for name, info in Settings.model_fields.items():
        env_name = f"FORMOCR_{name.upper()}"
        if name in flags:
            source = "flag"
        elif env_name in os.environ:
            source = f"environment {env_name}"
        elif name in file_keys:
            source = f"file {path}"
        else:
            source = "default"
        value = getattr(settings, name)
        shown = os.pathsep.join(map(str, value)) if isinstance(value, list) else str(value)
        if name in ("database_url", "broker_url") and value:
            shown = _without_password(value)
        out[name] = {"value": shown, "source": source, "description": info.description or ""}
    return out


def _without_password(url: str) -> str:
    """A database URL as it may be printed: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say nothing of it but its scheme
        return url.split(":", 1)[0] + ":***"
