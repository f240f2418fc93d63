"""Audit of secret use: a provider key decrypted for a call is recorded, at most every few minutes per provider."""

from __future__ import annotations

from django.core.cache import cache
from django.db import models

from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log

DECRYPT_AUDIT_RESOLUTION_SECONDS = 600


def note_decryption(provider: models.Model) -> None:
    """``provider`` is a Provider (typed as any model: .models imports this module)."""
    if provider.pk and cache.add(f"secret-decrypt-audited:{provider.pk}", 1, DECRYPT_AUDIT_RESOLUTION_SECONDS):
        audit_log("secret.decrypt", actor=Actor.system("llm"), target=provider)
