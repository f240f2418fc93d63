from django.contrib import admin, messages

from raptorflow.admin_tools import AuditedAdminMixin
from raptorflow.audit.actors import Actor

from .models import Skill
from .services import skill_set_enabled


@admin.register(Skill)
class SkillAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Skills come from code; staff only switch them on and off."""

    list_display = ["slug", "name", "category", "kind", "version", "enabled", "available"]
    list_filter = ["category", "kind", "enabled", "available"]
    search_fields = ["slug", "name", "description"]
    actions = ["enable_selected", "disable_selected"]
    fields = [
        "slug",
        "name",
        "category",
        "kind",
        "version",
        "description",
        "enabled",
        "available",
        "input_schema",
        "output_schema",
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.fields if f != "enabled"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _switch(self, request, queryset, enabled: bool) -> None:
        actor = Actor.for_user(request.user)
        changed = sum(skill_set_enabled(skill, enabled=enabled, actor=actor) for skill in queryset)
        self.message_user(request, f"{'Enabled' if enabled else 'Disabled'} {changed} skill(s).", messages.SUCCESS)

    @admin.action(description="Enable selected skills")
    def enable_selected(self, request, queryset):
        self._switch(request, queryset, True)

    @admin.action(description="Disable selected skills")
    def disable_selected(self, request, queryset):
        self._switch(request, queryset, False)
