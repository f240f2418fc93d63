"""Webhook endpoints (secret shown once, rotation, why an endpoint was disabled) and the delivery log (replay).

Writes go through the services, which audit them as the API's do (``webhook_endpoint.*``, ``webhook_delivery.replay``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils.html import format_html

from raptorflow.admin_tools import AdminRequest, GrowingTableMixin, ReadOnlyAdminMixin, json_block
from raptorflow.audit.actors import Actor
from raptorflow.errors import ServiceError

from . import services
from .choices import EventType
from .models import Delivery, Endpoint
from .sending import url_problem

if TYPE_CHECKING:
    _EndpointFormBase = forms.ModelForm[Endpoint]
    _EndpointAdminBase = admin.ModelAdmin[Endpoint]
    _DeliveryAdminBase = admin.ModelAdmin[Delivery]
else:
    _EndpointFormBase = forms.ModelForm
    _EndpointAdminBase = _DeliveryAdminBase = admin.ModelAdmin


class EndpointForm(_EndpointFormBase):
    url = forms.URLField(max_length=2000, assume_scheme="https", help_text="An http(s) URL on a public address.")
    event_types = forms.MultipleChoiceField(choices=EventType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Endpoint
        fields = ["workspace", "url", "description", "event_types", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if problem := url_problem(url):
            raise forms.ValidationError(problem)
        return url


@admin.register(Endpoint)
class EndpointAdmin(_EndpointAdminBase):
    form = EndpointForm
    list_display = ["url", "workspace", "events", "active", "disabled_at", "consecutive_failures", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description", "workspace__slug"]
    list_select_related = ["workspace"]
    raw_id_fields = ["workspace"]
    readonly_fields = [
        "disabled_reason", "disabled_at", "failing_since", "consecutive_failures", "previous_secret_expires_at",
        "created_by", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["rotate_secret", "turn_on"]

    @admin.display(description="Events")
    def events(self, obj: Endpoint) -> str:
        return ", ".join(obj.event_types)

    def save_model(self, request: Any, obj: Endpoint, form: Any, change: bool) -> None:
        actor = Actor.for_user(request.user)
        data = form.cleaned_data
        if not change:
            endpoint, secret = services.endpoint_create(
                workspace=data["workspace"],
                url=data["url"],
                event_types=data["event_types"],
                description=data["description"],
                actor=actor,
            )
            obj.pk = endpoint.pk
            self.message_user(request, f"Signing secret, shown this once: {secret}", messages.WARNING)
            return
        current = Endpoint.objects.get(pk=obj.pk)
        fields = ("url", "description", "event_types", "active")
        changes = {name: data[name] for name in fields if data[name] != getattr(current, name)}
        services.endpoint_update(endpoint=current, actor=actor, **changes)

    def delete_model(self, request: Any, obj: Endpoint) -> None:
        services.endpoint_delete(endpoint=obj, actor=Actor.for_user(request.user))

    def delete_queryset(self, request: Any, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            self.delete_model(request, endpoint)

    @admin.action(description="Rotate the secret (the old one signs too for the grace period)")
    def rotate_secret(self, request: AdminRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            rotated, secret = services.endpoint_rotate_secret(endpoint=endpoint, actor=Actor.for_user(request.user))
            expires = f"{rotated.previous_secret_expires_at:%Y-%m-%d %H:%M} UTC"
            message = f"{endpoint}: new secret, shown this once: {secret} (the old one signs too until {expires})."
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="Turn on (clears why it was disabled)")
    def turn_on(self, request: AdminRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset.filter(active=False):
            services.endpoint_update(endpoint=endpoint, actor=Actor.for_user(request.user), active=True)
            self.message_user(request, f"{endpoint}: on again.")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, GrowingTableMixin, _DeliveryAdminBase):
    list_display = [
        "id", "event_type", "endpoint", "status", "attempts", "response_status", "duration_ms", "next_attempt_at",
        "created_at",
    ]  # fmt: skip
    list_filter = ["status", "message__event_type"]
    search_fields = ["endpoint__url", "endpoint__workspace__slug"]
    list_select_related = ["message", "endpoint"]
    actions = ["replay"]
    readonly_fields = [
        "endpoint", "event_type", "webhook_id", "status", "attempts", "first_attempt_at", "last_attempt_at",
        "next_attempt_at", "response_status", "duration_ms", "last_error", "replay_of", "request", "headers",
        "response", "attempt_log",
    ]  # fmt: skip
    fields = tuple(readonly_fields)

    @admin.display(description="Event", ordering="message__event_type")
    def event_type(self, obj: Delivery) -> str:
        return obj.message.event_type

    @admin.display(description="webhook-id")
    def webhook_id(self, obj: Delivery) -> str:
        return obj.message.webhook_id

    @admin.display(description="Request body")
    def request(self, obj: Delivery) -> str:
        return json_block(json.loads(obj.message.body), label="Body")

    @admin.display(description="Request headers")
    def headers(self, obj: Delivery) -> str:
        return json_block(obj.request_headers, label="Headers")

    @admin.display(description="Response body (start)")
    def response(self, obj: Delivery) -> str:
        return format_html("<pre>{}</pre>", obj.response_body) if obj.response_body else "—"

    @admin.display(description="Attempts")
    def attempt_log(self, obj: Delivery) -> str:
        return json_block(obj.log, label="Attempts")

    @admin.action(description="Replay (send the same message again)")
    def replay(self, request: AdminRequest, queryset: QuerySet[Delivery]) -> None:
        for delivery in queryset.select_related("endpoint", "message"):
            try:
                replay = services.delivery_replay(delivery=delivery, actor=Actor.for_user(request.user))
            except ServiceError as refusal:
                self.message_user(request, f"Delivery {delivery.pk}: not replayed: {refusal.message}", messages.ERROR)
                continue
            self.message_user(request, f"Delivery {delivery.pk}: replayed as delivery {replay.pk}.")
