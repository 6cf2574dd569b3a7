"""The review UI's only way to the store, the forms, the export profiles and the OCR engine
and pipeline.

The store, registries and job runner are made once per process (``st.cache_resource``) and
shared by all sessions; everything a page reads or changes goes through
:func:`tenant_store`, which is scoped to the tenant the logged-in user works for in this
session. An id of another tenant then behaves like an id that does not exist.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from form_schemas.registry import FormDefinition, FormRegistry
from ocr_pipeline.engines import OcrEngine, create_engine
from ocr_pipeline.errors import FormocrError
from ocr_pipeline.export import ProfileRegistry
from ocr_pipeline.extract import Thresholds
from ocr_pipeline.pipeline import Pipeline, process_document
from ocr_pipeline.preprocess import template_model
from ocr_pipeline.reader2 import registry as reader_models
from ocr_pipeline.results import PageResult
from ocr_pipeline.settings import Settings, config_file, load_settings
from ocr_pipeline.store import (
    Role,
    Store,
    TenantStore,
    User,
    database_url,
    registry_forms,
    safe_url,
)

from .jobs import JobRunner
from .plain import md

log = logging.getLogger(__name__)

USER_KEY = "auth_user"
TENANT_KEY = "auth_tenant"


def _stop(exc: FormocrError) -> None:
    st.error(f"システムの設定またはデータベースに問題があります。\n\n{md(exc)}")
    st.stop()


_settings: dict[tuple[object, ...], Settings] = {}


def _settings_key() -> tuple[object, ...]:
    """What the settings are made of: the working folder, the ``FORMOCR_*`` environment and
    the settings file's path and modification time."""
    path = config_file()
    try:
        stamp = path.stat().st_mtime_ns if path is not None else None
    except OSError:
        stamp = None
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("FORMOCR_")))
    return (os.getcwd(), env, str(path), stamp)


def settings() -> Settings:
    """The effective settings (file, environment ``FORMOCR_*``), as for ``formocr``. Read
    again only when what they are made of changes (building them costs a few milliseconds,
    and every page and button asks for them several times)."""
    key = _settings_key()
    known = _settings.get(key)
    if known is not None:
        return known
    try:
        made = load_settings()
    except FormocrError as exc:
        _stop(exc)
        raise
    if len(_settings) > 8:
        _settings.clear()
    _settings[key] = made
    return made


@st.cache_resource(show_spinner=False)
def _forms(forms_dirs: tuple[str, ...]) -> FormRegistry:
    return FormRegistry.from_dirs([Path(d) for d in forms_dirs])


@st.cache_resource(show_spinner=False)
def _store(url: str, images: str, forms_dirs: tuple[str, ...]) -> Store:
    log.info("review UI: opening the store %s", safe_url(url))
    return Store.open(url, Path(images), forms=registry_forms(_forms(forms_dirs)))


@st.cache_resource(show_spinner=False)
def _profiles(profile_dirs: tuple[str, ...]) -> ProfileRegistry:
    return ProfileRegistry.from_dirs([Path(d) for d in profile_dirs])


@st.cache_resource(show_spinner=False)
def jobs() -> JobRunner:
    """The background job runner of this process."""
    return JobRunner()


@st.cache_resource(show_spinner="読み取りエンジンを準備しています…")
def _engine(name: str, threads: int) -> OcrEngine:
    # ``name`` and ``threads`` are the cache key: the settings that make another engine.
    return create_engine(settings())


def engine() -> OcrEngine:
    """The OCR engine of this process: loaded on first use (about a second) and shared by all
    sessions; loaded again when the settings name another engine or number of threads."""
    s = settings()
    return _engine(s.engine, s.threads)


ReadPages = Callable[[Path], list[PageResult]]
"""Reads a scan's pages with one form (see :func:`form_reader`)."""


def form_reader(s: Settings, ocr: OcrEngine) -> Callable[[FormDefinition], ReadPages]:
    """Makes, for a form that is not installed (a draft being test-read), a reader of scans
    with that form alone, with the settings ``s`` and the engine ``ocr``: the real pipeline,
    so the draft is read as it will be once installed. Uses no Streamlit, so a background
    job may call it."""

    def make(form: FormDefinition) -> ReadPages:
        pipe = Pipeline(
            settings=s,
            registry=FormRegistry([form]),
            engine=ocr,
            thresholds=Thresholds.load(s.calibration),
            models={form.id: template_model(form)},
        )
        return lambda path: list(process_document(pipe, path, form.id))

    return make


