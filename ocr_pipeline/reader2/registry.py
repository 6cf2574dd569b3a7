"""Municipalities' own second reader models, beside (never over) the packaged one.

Layout: ``<data_dir>/models/<tenant>/<model_id>/`` holds ``second_reader.onnx``,
``second_reader.classes.json`` and ``model.json``, the manifest: when the model was made,
the SHA-256 of both files, held-out accuracy per field type before (the model it replaces)
and after, and how many of the municipality's examples trained and measured it. A model is
used only when both files match the manifest's checksums (:func:`open_model`).
:class:`ReaderCache` keeps loaded models by id, so a worker can look up its municipality's
active model before every file and switch without a restart.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from threading import Lock
from typing import Any

from ..engines.models import sha256_of
from ..errors import ModelMissingError
from .model import SecondReader

log = logging.getLogger(__name__)

MODELS_DIR = "models"  # as the store's models_root
MANIFEST = "model.json"
MODEL_FILE = "second_reader.onnx"
CLASSES_FILE = "second_reader.classes.json"
PACKAGED = "packaged"
"""The name a field records when the packaged model read it."""


@dataclass(frozen=True)
class TenantModel:
    """One municipality model, as its manifest describes it."""

    id: str
    tenant: str
    created: datetime
    path: Path
    files: dict[str, str]  # file name -> SHA-256
    accuracy_before: dict[str, float]  # held-out accuracy per field type ("all" too)
    accuracy_after: dict[str, float]
    examples: dict[str, int]  # the municipality's examples used to train, per field type
    held_out: dict[str, int]  # and to measure, per field type
    base: str = PACKAGED  # the model it was compared against
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def model_file(self) -> Path:
        return self.path / MODEL_FILE

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenant": self.tenant,
            "created": self.created.isoformat(),
            "files": self.files,
            "accuracy_before": self.accuracy_before,
            "accuracy_after": self.accuracy_after,
            "examples": self.examples,
            "held_out": self.held_out,
            "base": self.base,
            **self.extra,
        }

    @classmethod
    def from_manifest(cls, path: Path) -> TenantModel:
        """The model in folder ``path`` (:class:`ModelMissingError` when its manifest is
        missing or malformed)."""
        manifest = path / MANIFEST
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            known = {
                "id",
                "tenant",
                "created",
                "files",
                "accuracy_before",
                "accuracy_after",
                "examples",
                "held_out",
                "base",
            }
            return cls(
                id=str(data["id"]),
                tenant=str(data["tenant"]),
                created=datetime.fromisoformat(data["created"]),
                path=path,
                files={str(k): str(v) for k, v in data["files"].items()},
                accuracy_before={str(k): float(v) for k, v in data["accuracy_before"].items()},
                accuracy_after={str(k): float(v) for k, v in data["accuracy_after"].items()},
                examples={str(k): int(v) for k, v in data["examples"].items()},
                held_out={str(k): int(v) for k, v in data["held_out"].items()},
                base=str(data.get("base", PACKAGED)),
                extra={k: v for k, v in data.items() if k not in known},
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelMissingError(
                f"the model manifest {manifest} cannot be read: {exc}",
                "train the model again with `formocr train reader --tenant T`, or switch the "
                "municipality back with `formocr train use --tenant T packaged`",
            ) from exc


def tenant_dir(data_dir: Path, tenant: str) -> Path:
    return data_dir / MODELS_DIR / tenant


def tenant_models(data_dir: Path, tenant: str) -> list[TenantModel]:
    """The models of ``tenant``, oldest first (folders without a readable manifest are left
    out, with a warning)."""
    root = tenant_dir(data_dir, tenant)
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not (folder / MANIFEST).is_file():
            continue
        try:
            model = TenantModel.from_manifest(folder)
        except ModelMissingError as exc:
            log.warning("%s", exc.message)
            continue
        if model.id != folder.name or model.tenant != tenant:
            log.warning("%s names another model or municipality; left out", folder / MANIFEST)
            continue
        out.append(model)
    return sorted(out, key=lambda m: (m.created, m.id))


def find_model(data_dir: Path, tenant: str, model_id: str) -> TenantModel:
    """One model of ``tenant`` by id (:class:`ModelMissingError` when it is not there)."""
    folder = tenant_dir(data_dir, tenant) / model_id
    if not (folder / MANIFEST).is_file():
        raise ModelMissingError(
            f"municipality {tenant} has no model {model_id!r} ({folder / MANIFEST} is missing)",
            f"list its models with `formocr train list --tenant {tenant}`",
        )
    model = TenantModel.from_manifest(folder)
    if model.id != model_id or model.tenant != tenant:
        raise ModelMissingError(
            f"{folder / MANIFEST} describes model {model.id!r} of {model.tenant!r}",
            "train the model again with `formocr train reader --tenant T`",
        )
    return model


def open_model(data_dir: Path, tenant: str, model_id: str) -> SecondReader:
    """The model ``model_id`` of ``tenant``, loaded after both its files were checked
    against the SHA-256 its manifest records (:class:`ModelMissingError` otherwise)."""
    model = find_model(data_dir, tenant, model_id)
    for name in (MODEL_FILE, CLASSES_FILE):
        expected = model.files.get(name)
        if expected is None:
            raise ModelMissingError(
                f"{model.path / MANIFEST} records no checksum for {name}",
                "train the model again with `formocr train reader --tenant T`",
            )
    return SecondReader.load(model.model_file, model.files[MODEL_FILE], model.files[CLASSES_FILE])


def file_checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of the model's two files in ``folder``."""
    return {name: sha256_of(folder / name) for name in (MODEL_FILE, CLASSES_FILE)}


class ReaderCache:
    """Second reader models by (tenant, id), loaded once each; ``None`` is the packaged
    model. Thread-safe."""

    def __init__(self, data_dir: Path, packaged: SecondReader | None = None) -> None:
        self.data_dir = data_dir
        self._packaged = packaged
        self._loaded: dict[tuple[str, str], SecondReader] = {}
        self._lock = Lock()

    def get(self, tenant: str, model_id: str | None) -> tuple[SecondReader, str]:
        """The reader for ``tenant``'s active model and the name fields record for it. A
        tenant model that is missing or altered is refused (:class:`ModelMissingError`)."""
        with self._lock:
            if model_id is None:
                if self._packaged is None:
                    self._packaged = SecondReader.load()
                return self._packaged, PACKAGED
            key = (tenant, model_id)
            if key not in self._loaded:
                self._loaded[key] = open_model(self.data_dir, tenant, model_id)
            return self._loaded[key], model_id
