"""Fixtures of the store tests. Every test that takes ``db_url`` (or anything built on it) runs
twice: against a fresh SQLite file and against a fresh schema in PostgreSQL.

PostgreSQL comes from ``FORMOCR_TEST_POSTGRES_URL`` (``scripts/postgres.sh`` starts a server
and prints one). Without it the PostgreSQL half is skipped, unless ``FORMOCR_REQUIRE_POSTGRES=1``
(CI), which turns the skip into a failure. Each PostgreSQL test gets its own schema (named in
the URL's ``search_path``), dropped afterwards.

- ``clock``: a settable UTC clock for the store (leases, timestamps) -- no sleeping.
- ``store`` / ``town_a`` / ``town_b``: a migrated store with two tenants.
- ``kit``: page results of the 水道 and ふるさと納税 forms and others, PNG bytes and digests.
- ``saved_document``: a document of town A with two fields in review.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from form_schemas.reasons import Reason
from form_schemas.registry import FormRegistry
from form_schemas.spec import FieldValue
from ocr_pipeline.results import FieldResult, FieldStatus, PageResult, PageStatus
from ocr_pipeline.store import Store, TenantStore, registry_forms, upgrade
from tests.pg_schema import fresh_schema
from tests.sample_records import FURUSATO_VALUES, WATER_VALUES

PG_URL_ENV = "FORMOCR_TEST_POSTGRES_URL"
PG_REQUIRED_ENV = "FORMOCR_REQUIRE_POSTGRES"

WATER_TYPES = {
    "filed_on": "wareki_date",
    "notice_type": "choice",
    "effective_on": "wareki_date",
    "service_address": "address",
    "meter_number": "digits",
    "user_kana": "kana",
    "user_name": "name",
    "phone": "phone",
    "payment_method": "choice",
    "mailing_postal_code": "postal_code",
    "mailing_address": "address",
    "remarks": "text",
}


@dataclass
class FakeClock:
    """The store's clock; ``advance`` moves it on."""

    now: datetime = field(default_factory=lambda: datetime(2025, 1, 6, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _postgres_base_url() -> str | None:
    url = os.environ.get(PG_URL_ENV)
    if url:
        return url
    if os.environ.get(PG_REQUIRED_ENV) == "1":
        pytest.fail(f"{PG_REQUIRED_ENV}=1 but {PG_URL_ENV} is not set (run scripts/postgres.sh)")
    pytest.skip(f"PostgreSQL tests need {PG_URL_ENV} (scripts/postgres.sh prints one)")
    return None


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (no schema yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'formocr.db'}"
        return
    base = _postgres_base_url()
    assert base is not None
    with fresh_schema(base) as url:
        yield url


@pytest.fixture
def migrated_url(db_url: str) -> str:
    """The URL of a database with the schema at head."""
    upgrade(db_url)
    return db_url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def open_store(
    migrated_url: str, tmp_path: Path, clock: FakeClock, registry: FormRegistry
) -> Iterator[Callable[[], Store]]:
    """``open_store()``: another Store on the same database (as another process would have);
    all are closed at the end."""
    opened: list[Store] = []

    def make() -> Store:
        store = Store.open(
            migrated_url, tmp_path / "images", forms=registry_forms(registry), clock=clock
        )
        opened.append(store)
        return store

    yield make
    for s in opened:
        s.close()


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


@pytest.fixture
def town_a(store: Store) -> TenantStore:
    t = store.for_tenant("town-a")
    t.ensure_tenant("A町")
    return t


@pytest.fixture
def town_b(store: Store) -> TenantStore:
    t = store.for_tenant("town-b")
    t.ensure_tenant("B村")
    return t


def make_png(seed: int = 0, size: tuple[int, int] = (40, 60)) -> bytes:
    """A small greyscale PNG whose bytes differ by ``seed``."""
    img = Image.new("L", size, 255)
    img.putpixel((seed % size[0], (seed // size[0]) % size[1]), 0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def digest(name: str | bytes) -> str:
    data = name.encode() if isinstance(name, str) else name
    return hashlib.sha256(data).hexdigest()


def water_page(
    page: int = 1,
    review: tuple[str, ...] = ("user_name",),
    values: dict[str, FieldValue] | None = None,
    source: str = "scan.pdf",
) -> PageResult:
    """A 水道使用開始・中止届 page as the pipeline reads it: valid values, the ``review`` fields
    routed to review (low confidence), every other field accepted."""
    vals = {**WATER_VALUES, **(values or {})}
    fields = {}
    for n, (fid, value) in enumerate(vals.items()):
        in_review = fid in review
        raw = "" if value is None else str(value)
        fields[fid] = FieldResult(
            id=fid,
            type=WATER_TYPES[fid],
            value=value,
            confidence=0.42 + n / 100 if in_review else 0.99,
            status=FieldStatus.REVIEW if in_review else FieldStatus.ACCEPTED,
            reasons=[Reason("low_confidence", "0.42 < 0.9")] if in_review else [],
            raw=raw,
            char_confidences=[0.9] * len(raw),
            bbox=(10 * n, 20, 10 * n + 100, 60),
        )
    return PageResult(
        source=source,
        page=page,
        status=PageStatus.OK,
        form="water_service",
        form_version=1,
        fields=fields,
        timings={"load": 0.1, "ocr": 0.2},
    )


def furusato_page(
    page: int = 1,
    review: tuple[str, ...] = ("my_number", "donation_amount"),
    values: dict[str, FieldValue] | None = None,
) -> PageResult:
    """A ふるさと納税 one-stop page: valid values; ``review`` fields (by default the two that
    its form keys twice, blind) routed to review by policy, every other field accepted."""
    vals = {**FURUSATO_VALUES, **(values or {})}
    spec = FormRegistry.from_dirs().get("furusato_onestop").spec
    fields = {}
    for f in spec.all_fields():
        value = vals.get(f.id)
        in_review = f.id in review
        raw = "" if value is None else str(value)
        fields[f.id] = FieldResult(
            id=f.id,
            type=f.type.value,
            value=value,
            confidence=0.97 if in_review else 0.99,
            status=FieldStatus.REVIEW if in_review else FieldStatus.ACCEPTED,
            reasons=[Reason("review_policy", "always")] if in_review else [],
            raw=raw,
            char_confidences=[0.97] * len(raw),
            bbox=f.outline(),
        )
    return PageResult(
        source="furusato.pdf",
        page=page,
        status=PageStatus.OK,
        form="furusato_onestop",
        form_version=spec.version,
        fields=fields,
    )


def other_page(page: int, status: PageStatus, source: str = "scan.pdf") -> PageResult:
    """A page that makes no document (blank, unclassified, ...)."""
    return PageResult(source=source, page=page, status=status, reason=f"{status.value} page")


@dataclass(frozen=True)
class Kit:
    """Test data makers: ``water(page, review=..., values=...)``, ``furusato(...)`` and
    ``other(page, status)`` page results, ``png(seed)`` bytes, ``sha(text or bytes)`` digests."""

    water: Callable[..., PageResult] = water_page
    furusato: Callable[..., PageResult] = furusato_page
    other: Callable[..., PageResult] = other_page
    png: Callable[..., bytes] = make_png
    sha: Callable[[str | bytes], str] = digest


@pytest.fixture
def kit() -> Kit:
    return Kit()


@pytest.fixture
def saved_document(town_a: TenantStore, kit: Kit) -> int:
    """A document of town A with ``user_name`` and ``phone`` in review."""
    src, _ = town_a.register_source(kit.sha("doc.pdf"), "doc.pdf", 100)
    (doc_id,) = town_a.save_result(src.id, [kit.water(review=("user_name", "phone"))], {})
    return doc_id
