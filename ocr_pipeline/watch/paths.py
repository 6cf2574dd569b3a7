"""Where files go: the inbox, the archive (every file taken, by tenant and SHA-256) and the
quarantine (files refused, each with ``<name>.error.json``).

::

    ARCHIVE/<tenant>/<sha[:2]>/<sha>/<name>                     the file that was read
    ARCHIVE/<tenant>/<sha[:2]>/<sha>/duplicates/<UTC time> <name> later drops of the same bytes
    QUARANTINE/<tenant>/<name>  +  <name>.error.json            ``<stem> (2).<ext>`` on collision

The archive path of a file follows from its tenant, SHA-256 and name alone, so a watcher that
stopped between moving a file and recording where it went finds it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..settings import Settings
from .files import fit_name

DUPLICATES = "duplicates"


@dataclass(frozen=True)
class WatchPaths:
    """The three folders of the watcher."""

    inbox: Path
    quarantine: Path
    archive: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> WatchPaths:
        return cls(
            inbox=settings.inbox_path.absolute(),
            quarantine=settings.quarantine_path.absolute(),
            archive=settings.archive_path.absolute(),
        )

    def create(self) -> None:
        for folder in (self.inbox, self.quarantine, self.archive):
            folder.mkdir(parents=True, exist_ok=True)

    def archive_file(self, tenant: str, sha256: str, name: str) -> Path:
        """Where the file with this SHA-256, recorded under ``name``, is kept."""
        return self.archive / tenant / sha256[:2] / sha256 / fit_name(name.rsplit("/", 1)[-1])

    def duplicate_file(self, tenant: str, sha256: str, name: str) -> Path:
        """A fresh place for another drop of the same bytes (time-stamped, UTC)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        base = fit_name(f"{stamp} {name.rsplit('/', 1)[-1]}")
        return self.archive / tenant / sha256[:2] / sha256 / DUPLICATES / base

    def quarantine_folder(self, tenant: str) -> Path:
        return self.quarantine / tenant

    def tenant_inbox(self, tenant: str) -> Path:
        return self.inbox / tenant
