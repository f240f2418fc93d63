"""The audit trail: one append-only, hash-chained stream of who did what."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone

from .choices import ActorType, Outcome


class AuditImmutableError(Exception):
    """Audit events are written once; nothing may change or delete them."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("Audit events cannot be changed.")

    def delete(self):
        raise AuditImmutableError("Audit events cannot be deleted.")

    def _seal(self, *, seq: int, prev_hash: str, hash: str) -> int:
        """Write the chain fields of one unsealed event (the sealer's only update)."""
        unsealed = self.filter(seq__isnull=True)
        return models.QuerySet.update(unsealed, seq=seq, prev_hash=prev_hash, hash=hash)


class AuditEvent(models.Model):
    """One thing that happened. Sealed into the chain (seq, prev_hash, hash) right after commit.

    Foreign keys are kept without database constraints and never cascade, so
    deleting a user, key or workspace leaves its history untouched.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_type = models.CharField(max_length=10, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_api_key = models.ForeignKey(
        "accounts.APIKey", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    workspace = models.ForeignKey(
        "accounts.Workspace",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["workspace", "-id"], name="audit_workspace_id"),
            models.Index(fields=["action", "-id"], name="audit_action_id"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label} at {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("Audit events cannot be deleted.")

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field that states what happened."""
        body = {
            "id": self.pk,
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor_type": self.actor_type,
            "actor_user": self.actor_user_id,
            "actor_api_key": self.actor_api_key_id,
            "actor_label": self.actor_label,
            "workspace": self.workspace_id,
            "action": self.action,
            "target": [self.target_type, self.target_id, self.target_repr],
            "changes": self.changes,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "request_id": self.request_id,
            "outcome": self.outcome,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def compute_hash(self, prev_hash: str) -> str:
        return hashlib.sha256(prev_hash.encode() + b"\n" + self.canonical()).hexdigest()
