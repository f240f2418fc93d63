"""Users, workspaces, memberships and workspace-scoped API keys."""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from .choices import Role, Scope
from .schemas import validate_foundation
from .timezones import validate_timezone


class User(AbstractUser):
    """A person who signs in: staff in the admin, members through the API."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class Workspace(models.Model):
    """A customer's space: its company foundation, members, keys, runs and budget."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    monthly_budget = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="USD per calendar month across all runs; 0 allows only free (offline or cached) calls.",
    )
    foundation = models.JSONField(default=dict, blank=True, validators=[validate_foundation])
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="IANA time zone name (e.g. Europe/Paris): the zone the workspace's schedules' cron times are in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one workspace."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "workspace"], name="membership_unique_user_workspace")]
        ordering = ["workspace", "user"]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"


def hash_api_key(plaintext: str) -> str:
    # API keys carry 256 random bits, so a fast keyed hash is enough (no need for a
    # slow password hash on every request); see docs/decisions/0003-api-keys.md.
    return hmac.new(b"raptorflow-api-key", plaintext.encode(), hashlib.sha256).hexdigest()


class APIKey(models.Model):
    """A workspace-scoped credential for scripts. Only a hash of the secret is stored."""

    PREFIX = "rfk"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="apikey_workspace_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.PREFIX}_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def has_scope(self, scope: str) -> bool:
        return Scope.ADMIN in self.scopes or scope in self.scopes

    def check_secret(self, plaintext: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_api_key(plaintext))
