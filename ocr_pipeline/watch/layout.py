"""The inbox layout, and what the watcher makes of every entry in it.

::

    INBOX/                      the administrator's: files here are left alone (a README is fine)
      <tenant>/                 one folder per municipality; the form is recognised per page
        scan.pdf
        <form_id>/              the form is given: every page is read as this form
          scan.pdf

Rules, each deliberate:

- A tenant folder's name must be a valid tenant id (``[a-z0-9][a-z0-9_-]{0,63}``, the store's
  rule); other folders (and symbolic links to folders) at the top are left alone, with a
  warning.
- Hidden names (starting with ``.``, e.g. ``.~lock.scan.pdf#`` or a copying tool's
  ``.scan.pdf.XXXX``), temporary names (``*.part``, ``*.tmp``, ``*.crdownload``, ``~$…``,
  ``…~``) and system files (``Thumbs.db``, ``desktop.ini``) are never taken: they are files
  still being written or not scans at all.
- Regular files in a tenant folder or a form folder are taken (whatever their name says: the
  format is recognised from the content; what is not a scan is quarantined by the worker).
- Refused, i.e. moved to the quarantine folder with an ``.error.json`` without being read:
  symbolic links (never followed), anything in a folder whose name is not a known form id,
  folders inside a form folder, and special files (FIFOs, sockets, devices).
- A name that is not valid UTF-8 is taken. Scanners and Windows shares in Japan write names in
  Shift_JIS, so such a name is read as CP932 (``申請.pdf`` stays ``申請.pdf``); a name that is
  not CP932 either gets U+FFFD for the undecodable bytes.

Entries come from one directory listing each: a name never contains ``/``, and ``.`` and ``..``
never appear, so no path built from them leaves the folder it came from.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

log = logging.getLogger(__name__)

TENANT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
"""The store's rule for tenant ids (``ocr_pipeline.store``), checked before any store call."""

TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart")
SYSTEM_NAMES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})


class Refusal(StrEnum):
    """Why an entry is quarantined without being read (the ``code`` of its ``.error.json``)."""

    SYMLINK = "symlink"
    UNKNOWN_FORM_FOLDER = "unknown_form_folder"
    NESTED_FOLDER = "nested_folder"
    NOT_REGULAR = "not_regular"


@dataclass(frozen=True)
class InboxEntry:
    """Something in a tenant's folder the watcher will take or refuse.

    ``name`` is its path inside the tenant folder (``scan.pdf``, ``water_service/scan.pdf``),
    valid UTF-8; ``folder`` is the form folder's name when there is one (``form_id`` only if it
    names a known form); ``refusal`` is set when the entry is to be quarantined unread."""

    path: Path
    tenant: str
    name: str
    form_id: str | None = None
    folder: str | None = None
    refusal: Refusal | None = None
    is_dir: bool = False

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Ignored:
    """A top-level entry the watcher leaves alone (reported once per run)."""

    path: Path
    why: str


def is_valid_tenant(name: str) -> bool:
    return TENANT_NAME.fullmatch(name) is not None


def display_name(name: str) -> str:
    """``name`` as valid UTF-8. A name whose bytes are not UTF-8 (kept by Python as
    surrogates) is read as CP932 (Shift_JIS, as Japanese scanners and Windows shares write);
    if it is not that either, the undecodable bytes become U+FFFD."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        try:
            shown = raw.decode("cp932")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace")
        if "/" not in shown and not any(unicodedata.category(c)[0] == "C" for c in shown):
            return shown
        return raw.decode("utf-8", "replace")
    return name


def is_ignorable(name: str) -> bool:
    """Hidden, temporary and system names: never taken, never reported."""
    lower = name.lower()
    return (
        name.startswith((".", "~$"))
        or name.endswith("~")
        or lower.endswith(TEMP_SUFFIXES)
        or lower in SYSTEM_NAMES
    )


def form_hint(name: str) -> str | None:
    """The form folder a source file's ``name`` (as recorded) came from, if any."""
    parts = name.split("/")
    return parts[0] if len(parts) == 2 else None


def _scandir(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except FileNotFoundError:
        return []
    except OSError as exc:
        log.warning("cannot list %s: %s", folder, exc.strerror or exc)
        return []


def _kind(entry: os.DirEntry[str]) -> str:
    """``link``, ``dir``, ``file`` or ``other``, never following links."""
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return "gone"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    return "other"


def scan_tenant(folder: Path, tenant: str, forms: Collection[str]) -> Iterator[InboxEntry]:
    """Every entry of one tenant's folder to take or refuse, in name order."""
    for entry in _scandir(folder):
        if is_ignorable(entry.name):
            continue
        kind, name = _kind(entry), display_name(entry.name)
        path = Path(entry.path)
        if kind == "file":
            yield InboxEntry(path, tenant, name)
        elif kind == "link":
            yield InboxEntry(path, tenant, name, refusal=Refusal.SYMLINK)
        elif kind == "other":
            yield InboxEntry(path, tenant, name, refusal=Refusal.NOT_REGULAR)
        elif kind == "dir":
            yield from _scan_form_folder(path, tenant, name, forms)


def _scan_form_folder(
    folder: Path, tenant: str, folder_name: str, forms: Collection[str]
) -> Iterator[InboxEntry]:
    known = folder_name in forms
    for entry in _scandir(folder):
        if is_ignorable(entry.name):
            continue
        kind = _kind(entry)
        if kind == "gone":
            continue
        name = f"{folder_name}/{display_name(entry.name)}"
        path = Path(entry.path)
        if not known:
            refusal: Refusal | None = Refusal.UNKNOWN_FORM_FOLDER
        else:
            refusal = {
                "file": None,
                "link": Refusal.SYMLINK,
                "dir": Refusal.NESTED_FOLDER,
                "other": Refusal.NOT_REGULAR,
            }[kind]
        yield InboxEntry(
            path,
            tenant,
            name,
            form_id=folder_name if known else None,
            folder=folder_name,
            refusal=refusal,
            is_dir=kind == "dir",
        )


def tenant_folders(root: Path) -> tuple[list[tuple[str, Path]], list[Ignored]]:
    """The tenant folders under the inbox ``root``, and the top-level entries left alone."""
    tenants: list[tuple[str, Path]] = []
    ignored: list[Ignored] = []
    for entry in _scandir(root):
        kind = _kind(entry)
        path = Path(entry.path)
        if entry.name.startswith(".") or kind == "gone":
            continue
        if kind != "dir":
            why = "a symbolic link" if kind == "link" else "not a folder"
            ignored.append(Ignored(path, f"{why} at the top of the inbox; left alone"))
        elif not is_valid_tenant(entry.name):
            ignored.append(
                Ignored(
                    path,
                    "not a valid municipality (tenant) id: use 1-64 characters, lower-case "
                    "letters, digits, '-' and '_' (e.g. the 6-digit local government code); "
                    "files in it are not taken",
                )
            )
        else:
            tenants.append((entry.name, path))
    return tenants, ignored
