"""Secrets OpsDesk must be able to use again, such as a mailbox's IMAP password, sealed at rest.

A sealed value is `sealed:v1:` and a Fernet token (AES-128-CBC with HMAC-SHA256, from `cryptography`) under a key
derived from SECRET_KEY, so a copy of the database alone reveals nothing. SECRET_KEY_FALLBACKS still open values
sealed under an earlier key (rotate, then save the mailbox again to re-seal). A value no key opens reads as empty,
and the mailbox page then asks for the password again; it is never shown or logged.

`SealedField` does this for a model field: Python code reads and writes the plain text, the database holds only the
sealed form. Such a field cannot be searched or compared in a query.
"""

from __future__ import annotations

import base64
import functools
import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac

log = logging.getLogger(__name__)

PREFIX = "sealed:v1:"
_SALT = "opsdesk.core.secrets"


class Unreadable(Exception):
    """A sealed value that no current key opens (SECRET_KEY changed without a fallback), or one not sealed."""


@functools.lru_cache(maxsize=4)
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(salted_hmac(_SALT, "fernet", secret=key, algorithm="sha256").digest()))
            for key in keys
        ]
    )


def _keys() -> MultiFernet:
    return _box((settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])))


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(text: str) -> str:
    """The sealed form of `text` ("" stays ""); each call gives a different token."""
    if not text:
        return ""
    return PREFIX + _keys().encrypt(text.encode()).decode("ascii")


def unseal(value: str) -> str:
    if not value:
        return ""
    if not is_sealed(value):
        raise Unreadable("not a sealed value")
    try:
        return _keys().decrypt(value[len(PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, ValueError) as error:
        raise Unreadable("no key opens this value") from error


class SealedField(models.TextField):
    """Plain text in Python, sealed in the database (see the module's docstring)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        try:
            return unseal(value or "")
        except Unreadable:
            log.warning("%s: a sealed value could not be opened (was SECRET_KEY changed?)", self)
            return ""

    def get_prep_value(self, value: Any) -> str:
        text = super().get_prep_value(value) or ""
        return text if is_sealed(text) else seal(text)
