"""Authenticated encryption of secrets at rest (Fernet), with a rotating key list."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretDecryptionError(Exception):
    """The stored secret cannot be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.RAPTORFLOW_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    """Encrypt with the newest key (the first in RAPTORFLOW_ENCRYPTION_KEYS)."""
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretDecryptionError(
            "A stored secret could not be decrypted with any key in RAPTORFLOW_ENCRYPTION_KEYS; "
            "the key it was encrypted with is missing or the value was altered."
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key (decrypting with whichever key fits)."""
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretDecryptionError("A stored secret could not be decrypted with any configured key.") from None
