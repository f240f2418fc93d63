"""Standard Webhooks signatures (https://www.standardwebhooks.com), with the `standardwebhooks` package.

A secret is ``whsec_`` and base64 of 32 random bytes. Each request carries ``webhook-id``, ``webhook-timestamp``
(the attempt's time, seconds) and ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``, one per
secret that signs now, separated by spaces (during a rotation's grace period, the new and the previous secret).
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature_headers(msg_id: str, timestamp: datetime, body: str, signing_secrets: list[str]) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt, signed with every secret given."""
    signatures = [Webhook(secret).sign(msg_id, timestamp, body) for secret in signing_secrets]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
