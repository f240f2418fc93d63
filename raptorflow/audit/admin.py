import ipaddress
import json

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html

from raptorflow.admin_tools import AuditedAdminMixin, GrowingTableMixin, ReadOnlyAdminMixin
from raptorflow.client_ip import client_ip, normalise_ip

from .actors import Actor
from .blocklist import ipblock_disable
from .models import AuditEvent, IPBlock


@admin.register(AuditEvent)
class AuditEventAdmin(GrowingTableMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "target_repr", "workspace_id", "outcome", "ip", "seq"]
    list_filter = ["outcome", "actor_type", "created_at"]
    search_fields = ["action", "actor_label", "target_repr", "target_id", "request_id"]
    date_hierarchy = None
    fields = [
        "created_at",
        "actor_type",
        "actor_label",
        "actor_user_id",
        "actor_api_key_id",
        "workspace_id",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "changes_pretty",
        "outcome",
        "ip",
        "user_agent",
        "request_id",
        "seq",
        "prev_hash",
        "hash",
    ]
    readonly_fields = fields

    def get_actions(self, request):
        return {}

    @admin.display(description="Changes")
    def changes_pretty(self, obj: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.changes, indent=2, sort_keys=True, ensure_ascii=False))


class IPBlockForm(forms.ModelForm):
    """Refuses an enabled block that covers the address of the staff member saving it.

    Otherwise one typo (0.0.0.0/0, the office range) locks staff out of the very
    admin that could lift the block; the way back would be a database shell.
    """

    requester_ip: str | None = None  # set per request by IPBlockAdmin.get_form

    class Meta:
        model = IPBlock
        fields = ["network", "reason", "enabled", "expires_at"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("enabled") and _covers(cleaned.get("network") or "", self.requester_ip):
            message = f"This range includes your own address ({self.requester_ip}): you would lock yourself out."
            self.add_error("network", message)
        return cleaned


def _covers(network: str, ip: str | None) -> bool:
    try:
        return ip is not None and ipaddress.ip_address(ip) in ipaddress.ip_network(network.strip(), strict=False)
    except ValueError:
        return False  # not a network: the field's own validator reports it


class ActiveNowFilter(admin.SimpleListFilter):
    title = "active now"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No (disabled or expired)")]

    def queryset(self, request, queryset: QuerySet[IPBlock]) -> QuerySet[IPBlock]:
        active = IPBlock.objects.active().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=active)
        if self.value() == "no":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(IPBlock)
class IPBlockAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Staff block addresses and ranges here; every add, edit, disable and delete is audited with a diff."""

    form = IPBlockForm
    list_display = ["network", "reason", "enabled", "expires_at", "active_now", "created_by", "created_at"]
    list_filter = [ActiveNowFilter, "enabled", ("expires_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["network", "reason"]
    list_select_related = ["created_by"]
    fields = ["network", "reason", "enabled", "expires_at", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    actions = ["disable_selected"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.requester_ip = client_ip(request)  # a fresh form class per call, so this never leaks across requests
        return form

    def get_search_results(self, request, queryset, search_term):
        """Searching for an address also finds the ranges that contain it ("why is this client blocked?")."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        address = normalise_ip(search_term)
        if address is None:
            return results, may_have_duplicates
        covering = [pk for pk, network in queryset.values_list("pk", "network") if _covers(network, address)]
        return results | queryset.filter(pk__in=covering), may_have_duplicates

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(boolean=True, description="Active")
    def active_now(self, obj: IPBlock) -> bool:
        return obj.is_active(timezone.now())

    @admin.action(description="Disable selected blocks")
    def disable_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        disabled = sum(ipblock_disable(block, actor=actor) for block in queryset)
        self.message_user(request, f"Disabled {disabled} block(s).", messages.SUCCESS)
