"""Webhook endpoints of a workspace, the messages sent to them, and one delivery per message and endpoint.

The delivery row is the source of truth (decision 0029): a Celery task sends it, and a periodic sweep sends again
whatever is due and was lost on the way.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from raptorflow.llm import crypto

from .choices import DeliveryStatus, EventType

RESPONSE_EXCERPT_CHARS = 2000


class Endpoint(models.Model):
    """A URL of the workspace's that receives the events it subscribes to, signed with its secret.

    The secret is stored encrypted (the LLM layer's Fernet keys). After a rotation the previous secret keeps signing
    too, until ``previous_secret_expires_at``: each request carries both signatures, so the receiver can switch at
    its own pace."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, help_text="The event types this endpoint receives.")
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The first failed attempt since the last success."
    )
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "webhook endpoint"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="endpoint_workspace_created")]

    def __str__(self) -> str:
        return self.url[:100]

    def set_secret(self, secret: str) -> None:
        self.secret_encrypted = crypto.encrypt(secret)

    def secrets(self) -> list[str]:
        """The secrets that sign a request now: the current one, and the previous one during its grace period."""
        current = [crypto.decrypt(self.secret_encrypted)]
        expires = self.previous_secret_expires_at
        if self.previous_secret_encrypted and expires is not None and expires > timezone.now():
            current.append(crypto.decrypt(self.previous_secret_encrypted))
        return current

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in self.event_types


class Message(models.Model):
    """One event as sent: its type and the exact body every endpoint receives (and every signature covers).

    ``once_key`` makes an event happen at most once per workspace (a budget threshold per month): a second
    emission with the same key is refused by the unique constraint, whoever commits first."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="webhook_messages")
    event_type = models.CharField(max_length=50, choices=EventType.choices)
    body = models.TextField(help_text="The JSON body, byte for byte as signed and sent.")
    once_key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "webhook message"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "once_key"], name="webhook_message_once_per_workspace")
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_id}"

    @property
    def webhook_id(self) -> str:
        """The `webhook-id` header: the same for every attempt and endpoint, so a receiver can drop duplicates."""
        return f"msg_{self.id.hex}"


class Delivery(models.Model):
    """A message's way to one endpoint: its attempts so far, the last request and response, the next attempt."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays", editable=False
    )
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    request_headers = models.JSONField(default=dict, blank=True, help_text="The last request's headers.")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text=f"The first {RESPONSE_EXCERPT_CHARS} characters.")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    log = models.JSONField(default=list, blank=True, help_text="Every attempt: time, status, duration, error.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_created"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_status_next"),
        ]

    def __str__(self) -> str:
        return f"{self.message.event_type} → {self.endpoint} ({self.status})"
