"""Bringing the store up to date before a long-running command uses it.

``formocr ui``, ``watch`` and ``demo`` start services that need the store at this version's
schema. Each creates a new store (and its SQLite folder) or upgrades an older one on start-up,
so that a fresh data folder works with whichever is run first; ``ui`` and ``demo`` did so
already, ``watch`` does it through :func:`upgrade_store`. Several starting together is safe:
one migrates, the others wait and find it done (:func:`ocr_pipeline.store.upgrade`).
"""

from __future__ import annotations

import logging

from ..settings import Settings
from ..store import Store, database_url
from ..store.db import head_revision, safe_url

log = logging.getLogger(__name__)


def upgrade_store(settings: Settings) -> str:
    """Create or upgrade the store the settings name to this version's schema; its URL.
    Raises :class:`~ocr_pipeline.store.StoreUnavailableError` when it cannot be reached."""
    url = database_url(settings)
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Opened as every service opens it, so the upgrade gets the same settings (data folder).
    with Store.from_settings(settings, migrate=True):
        pass
    log.info("store %s is at schema %s", safe_url(url), head_revision())
    return url
