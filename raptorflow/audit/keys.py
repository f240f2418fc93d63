"""The audit keys (RAPTORFLOW_AUDIT_KEYS): HMAC keys kept outside the database.

They sign each event's chain link, the keyed digests of its personal fields and
every checkpoint. The first key signs; any listed key verifies, so keys rotate
like the encryption keys (raptorflow/llm/crypto.py): prepend a new one and keep
the old ones as long as events they signed exist. An event records the *id* of
the key that signed it, a fingerprint that reveals nothing of the key.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings


class AuditKeyError(Exception):
    """No audit key is configured (RAPTORFLOW_AUDIT_KEYS is empty)."""


@dataclass(frozen=True, slots=True)
class AuditKey:
    id: str
    secret: bytes

    def mac(self, purpose: bytes, *parts: bytes) -> str:
        """HMAC-SHA256 of the parts, separated by newlines, under a purpose label (so no two uses can collide)."""
        return hmac.new(self.secret, b"\n".join((purpose, *parts)), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class KeyRing:
    keys: tuple[AuditKey, ...]

    @property
    def newest(self) -> AuditKey:
        if not self.keys:
            raise AuditKeyError("RAPTORFLOW_AUDIT_KEYS is empty: the audit trail cannot be sealed or verified.")
        return self.keys[0]

    def get(self, key_id: str) -> AuditKey | None:
        return next((key for key in self.keys if key.id == key_id), None)


def key_id(secret: str) -> str:
    """A key's public name: 16 hex digits of an HMAC under the key itself (one-way)."""
    return hmac.new(secret.encode(), b"raptorflow.audit.key-id", hashlib.sha256).hexdigest()[:16]


@lru_cache(maxsize=4)
def _ring(secrets: tuple[str, ...]) -> KeyRing:
    return KeyRing(tuple(AuditKey(key_id(secret), secret.encode()) for secret in secrets))


def keyring() -> KeyRing:
    """The configured keys, newest first (rebuilt when the setting changes, as in tests)."""
    return _ring(tuple(settings.RAPTORFLOW_AUDIT_KEYS))
