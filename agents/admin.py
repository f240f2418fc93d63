from django.contrib import admin, messages
from django.db.models import Max
from django.urls import reverse
from django.utils.html import format_html

from raptorflow.admin_tools import AuditedAdminMixin, GrowingTableMixin, ReadOnlyAdminMixin, ReadOnlyInline
from raptorflow.audit.actors import Actor

from .choices import FINAL_STATES
from .models import Agent, AgentVersion, Approval, Run, RunEvent, RunStep
from .services import RunStateError, agentversion_create_draft, agentversion_publish, run_cancel


class AgentVersionInline(ReadOnlyInline):
    model = AgentVersion
    fields = ["number", "status", "published_at", "published_by", "notes"]
    show_change_link = True
    ordering = ["-number"]


@admin.register(Agent)
class AgentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["slug", "name", "category", "enabled", "latest_version"]
    list_filter = ["category", "enabled"]
    search_fields = ["slug", "name", "description"]
    inlines = [AgentVersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(latest=Max("versions__number"))

    @admin.display(description="Latest version", ordering="latest")
    def latest_version(self, obj: Agent):
        return obj.latest


@admin.register(AgentVersion)
class AgentVersionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "agent", "number", "status", "published_at", "published_by", "created_at"]
    list_filter = ["status", "agent"]
    search_fields = ["agent__slug", "agent__name", "notes"]
    list_select_related = ["agent", "published_by"]
    filter_horizontal = ["skills"]
    actions = ["publish_selected", "new_draft_from_selected"]
    readonly_fields = ["number", "status", "created_by", "created_at", "published_by", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [f.name for f in AgentVersion._meta.fields if f.name != "id"] + ["skills"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_published

    def save_model(self, request, obj, form, change):
        if not change:
            obj.number = (AgentVersion.objects.filter(agent=obj.agent).aggregate(n=Max("number"))["n"] or 0) + 1
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected drafts")
    def publish_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        published = sum(agentversion_publish(version=v, actor=actor) for v in queryset)
        self.message_user(request, f"Published {published} version(s).", messages.SUCCESS)

    @admin.action(description="Create a new draft from each selected version")
    def new_draft_from_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        for version in queryset.select_related("agent"):
            draft = agentversion_create_draft(agent=version.agent, from_version=version, actor=actor)
            self.message_user(request, f"Created {draft}.", messages.SUCCESS)


class RunStepInline(ReadOnlyInline):
    model = RunStep
    fields = ["sequence", "kind", "name", "status", "provider", "model", "tokens_in", "tokens_out", "cost"]
    fields += ["latency_ms", "cache_hit", "error"]


class RunEventInline(ReadOnlyInline):
    model = RunEvent
    fields = ["sequence", "type", "data", "created_at"]


class ApprovalInline(ReadOnlyInline):
    model = Approval
    fields = ["reason", "status", "requested_at", "expires_at", "decided_by", "decided_at", "comment"]


@admin.register(Run)
class RunAdmin(GrowingTableMixin, admin.ModelAdmin):
    list_display = ["short_id", "workspace", "agent_version", "status", "created_at", "duration", "tokens", "cost"]
    list_filter = ["status", "agent_version__agent", "created_at"]
    search_fields = ["=id", "=idempotency_key", "=request_id"]
    list_select_related = ["workspace", "agent_version__agent"]
    raw_id_fields = ["workspace", "agent_version", "requested_by", "api_key"]
    inlines = [RunStepInline, RunEventInline, ApprovalInline]
    actions = ["cancel_selected"]
    readonly_fields = [
        "id",
        "workspace",
        "agent_version",
        "requested_by",
        "api_key",
        "status",
        "input",
        "output",
        "error_code",
        "error_message",
        "routing",
        "flags",
        "idempotency_key",
        "request_id",
        "tokens_in",
        "tokens_out",
        "cost",
        "attempt",
        "heartbeat_at",
        "created_at",
        "started_at",
        "finished_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False  # runs start through the API or a service, never by hand-filled form

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Run", ordering="id")
    def short_id(self, obj: Run) -> str:
        return str(obj.id)[:8]

    @admin.display(description="Duration")
    def duration(self, obj: Run) -> str:
        if obj.started_at and obj.finished_at:
            return f"{(obj.finished_at - obj.started_at).total_seconds():.1f} s"
        return "—"

    @admin.display(description="Tokens")
    def tokens(self, obj: Run) -> int:
        return obj.tokens_in + obj.tokens_out

    @admin.action(description="Cancel selected runs")
    def cancel_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        done = 0
        for run in queryset.exclude(status__in=FINAL_STATES):
            try:
                run_cancel(run=run, actor=actor, reason=f"Cancelled by {request.user} in the admin.")
                done += 1
            except RunStateError as exc:
                self.message_user(request, f"{run}: {exc.message}", messages.WARNING)
        self.message_user(request, f"Cancelled {done} run(s).", messages.SUCCESS)


class _RunChildAdmin(GrowingTableMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_select_related = ["run"]
    raw_id_fields = ["run"]

    @admin.display(description="Run")
    def run_link(self, obj) -> str:
        url = reverse("admin:agents_run_change", args=[obj.run_id])
        return format_html('<a href="{}">{}</a>', url, str(obj.run_id)[:8])


@admin.register(RunStep)
class RunStepAdmin(_RunChildAdmin):
    list_display = ["run_link", "sequence", "kind", "name", "status", "provider", "tokens_in", "tokens_out", "cost"]
    list_display += ["latency_ms", "cache_hit", "started_at"]
    list_filter = ["kind", "status", "cache_hit"]
    search_fields = ["=run__id", "name"]


@admin.register(RunEvent)
class RunEventAdmin(_RunChildAdmin):
    list_display = ["run_link", "sequence", "type", "created_at"]
    list_filter = ["type"]
    search_fields = ["=run__id"]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["run", "reason", "status", "requested_at", "expires_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["run", "decided_by"]
    raw_id_fields = ["run", "decided_by"]
