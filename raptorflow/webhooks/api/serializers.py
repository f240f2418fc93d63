"""Webhook endpoints and deliveries as the API shows them. A secret is shown once: when made, and when rotated."""

from __future__ import annotations

from rest_framework import serializers

from raptorflow.api.serializers import StrictBooleanField, StrictCharField, StrictChoiceField

from ..choices import EventType
from ..models import Delivery, Endpoint

# Not a URLField: a URL the schema's `format: uri` allows and the rules refuse is a 422 (decision 0025).
URL_HELP = "An http(s) URL on a public address; 422 `endpoint_refused` otherwise."
EVENT_TYPES_HELP = "What the endpoint receives: " + ", ".join(f"`{value}`" for value in EventType.values) + "."


class EndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=StrictChoiceField(choices=EventType.choices), read_only=True)
    disabled_reason = serializers.CharField(
        read_only=True, help_text="Why the endpoint was turned off (empty while it is on, or when a person did)."
    )
    previous_secret_expires_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Until then the previous secret signs too (after a rotation)."
    )

    class Meta:
        model = Endpoint
        fields = [
            "id", "url", "description", "event_types", "active", "disabled_reason", "disabled_at",
            "failing_since", "consecutive_failures", "previous_secret_expires_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = StrictCharField(
        read_only=True,
        help_text="The signing secret (`whsec_…`), shown this once: store it in your receiver now.",
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class EndpointCreateSerializer(serializers.Serializer):
    url = StrictCharField(max_length=2000, help_text=URL_HELP)
    description = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    event_types = serializers.ListField(
        child=StrictChoiceField(choices=EventType.choices), allow_empty=False, min_length=1, help_text=EVENT_TYPES_HELP
    )


class EndpointUpdateSerializer(serializers.Serializer):
    url = StrictCharField(max_length=2000, required=False, help_text=URL_HELP)
    description = StrictCharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=StrictChoiceField(choices=EventType.choices),
        allow_empty=False,
        min_length=1,
        required=False,
        help_text=EVENT_TYPES_HELP,
    )
    active = StrictBooleanField(
        required=False, help_text="Turn the endpoint off, or on again (which clears why it was turned off)."
    )


class DeliverySerializer(serializers.ModelSerializer):
    event_type = StrictChoiceField(source="message.event_type", choices=EventType.choices, read_only=True)
    webhook_id = serializers.CharField(
        source="message.webhook_id", read_only=True, help_text="The `webhook-id` header: the same on every attempt."
    )
    request_body = serializers.CharField(source="message.body", read_only=True, help_text="The JSON body, as signed.")
    request_headers = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="The last attempt's headers (no secret in them)."
    )
    log = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text="Every attempt: `attempt`, `at`, `status` (null without an answer), `ms`, and `error` if any.",
    )

    class Meta:
        model = Delivery
        fields = [
            "id", "endpoint", "event_type", "webhook_id", "status", "attempts", "next_attempt_at",
            "first_attempt_at", "last_attempt_at", "request_headers", "request_body", "response_status",
            "response_body", "duration_ms", "last_error", "log", "replay_of", "created_at",
        ]  # fmt: skip
        read_only_fields = fields
