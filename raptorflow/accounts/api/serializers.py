"""Workspaces, memberships and API keys as the API shows them.

Output serializers are read-only; each write has its own small request
serializer, so the schema says exactly what a client may send.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import validate_slug
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from raptorflow.accounts.choices import Role, Scope
from raptorflow.accounts.erasure import CONFIRMATION
from raptorflow.accounts.models import APIKey, Membership, User, Workspace
from raptorflow.accounts.schemas import FOUNDATION_SCHEMA
from raptorflow.api.serializers import StrictCharField, StrictChoiceField, StrictModelSerializer
from raptorflow.errors import UnprocessableError

# The foundation's JSON Schema, published in the OpenAPI document ($schema is not an OpenAPI keyword).
_FOUNDATION_OPENAPI = {key: value for key, value in FOUNDATION_SCHEMA.items() if key != "$schema"}


@extend_schema_field(_FOUNDATION_OPENAPI)
class FoundationField(serializers.JSONField):
    """The company context every agent reads; validated against the foundation JSON Schema."""


class WorkspaceSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(
        choices=Role.choices,
        read_only=True,
        allow_null=True,
        help_text="Your role here; null when calling with an API key (a key has scopes, not a role).",
    )
    foundation = FoundationField(read_only=True)

    class Meta:
        model = Workspace
        fields = ["slug", "name", "monthly_budget", "timezone", "foundation", "role", "created_at", "updated_at"]
        read_only_fields = fields


class WorkspaceCreateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    slug = StrictCharField(
        max_length=80,
        required=False,
        validators=[validate_slug],
        help_text="The workspace's address in the API (letters, digits, - and _); made from the name if left out.",
    )
    foundation = FoundationField(required=False, validators=Workspace._meta.get_field("foundation").validators)


class WorkspaceUpdateSerializer(StrictModelSerializer):
    # ModelSerializer copies the model's validators, so an invalid foundation is a 400 with the schema messages.
    foundation = FoundationField(required=False, validators=Workspace._meta.get_field("foundation").validators)
    # A name the zone database does not know is the service's 422 invalid_timezone: the schema cannot list the
    # names (they come from the machine's tz database), so a string is all it states (decision 0025).
    timezone = StrictCharField(
        max_length=64, required=False, help_text="IANA time zone name (Europe/Paris); the zone schedules fire in."
    )

    class Meta:
        model = Workspace
        fields = ["name", "monthly_budget", "timezone", "foundation"]


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "email", "role", "created_at"]
        read_only_fields = fields


class MembershipCreateSerializer(serializers.Serializer):
    # Not trimmed here: validate_user strips, so "  " is a name no user has (a 422), not a blank field (a 400).
    user = StrictCharField(
        max_length=254, trim_whitespace=False, help_text="Username or email address of an existing user."
    )
    role = StrictChoiceField(choices=Role.choices, default=Role.MEMBER)

    def validate_user(self, value: str) -> User:
        identifier = value.strip()
        user = _find_user(identifier) if identifier else None  # "" would match a user whose email is blank
        if user is None:
            message = "No single active user has this username or email address."
            raise UnprocessableError("user_not_found", message, {"user": [message]})
        return user


def _find_user(identifier: str) -> User | None:
    """The user named by username, else by email (only when exactly one has it: emails are not unique)."""
    user = User.objects.filter(username=identifier, is_active=True).first()
    if user is not None:
        return user
    by_email = list(User.objects.filter(email__iexact=identifier, is_active=True)[:2])
    return by_email[0] if len(by_email) == 1 else None


class MembershipUpdateSerializer(serializers.Serializer):
    role = StrictChoiceField(choices=Role.choices)


class APIKeySerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(child=StrictChoiceField(choices=Scope.choices), read_only=True)
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    active = serializers.BooleanField(source="is_active", read_only=True, help_text="Neither revoked nor expired.")

    class Meta:
        model = APIKey
        fields = [
            "id", "name", "prefix", "scopes", "created_by", "created_at",
            "last_used_at", "expires_at", "revoked_at", "active",
        ]  # fmt: skip
        read_only_fields = fields


class APIKeyCreatedSerializer(APIKeySerializer):
    key = StrictCharField(
        read_only=True, help_text="The secret, shown this once: store it now. Send as `Authorization: Api-Key <key>`."
    )

    class Meta(APIKeySerializer.Meta):
        fields = [*APIKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class APIKeyCreateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100)
    scopes = serializers.ListField(
        child=StrictChoiceField(choices=Scope.choices),
        allow_empty=False,
        min_length=1,  # allow_empty alone leaves minItems out of the schema
        help_text="What the key may do; `admin` implies every scope.",
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_expires_at(self, value: Any) -> Any:
        if value is not None and value <= timezone.now():
            problem = "Must be in the future."
            raise UnprocessableError("expires_in_past", f"expires_at: {problem}", {"expires_at": [problem]})
        return value


class EraseSerializer(serializers.Serializer):
    confirm = StrictChoiceField(
        choices=[CONFIRMATION],
        help_text=f"Exactly `{CONFIRMATION}`: erasure cannot be undone.",
    )
