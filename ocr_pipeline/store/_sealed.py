"""Which stored values are sealed, and how a sealed value sits in its column.

Sensitive fields (:func:`is_sensitive`: the 個人番号) are sealed wherever their value can
appear: a field's ``value``, ``ocr_value`` and ``raw``; a blind entry's ``value``; an audit
event's ``old``, ``new`` and ``detail`` when the event is about such a field. Free text a
person writes (a correction's reason, a 返戻 reason) is sealed, with its event, when it
holds 12 digits in a row (:func:`mentions_my_number`). A JSON column
holds ``{"$sealed": token}`` (no field value or audit record is ever that dict); a text column
holds ``"$sealed:" + token``, and any text that would start so is sealed too, so that what
starts so was sealed by the store. Each value is bound to its place (:func:`place`): tenant,
document, field and column.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from form_schemas.sensitivity import is_sensitive_type

from .keys import Keyring

JSON_KEY = "$sealed"
TEXT_PREFIX = "$sealed:"


# 12 digits (full-width too), maybe spaced or hyphenated in groups, not part of a longer number.
_TWELVE_DIGITS = re.compile(r"(?<![0-9])(?:[0-9][ \-]?){11}[0-9](?![0-9])")


def is_sensitive(field_type: str) -> bool:
    """Whether values of fields of this type are sealed at rest (the types sensitive
    whatever the form says: a flag of one form cannot reach rows already stored)."""
    return is_sensitive_type(field_type)


def mentions_my_number(text: str | None) -> bool:
    """Whether free text a person wrote (a reason) may hold a 個人番号: 12 digits in a row."""
    if not text:
        return False
    folded = unicodedata.normalize("NFKC", text).replace("\u2010", "-").replace("\u2212", "-")
    return _TWELVE_DIGITS.search(folded) is not None


def place(tenant: str, document_id: int | None, field_id: str | None, column: str) -> str:
    """The context a value is sealed to (authenticated with it)."""
    return f"formocr/{tenant}/{document_id}/{field_id}/{column}"


def is_sealed_json(stored: Any) -> bool:
    return isinstance(stored, dict) and len(stored) == 1 and isinstance(stored.get(JSON_KEY), str)


def is_sealed_text(stored: Any) -> bool:
    return isinstance(stored, str) and stored.startswith(TEXT_PREFIX)


def token_of(stored: Any) -> str | None:
    """The token of a sealed JSON or text value (``None``: stored in clear)."""
    if is_sealed_json(stored):
        token: str = stored[JSON_KEY]
        return token
    if is_sealed_text(stored):
        return str(stored)[len(TEXT_PREFIX) :]
    return None


class Sealer:
    """Seals and opens the values of one tenant's rows with the installation's keys."""

    def __init__(self, keys: Keyring, tenant: str) -> None:
        self.keys = keys
        self.tenant = tenant

    def _place(self, document_id: int | None, field_id: str | None, column: str) -> str:
        return place(self.tenant, document_id, field_id, column)

    def seal_json(
        self, value: Any, document_id: int | None, field_id: str | None, column: str
    ) -> Any:
        """``value`` as it is stored in a JSON column (``None`` stays ``None``)."""
        if value is None:
            return None
        plain = json.dumps(value, ensure_ascii=False).encode("utf-8")
        return {JSON_KEY: self.keys.seal(plain, self._place(document_id, field_id, column))}

    def open_json(
        self, stored: Any, document_id: int | None, field_id: str | None, column: str
    ) -> Any:
        """The clear value of a JSON column (values stored in clear come back as they are)."""
        if not is_sealed_json(stored):
            return stored
        plain = self.keys.open(stored[JSON_KEY], self._place(document_id, field_id, column))
        return json.loads(plain.decode("utf-8"))

    def seal_text(
        self, text: str, document_id: int | None, field_id: str | None, column: str
    ) -> str:
        token = self.keys.seal(text.encode("utf-8"), self._place(document_id, field_id, column))
        return TEXT_PREFIX + token

    def open_text(
        self, stored: str, document_id: int | None, field_id: str | None, column: str
    ) -> str:
        if not is_sealed_text(stored):
            return stored
        token = stored[len(TEXT_PREFIX) :]
        return self.keys.open(token, self._place(document_id, field_id, column)).decode("utf-8")

    def text_in(
        self,
        text: str,
        sensitive: bool,
        document_id: int | None,
        field_id: str | None,
        column: str,
    ) -> str:
        """``text`` as stored: sealed when sensitive, or when it looks sealed already."""
        if sensitive or is_sealed_text(text):
            return self.seal_text(text, document_id, field_id, column)
        return text

    def json_in(
        self,
        value: Any,
        sensitive: bool,
        document_id: int | None,
        field_id: str | None,
        column: str,
    ) -> Any:
        """``value`` as stored: sealed when sensitive, or when it looks sealed already."""
        if sensitive or is_sealed_json(value):
            return self.seal_json(value, document_id, field_id, column)
        return value