def forget_forms() -> None:
    """Load the forms again on next use (a form was added)."""
    _forms.clear()
    _store.clear()


def forms() -> FormRegistry:
    return _forms(tuple(str(d) for d in settings().form_dirs))


def form(form_id: str) -> FormDefinition | None:
    """A form definition by id (``None`` when not installed)."""
    registry = forms()
    return registry.get(form_id) if form_id in registry else None


def profiles() -> ProfileRegistry:
    return _profiles(tuple(str(d) for d in settings().profiles_dir))


def store() -> Store:
    """The store of this installation; a page stops with the remedy when it cannot be
    opened (unreachable, or its schema needs ``formocr db upgrade``)."""
    s = settings()
    try:
        return _store(
            database_url(s), str(s.data_dir / "images"), tuple(str(d) for d in s.form_dirs)
        )
    except FormocrError as exc:
        _stop(exc)
        raise


STATUS_SECONDS = 5
"""How long the distributed mode's queue and worker figures are reused (a worker ping takes up
to a second)."""


@st.cache_data(ttl=STATUS_SECONDS, show_spinner=False)
def _processing_status(_key: tuple[object, ...]) -> dict[str, Any]:
    from ocr_pipeline.distributed import collect

    return collect(settings())


def processing_status() -> dict[str, Any] | None:
    """The distributed mode's queues, leading intake and live workers
    (:func:`ocr_pipeline.distributed.collect`, as ``formocr status --json``), at most
    ``STATUS_SECONDS`` old; ``None`` with ``task_backend = local``. Parts that cannot be
    reached are named in ``errors`` (their details go to the log, not to the page)."""
    if settings().task_backend != "celery":
        return None
    status = _processing_status(_settings_key())
    for part, text in status["errors"].items():
        log.warning("review UI: status: %s cannot be reached: %s", part, text)
    return status


@st.cache_data(ttl=60, show_spinner=False)
def _user_names(url: str) -> dict[str, str]:
    return {u.login: u.display_name for u in store().users.list()}


def user_names() -> dict[str, str]:
    """Users' display names by login id (to show people, not ids; read again each minute)."""
    s = settings()
    return _user_names(database_url(s))


def current_user() -> User | None:
    """The logged-in user of this session, read again from the store (a user disabled
    meanwhile is logged out)."""
    login = st.session_state.get(USER_KEY)
    if not login:
        return None
    try:
        user = store().users.get(login)
    except FormocrError:
        user = None
    if user is None or user.disabled:
        st.session_state.pop(USER_KEY, None)
        return None
    return user


def current_tenant(user: User) -> str:
    """The tenant this session works for: one of the user's, chosen in the sidebar by
    administrators of several."""
    chosen = st.session_state.get(TENANT_KEY)
    if chosen not in user.tenants:
        chosen = user.tenants[0]
        st.session_state[TENANT_KEY] = chosen
    return str(chosen)


def tenant_store() -> TenantStore:
    """The store of the current user's tenant. Every page reads and writes through this."""
    user = require()
    return store().for_tenant(current_tenant(user))


def tenant_name(tenant_id: str) -> str:
    return store().tenant_names().get(tenant_id, tenant_id)


def require(*roles: Role) -> User:
    """The logged-in user, if their role is one of ``roles`` (any role when none is given);
    otherwise the page stops here."""
    user = current_user()
    if user is None:
        st.warning("ログインしてください。")
        st.stop()
        raise RuntimeError("unreachable")
    if roles and user.role not in roles:
        st.error("この画面を使う権限がありません。")
        st.stop()
    return user


def tenant_models(tenant_id: str) -> list[reader_models.TenantModel]:
    """The municipality's own second reader models (``<data_dir>/models/<tenant>/``, made by
    ``formocr train reader``), oldest first, each with its before/after figures."""
    return reader_models.tenant_models(settings().data_dir, tenant_id)
