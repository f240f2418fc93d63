import json

from django.contrib import admin
from django.utils.html import format_html

from raptorflow.admin_tools import GrowingTableMixin, ReadOnlyAdminMixin

from .models import AuditEvent


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
