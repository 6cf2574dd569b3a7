"""The store's public surface: :class:`Store` (one per process) and :class:`TenantStore` (one
tenant's data). Other packages use only these, the views they return (:mod:`.views`), the
states (:mod:`.states`) and the errors (:mod:`.errors`); never the models or sessions.

::

    store = Store.from_settings(settings)                 # checks the schema is current
    town = store.for_tenant("012025")
    town.ensure_tenant("○○町")
    source, dup = town.register_source(sha, "scan.pdf", size)   # before touching the file
    item = town.claim_next("host:1234:ab12", lease_seconds=300)
    ids = town.save_result(item.source_file_id, page_results, {1: png_bytes})
    town.complete(item.id, "host:1234:ab12")

Every :class:`TenantStore` method reads and changes only its tenant's rows; an id of another
tenant behaves exactly like an id that does not exist (:class:`NotFoundError`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from threading import Lock

from argon2 import PasswordHasher
from sqlalchemy import select

from form_schemas.registry import FormRegistry
from form_schemas.spec import FormSpec

from ..settings import Settings
from . import _convert as conv
from ._audit import AuditMixin
from ._base import Clock, FormResolver
from ._entries import EntriesMixin
from ._exports import ExportsMixin
from ._ingest import IngestMixin
from ._queue import (
    QueueMixin,
    check_lease,
    claim,
    expired,
    queued_after,
    release_expired,
    work_counts,
)
from ._read import ReadMixin
from ._reseal import RotationReport, rotate, sealed_by_key
from ._results import ResultsMixin
from ._retention import RetentionMixin
from ._review import ReviewMixin
from ._stats import StatsMixin
from ._training import TrainingMixin
from ._uploads import UploadsMixin
from ._users import UserStore
from .db import Database, database_url, safe_url
from .errors import FormMissingError
from .images import ImageFiles
from .keys import KEY_FILE, Keyring
from .models import TenantRow
from .protocols import (
    ExportStore,
    RetentionStore,
    ReviewStore,
    TrainingStore,
    UserDirectory,
    WorkQueueStore,
)
from .views import WorkItem

IMAGES_DIR = "images"


def default_keys(data_dir: Path) -> Keyring:
    """``FORMOCR_SECRET_KEY``, else the key file ``<data_dir>/secret.key``."""
    return Keyring(data_dir / KEY_FILE)


def utc_now() -> datetime:
    return datetime.now(UTC)


def registry_forms(
    registry: FormRegistry | None = None, forms_dirs: tuple[Path, ...] = ()
) -> FormResolver:
    """A resolver over a form registry (loaded on first use from the built-in forms and
    ``forms_dirs`` unless given). A version other than the installed one is missing."""
    lock = Lock()
    loaded: list[FormRegistry] = [registry] if registry is not None else []

    def resolve(form_id: str, version: int) -> FormSpec:
        with lock:
            if not loaded:
                loaded.append(FormRegistry.from_dirs(forms_dirs))
            forms = loaded[0]
        if form_id not in forms:
            raise FormMissingError(f"{form_id}@{version}", None)
        spec = forms.get(form_id).spec
        if spec.version != version:
            raise FormMissingError(f"{form_id}@{version}", spec.key)
        return spec

    return resolve


class TenantStore(
    ReadMixin,
    IngestMixin,
    UploadsMixin,
    QueueMixin,
    ResultsMixin,
    EntriesMixin,
    ReviewMixin,
    ExportsMixin,
    AuditMixin,
    StatsMixin,
    TrainingMixin,
    RetentionMixin,
    WorkQueueStore,
    ReviewStore,
    ExportStore,
    TrainingStore,
    RetentionStore,
):
    """One tenant's records, review state, audit trail, work queue and exports.

    Made by :meth:`Store.for_tenant`. Methods are grouped in the private modules: reading
    (``_read``), files in (``_ingest``, ``_uploads``), the queue (``_queue``), saving results
    (``_results``), review (``_review``, double entry in ``_entries``), exports
    (``_exports``), dashboard figures (``_stats``), the sampling audit (``_audit``,
    ``_sampling``), learning from reviewers (``_training``) and retention (``_retention``:
    purging finished documents). Each method is one transaction (a purge: one per batch).
    Callers name the part they use (:mod:`.protocols`): :class:`WorkQueueStore` (the
    watcher), :class:`ReviewStore` (the review UI), :class:`ExportStore` (the exporter); this
    class is each of them (the mixins come first, so theirs are the methods that run).
    Thread-safe: share one instance between threads.
    """

    def ensure_tenant(self, name: str | None = None) -> None:
        """Create this tenant if it does not exist (``name`` defaults to its id); an existing
        tenant is left as it is."""
        with self._db.write() as s:
            if s.get(TenantRow, self._tenant) is None:
                s.add(TenantRow(id=self._tenant, name=name or self._tenant, created_at=self._now()))


class Store:
    """The database and the page image folder of one installation.

    Use :meth:`from_settings` (or :meth:`open` with a URL). Opening checks that the schema
    is at this version's migration head (``migrate=True`` upgrades it first) and raises
    :class:`StoreUnavailableError` with the remedy otherwise. ``forms`` resolves the form a
    document was read with (for checking corrections and approvals); ``clock`` is for tests,
    and so are ``password_hasher`` (cheaper argon2 parameters) and ``audit_random`` (a seeded
    draw of the sampling audit; by default the operating system's randomness). ``keys`` seal
    the 個人番号 at rest (:mod:`.keys`); by default ``FORMOCR_SECRET_KEY``, else the key file
    ``secret.key`` in the data folder (the folder that holds ``image_root``).
    """

    def __init__(
        self,
        db: Database,
        image_root: Path,
        forms: FormResolver | None = None,
        clock: Clock | None = None,
        password_hasher: PasswordHasher | None = None,
        *,
        keys: Keyring | None = None,
        audit_random: Random | None = None,
    ) -> None:
        self._db = db
        self._audit_random = audit_random
        self._keys = keys or default_keys(image_root.parent)
        self._images = ImageFiles(image_root)
        self._forms = forms or registry_forms()
        self._clock = clock or utc_now
        self._users = UserStore(db, self._clock, password_hasher)

    @classmethod
    def open(
        cls,
        url: str,
        image_root: Path,
        *,
        forms: FormResolver | None = None,
        clock: Clock | None = None,
        migrate: bool = False,
        password_hasher: PasswordHasher | None = None,
        keys: Keyring | None = None,
        audit_random: Random | None = None,
    ) -> Store:
        keys = keys or default_keys(image_root.parent)
        return cls(
            Database(url, migrate=migrate, keys=keys),
            image_root,
            forms,
            clock,
            password_hasher,
            keys=keys,
            audit_random=audit_random,
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        forms: FormResolver | None = None,
        clock: Clock | None = None,
        migrate: bool = False,
    ) -> Store:
        """The store the settings name: ``database_url`` (default: SQLite in ``data_dir``),
        images under ``<data_dir>/images``, forms from the built-in ones and ``forms_dir``."""
        resolver = forms or registry_forms(forms_dirs=tuple(settings.form_dirs))
        return cls.open(
            database_url(settings),
            settings.data_dir / IMAGES_DIR,
            forms=resolver,
            clock=clock,
            migrate=migrate,
            keys=default_keys(settings.data_dir),
        )

    @property
    def url(self) -> str:
        """The database URL without its password."""
        return safe_url(self._db.url)

    def for_tenant(self, tenant_id: str) -> TenantStore:
        """The store of one tenant (``BadArgumentsError`` for an invalid id)."""
        conv.check_tenant_id(tenant_id)
        return TenantStore(
            self._db,
            self._images,
            self._forms,
            tenant_id,
            self._clock,
            keys=self._keys,
            audit_random=self._audit_random,
        )

    @property
    def keys(self) -> Keyring:
        """The keys that seal the 個人番号 at rest."""
        return self._keys

    def rotate_keys(self) -> RotationReport:
        """Seal every sealed value again with the newest key (:func:`._reseal.rotate`)."""
        return rotate(self._db, self._keys)

    def sealed_by_key(self) -> dict[str, int]:
        """How many stored values each key id has sealed."""
        return sealed_by_key(self._db)

    @property
    def users(self) -> UserDirectory:
        """The users of the review UI (all tenants)."""
        return self._users

    def tenants(self) -> list[str]:
        """The ids of all tenants (for an administrator or a worker serving them all)."""
        with self._db.read() as s:
            return list(s.scalars(select(TenantRow.id).order_by(TenantRow.id)))

    def tenant_names(self) -> dict[str, str]:
        """Every tenant's name by id (``ensure_tenant`` sets it)."""
        with self._db.read() as s:
            return {i: n for i, n in s.execute(select(TenantRow.id, TenantRow.name))}

    def claim_next(self, worker_id: str, lease_seconds: float = 300.0) -> WorkItem | None:
        """Claim the oldest claimable work item of any tenant (for a worker pool shared by
        all tenants); continue with ``for_tenant(item.tenant_id)``."""
        check_lease(lease_seconds, worker_id)
        with self._db.write() as s:
            return claim(s, None, worker_id, lease_seconds, self._clock())

    def release_expired_leases(self) -> int:
        """Put every running item whose lease ran out back in the queue (all tenants)."""
        with self._db.write() as s:
            return release_expired(s, None, self._clock())

    def queued_after(
        self, after_id: int = 0, limit: int = 1000, tenants: Collection[str] | None = None
    ) -> list[WorkItem]:
        """Queued work items of every tenant (of ``tenants`` when given) with an id above
        ``after_id``, oldest first (how the intake of ``task_backend = celery`` finds what to
        send)."""
        conv.check_limit(limit)
        with self._db.read() as s:
            return queued_after(s, after_id, limit, tenants)

    def expired_leases(self, limit: int = 1000) -> list[WorkItem]:
        """Running work items of every tenant whose lease ran out (their worker stopped
        renewing it), oldest first; hand each back with ``fail(..., retry=True)``."""
        conv.check_limit(limit)
        with self._db.read() as s:
            return expired(s, self._clock(), limit)

    def work_counts(self) -> dict[str, dict[str, int]]:
        """Work items by tenant and state (``queued``, ``running``, ``done``, ``failed``),
        for every tenant that has any: the queue depth, in one query."""
        with self._db.read() as s:
            return work_counts(s)

    def close(self) -> None:
        self._db.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
