"""The audit trail: one append-only, hash-chained stream of who did what; and the IP blocklist."""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone

from .choices import ActorType, Outcome


class AuditImmutableError(Exception):
    """Audit events are written once; nothing may change or delete them."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("Audit events cannot be changed.")

    def delete(self):
        raise AuditImmutableError("Audit events cannot be deleted.")

    def _seal_many(self, links: list[tuple[int, str, str, str, int]]) -> None:
        """Write the chain fields (seq, prev_hash, hash, key_id) of unsealed events by id: the sealer's update.

        One round trip for the batch (psycopg pipelines ``executemany``), so the
        sealer keeps up with many writers.
        """
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s, key_id = %s "  # noqa: S608
                "WHERE id = %s AND seq IS NULL",
                links,  # the table name is the model's own; every value is a parameter
            )

    def _redact_many(self, events: list[AuditEvent]) -> None:
        """Write the pseudonymised fields and their digests of sealed events: retention's and erasure's update.

        The chain fields are never touched; the link keeps verifying because it
        covers the digests kept in ``redacted`` (raptorflow/audit/chain.py).
        """
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ("actor_label", "target_repr", "changes", "ip", "user_agent", "redacted")
        fields = [self.model._meta.get_field(name) for name in names]
        assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in names)
        rows = [[*(_db_value(field, event, connection) for field in fields), event.pk] for event in events]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s AND seq IS NOT NULL",  # noqa: S608
                rows,  # table and column names are the model's own; every value is a parameter
            )


def _db_value(field: Any, event: AuditEvent, connection: Any) -> Any:
    return field.get_db_prep_save(field.value_from_object(event), connection)


class AuditEvent(models.Model):
    """One thing that happened. Sealed into the chain (seq, prev_hash, hash, key_id) right after commit.

    Foreign keys are kept without database constraints and never cascade, so
    deleting a user, key or workspace leaves its history untouched. The link is
    an HMAC under the audit key ``key_id`` names (raptorflow/audit/chain.py);
    personal fields enter it as keyed digests, so retention and erasure clear
    them (keeping the digest in ``redacted``) without breaking the chain.
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
    key_id = models.CharField(
        max_length=16,
        blank=True,
        editable=False,
        help_text="The audit key that signed the link (its id, never the key); empty: sealed before the keys.",
    )
    redacted = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Pseudonymised fields: their keyed digests, which the chain still covers (cleared raw values).",
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["workspace", "-id"], name="audit_workspace_id"),
            models.Index(fields=["action", "-id"], name="audit_action_id"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            # Retention's query: events still holding a client address or user agent, oldest first. Partial, so the
            # daily run reads only what is left to pseudonymise, not years of cleared rows.
            models.Index(
                fields=["created_at"],
                condition=Q(ip__isnull=False) | ~Q(user_agent=""),
                name="audit_client_raw",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label} at {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("Audit events cannot be deleted.")

    @property
    def pseudonymised(self) -> list[str]:
        """The fields whose raw value was cleared (retention or erasure)."""
        return sorted(name for name in self.redacted or {} if not name.startswith("_"))


def normalise_network(value: str) -> str:
    """The canonical spelling of an address or CIDR range ("203.0.113.7/24" -> "203.0.113.0/24").

    Host bits are dropped rather than refused (strict=False) because staff paste
    an address seen in a log together with the prefix they want to cover.
    """
    try:
        return str(ipaddress.ip_network(str(value).strip(), strict=False))
    except ValueError:
        raise ValidationError(
            "Enter an IPv4 or IPv6 address or CIDR range, e.g. 203.0.113.7 or 203.0.113.0/24.", code="invalid"
        ) from None


def validate_network(value: str) -> None:
    normalise_network(value)


class IPBlockQuerySet(models.QuerySet):
    def active(self, now: datetime | None = None) -> IPBlockQuerySet:
        """Blocks that apply right now: enabled and not expired."""
        now = now or timezone.now()
        return self.filter(enabled=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class IPBlock(models.Model):
    """Requests from this address or range are refused before authentication (IPBlockMiddleware).

    Kept (disabled or expired) rather than deleted when lifted, so the admin
    shows what was blocked and why; every change is in the audit trail.
    """

    network = models.CharField(
        max_length=64,
        validators=[validate_network],
        help_text="A single address (203.0.113.7, 2001:db8::1) or a CIDR range (203.0.113.0/24, 2001:db8::/32).",
    )
    reason = models.CharField(max_length=300, help_text="Why: shown to staff, kept in the audit trail.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until disabled.")
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IPBlockQuerySet.as_manager()

    class Meta:
        verbose_name = "IP block"
        ordering = ["-created_at"]
        indexes = [
            # The blocklist loader's query: enabled rows, by expiry. Partial, so disabled history costs nothing.
            models.Index(fields=["expires_at"], condition=Q(enabled=True), name="audit_ipblock_active"),
        ]

    def __str__(self) -> str:
        return self.network

    def save(self, *args, **kwargs):
        # Normalised on every save, not only through forms, so the blocklist never parses a loose spelling.
        self.network = normalise_network(self.network)
        super().save(*args, **kwargs)

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.enabled and (self.expires_at is None or self.expires_at > now)
