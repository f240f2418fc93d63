from django.contrib import admin

from raptorflow.admin_tools import GrowingTableMixin, ReadOnlyAdminMixin

from .models import DailyRollup


@admin.register(DailyRollup)
class DailyRollupAdmin(GrowingTableMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "workspace", "agent", "runs_total", "success_rate", "duration_p95_ms", "tokens_in", "cost"]
    list_filter = ["day", "agent"]
    search_fields = ["workspace__name", "agent__slug"]
    list_select_related = ["workspace", "agent"]
