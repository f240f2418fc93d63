from django import forms
from django.contrib import admin

from raptorflow.admin_tools import AuditedAdminMixin

from .models import ModelPrice, Provider


class ProviderForm(forms.ModelForm):
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

    def save(self, commit=True):
        provider = super().save(commit=False)
        if self.cleaned_data.get("clear_api_key"):
            provider.set_api_key("")
        elif self.cleaned_data.get("api_key"):
            provider.set_api_key(self.cleaned_data["api_key"])
        if commit:
            provider.save()
        return provider


@admin.register(Provider)
class ProviderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ProviderForm
    audit_redact = ("api_key_encrypted",)
    list_display = ["name", "kind", "base_url", "api_key_masked", "timeout_seconds", "max_retries", "enabled"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "base_url"]
    readonly_fields = ["api_key_masked", "created_at", "updated_at"]

    def get_fields(self, request, obj=None):
        fields = list(ProviderForm.Meta.fields)
        fields.insert(3, "api_key_masked")
        return fields if obj else [f for f in fields if f not in {"api_key_masked", "clear_api_key"}]

    @admin.display(description="Stored key")
    def api_key_masked(self, obj: Provider) -> str:
        return obj.api_key_masked or "—"


@admin.register(ModelPrice)
class ModelPriceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "provider_kind",
        "model",
        "input_per_million",
        "output_per_million",
        "cached_input_per_million",
        "effective_from",
    ]
    list_filter = ["provider_kind"]
    search_fields = ["model"]
