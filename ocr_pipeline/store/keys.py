"""The secret keys that seal personal data at rest (個人番号), and sealing itself.

A key is 32 random bytes (AES-256-GCM), written as URL-safe base64. The keys live outside the
database: in the environment variable ``FORMOCR_SECRET_KEY`` if it is set, else in the key
file ``<data_dir>/secret.key`` (created on first use, mode 0600). Either holds one or more
keys, one a line (or separated by spaces or commas in the variable): the first seals, all
open. A sealed value names the key that sealed it (its *key id*, from the key's hash), so
values sealed with an older key stay readable while :func:`rotate` seals them again.

A token is ``v1.<key id>.<base64(nonce || ciphertext || tag)>``; the caller's ``context``
(tenant, document, field, column) is authenticated with it, so a sealed value copied to
another place in the database does not open. Nothing here ever returns a wrong value: a
missing or wrong key, or a token that was altered, raises :class:`SecretKeyError`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
import secrets
import threading
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..durable import fsync_dir
from ..errors import ExitCode
from .errors import StoreError

ENV = "FORMOCR_SECRET_KEY"
KEY_FILE = "secret.key"
VERSION = "v1"
TOKEN = re.compile(r"v1\.([0-9a-f]{8})\.([A-Za-z0-9_-]+)")
_NONCE = 12
_KEY_BYTES = 32
_RESTORE = (
    f"restore the key file from this installation's backup, or set {ENV} to the key the data "
    "was sealed with (a new key cannot open values sealed with another one)"
)


class SecretKeyError(StoreError):
    """No key, a wrong key, an unreadable key file, or a sealed value that does not open."""

    exit_code = ExitCode.CONFIG_INVALID


def new_key() -> str:
    """A fresh key, as written in the key file or ``FORMOCR_SECRET_KEY``."""
    return base64.urlsafe_b64encode(Keyring.fresh()).decode("ascii")


def key_id(key: bytes) -> str:
    """8 hex digits naming a key (not enough to guess it)."""
    return hashlib.sha256(b"formocr key id\0" + key).hexdigest()[:8]


def _decode_key(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(raw) != _KEY_BYTES:
        raise SecretKeyError(
            f"{where} holds something that is not a formocr key",
            "each key is 32 bytes in URL-safe base64 (44 characters, `formocr secrets "
            "new-key` prints one); fix or restore it",
        )
    return raw


def parse_keys(text: str, where: str) -> list[bytes]:
    """The keys written in ``text`` (newest first); ``#`` starts a comment line."""
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("#")]
    words = [w for w in re.split(r"[\s,]+", "\n".join(lines)) if w]
    return [_decode_key(w, where) for w in words]


