"""Providers (keys stored encrypted, shown masked; test connection; breaker state) and model prices per provider."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from raptorflow.admin_tools import AdminRequest, AuditedAdminMixin
from raptorflow.audit.actors import Actor

from .breaker import breaker_state
from .models import ModelPrice, Provider
from .services import provider_breaker_reset, provider_test_connection

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups

    _ProviderFormBase = forms.ModelForm[Provider]
    _ProviderAdminBase = admin.ModelAdmin[Provider]
    _ModelPriceAdminBase = admin.ModelAdmin[ModelPrice]
else:  # Django's classes take no type arguments at run time
    _ProviderFormBase = forms.ModelForm
    _ProviderAdminBase = _ModelPriceAdminBase = admin.ModelAdmin

BREAKER_COLOURS = {"closed": "#2e7d32", "half_open": "#b26a00", "open": "#c62828"}


class ProviderForm(_ProviderFormBase):
    base_url = forms.URLField(
        required=False, assume_scheme="https", help_text=Provider._meta.get_field("base_url").help_text
    )
    api_key = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Stored encrypted. Leave empty to keep the current key.",
    )
    clear_api_key = forms.BooleanField(required=False, help_text="Remove the stored key.")

    class Meta:
        model = Provider
        fields = ["name", "kind", "base_url", "api_key", "clear_api_key", "timeout_seconds", "max_retries", "enabled"]

    def save(self, commit: bool = True) -> Provider:
        provider = super().save(commit=False)
        if self.cleaned_data.get("clear_api_key"):
            provider.set_api_key("")
        elif self.cleaned_data.get("api_key"):
            provider.set_api_key(self.cleaned_data["api_key"])
        if commit:
            provider.save()
        return provider


@admin.register(Provider)
class ProviderAdmin(AuditedAdminMixin, _ProviderAdminBase):
    form = ProviderForm
    audit_redact = ("api_key_encrypted",)
    list_display = [
        "name", "kind", "base_url", "api_key_masked", "breaker", "timeout_seconds", "max_retries", "enabled",
    ]  # fmt: skip
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "base_url"]
    readonly_fields = ["api_key_masked", "breaker", "created_at", "updated_at"]
    actions = ["test_connection", "reset_breaker"]

    def get_fields(self, request: HttpRequest, obj: Provider | None = None) -> _FieldGroups:
        fields = list(ProviderForm.Meta.fields)
        fields.insert(3, "api_key_masked")
        fields.append("breaker")
        hidden = set() if obj else {"api_key_masked", "clear_api_key", "breaker"}
        return [f for f in fields if f not in hidden]

    @admin.display(description="Stored key")
    def api_key_masked(self, obj: Provider) -> str:
        return obj.api_key_masked or "—"

    @admin.display(description="Circuit breaker")
    def breaker(self, obj: Provider) -> str:
        state = breaker_state(obj.name)
        label = state.replace("_", "-")
        return format_html('<strong style="color: {}">{}</strong>', BREAKER_COLOURS[state], label)

    @admin.action(description="Test connection (one small call)")
    def test_connection(self, request: AdminRequest, queryset: QuerySet[Provider]) -> None:
        for provider in queryset:
            self._report_test(request, provider)

    @admin.action(description="Reset circuit breaker")
    def reset_breaker(self, request: AdminRequest, queryset: QuerySet[Provider]) -> None:
        actor = Actor.for_user(request.user)
        for provider in queryset:
            before = provider_breaker_reset(provider, actor=actor)
            self.message_user(request, f"{provider.name}: breaker reset (was {before.replace('_', '-')}).")

    def _report_test(self, request: AdminRequest, provider: Provider) -> None:
        result = provider_test_connection(provider, actor=Actor.for_user(request.user))
        if result.ok:
            message = f"{provider.name}: connection OK ({result.model}, {result.latency_ms} ms)."
            self.message_user(request, message, messages.SUCCESS)
        else:
            message = (
                f"{provider.name}: connection failed after {result.latency_ms} ms ({result.model}): {result.error}"
            )
            self.message_user(request, message, messages.ERROR)

    # The same two operations as buttons on the change page (templates/admin/llm/provider/change_form.html).
    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/test-connection/", wrap(self.test_connection_view), name="llm_provider_test"),
            path("<int:pk>/reset-breaker/", wrap(self.reset_breaker_view), name="llm_provider_reset_breaker"),
            *super().get_urls(),
        ]

    def test_connection_view(self, request: AdminRequest, pk: int) -> HttpResponse:
        provider = self._provider_for_post(request, pk)
        if not isinstance(provider, Provider):
            return provider
        self._report_test(request, provider)
        return HttpResponseRedirect(reverse("admin:llm_provider_change", args=[pk]))

    def reset_breaker_view(self, request: AdminRequest, pk: int) -> HttpResponse:
        provider = self._provider_for_post(request, pk)
        if not isinstance(provider, Provider):
            return provider
        self.reset_breaker(request, Provider.objects.filter(pk=pk))
        return HttpResponseRedirect(reverse("admin:llm_provider_change", args=[pk]))

    def _provider_for_post(self, request: AdminRequest, pk: int) -> Provider | HttpResponseNotAllowed:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        provider = get_object_or_404(Provider, pk=pk)
        if not self.has_change_permission(request, provider):
            raise PermissionDenied
        return provider


@admin.register(ModelPrice)
class ModelPriceAdmin(AuditedAdminMixin, _ModelPriceAdminBase):
    """USD per million tokens, per provider and model: uncached input, cached input, cache writes, output."""

    list_display = [
        "provider",
        "model",
        "input_per_million",
        "cached_input_per_million",
        "cache_write_per_million",
        "output_per_million",
        "effective_from",
    ]
    list_filter = ["provider", "provider__kind"]
    list_select_related = ["provider"]
    search_fields = ["model", "provider__name"]
    fields = [
        "provider",
        "model",
        "input_per_million",
        "cached_input_per_million",
        "cache_write_per_million",
        "output_per_million",
        "effective_from",
    ]