def write_key_file(path: Path, keys: list[bytes]) -> None:
    """Replace the key file with ``keys`` (mode 0600, synced, renamed into place)."""
    body = "".join(base64.urlsafe_b64encode(k).decode("ascii") + "\n" for k in keys)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, body.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _create_key_file(path: Path) -> None:
    """A new key file with one fresh key, unless another process made one first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (new_key() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # never replaces a key another process has just written
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


class Keyring:
    """The keys of one installation, loaded on first use.

    ``Keyring(path)``: ``FORMOCR_SECRET_KEY`` when set, else the key file ``path`` (made with
    one new key the first time a value is sealed). ``Keyring.of(key, ...)`` is for tests and
    tools that hold the keys themselves."""

    def __init__(self, path: Path | None, keys: list[bytes] | None = None) -> None:
        self.path = path
        self._given = keys
        self._keys: list[bytes] | None = None
        self._ciphers: dict[str, AESGCM] = {}
        self._stamp: tuple[int, int, int] | None = None
        self._lock = threading.Lock()

    @staticmethod
    def fresh() -> bytes:
        """A fresh key's bytes."""
        return secrets.token_bytes(_KEY_BYTES)

    @classmethod
    def of(cls, *keys: str) -> Keyring:
        return cls(None, [_decode_key(k, "the key given") for k in keys])

    @property
    def source(self) -> str:
        """Where the keys come from, for messages."""
        if self._given is not None:
            return "the keys given"
        if os.environ.get(ENV, "").strip():
            return f"the environment variable {ENV}"
        return f"the key file {self.path}"

    @property
    def from_file(self) -> bool:
        return self._given is None and not os.environ.get(ENV, "").strip()

    def keys(self, create: bool = False) -> list[bytes]:
        """The keys, newest first. ``create``: make the key file if there is none. The key
        file is read again when it changed (a rotation by another process)."""
        with self._lock:
            if self._keys is not None and self.from_file and self._file_stamp() != self._stamp:
                self._keys = None
            if self._keys is None:
                self._keys = self._load(create)
                self._ciphers = {key_id(k): AESGCM(k) for k in self._keys}
                self._stamp = self._file_stamp() if self.from_file else None
            return self._keys

    def _file_stamp(self) -> tuple[int, int, int] | None:
        if self.path is None:
            return None
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def forget(self) -> None:
        """Read the keys again on next use (after the key file changed)."""
        with self._lock:
            self._keys = None

    def _load(self, create: bool) -> list[bytes]:
        if self._given is not None:
            keys = list(self._given)
        elif os.environ.get(ENV, "").strip():
            keys = parse_keys(os.environ[ENV], f"the environment variable {ENV}")
        else:
            keys = self._load_file(create)
        if not keys:
            raise SecretKeyError(f"{self.source} holds no key", _RESTORE)
        return keys

    def _load_file(self, create: bool) -> list[bytes]:
        path = self.path
        if path is None:
            raise SecretKeyError(
                f"no secret key: {ENV} is not set",
                f"set {ENV}, or use formocr db upgrade (the key file in data_dir)",
            )
        if not path.exists() and create:
            _create_key_file(path)
        try:
            text = path.read_text(encoding="ascii")
        except FileNotFoundError:
            raise SecretKeyError(
                f"no secret key: {ENV} is not set and the key file {path} does not exist, "
                "but the database holds sealed values",
                _RESTORE,
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SecretKeyError(
                f"the key file {path} cannot be read: {exc}",
                "check that it belongs to the user formocr runs as (mode 0600)",
            ) from exc
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)  # one made by hand with a looser mode
        return parse_keys(text, f"the key file {path}")

    def check(self, in_use: set[str]) -> None:
        """:class:`SecretKeyError` unless every key id in ``in_use`` (the keys that sealed
        stored values) is among these keys. Makes the key file only when nothing is sealed."""
        known = {key_id(k) for k in self.keys(create=not in_use)}
        unknown = sorted(in_use - known)
        if unknown:
            raise SecretKeyError(
                f"values in the database are sealed with key(s) {', '.join(unknown)}, which "
                f"are not among the keys of {self.source} ({', '.join(sorted(known))})",
                _RESTORE,
            )

    @property
    def current_id(self) -> str:
        return key_id(self.keys(create=True)[0])

    def seal(self, plain: bytes, context: str) -> str:
        """``plain`` encrypted and authenticated with the newest key, bound to ``context``."""
        keys = self.keys(create=True)
        kid = key_id(keys[0])
        nonce = secrets.token_bytes(_NONCE)
        sealed = self._ciphers[kid].encrypt(nonce, plain, context.encode("utf-8"))
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{VERSION}.{kid}.{body}"

    def open(self, token: str, context: str) -> bytes:
        """The bytes sealed in ``token`` at ``context``; :class:`SecretKeyError` otherwise."""
        match = TOKEN.fullmatch(token)
        if match is None:
            raise SecretKeyError(
                "a sealed value in the database is malformed",
                "restore the database from a backup",
            )
        kid, body = match.groups()
        self.keys()
        cipher = self._ciphers.get(kid)
        if cipher is None:
            known = ", ".join(sorted(self._ciphers))
            raise SecretKeyError(
                f"a value in the database is sealed with key {kid}, which is not among the "
                f"keys of {self.source} ({known})",
                _RESTORE,
            )
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        try:
            return cipher.decrypt(data[:_NONCE], data[_NONCE:], context.encode("utf-8"))
        except InvalidTag:
            raise SecretKeyError(
                f"a value sealed with key {kid} does not open at {context}: it was altered "
                "or moved in the database",
                "restore the database from a backup, and find out who changed it",
            ) from None

    @staticmethod
    def token_key_id(token: str) -> str | None:
        """The key id a token names (``None``: not a token)."""
        match = TOKEN.fullmatch(token)
        return match.group(1) if match else None
