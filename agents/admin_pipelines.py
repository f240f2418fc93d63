"""The console's pipeline pages: pipelines and their versions (staff define and publish platform pipelines here),
and pipeline runs with their steps, costs and stream (read-only, with cancel)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from raptorflow.admin_tools import AuditedAdminMixin, GrowingTableMixin, ReadOnlyInline, json_block
from raptorflow.audit.actors import Actor
from raptorflow.errors import ServiceError

from .models import Pipeline, PipelineEvent, PipelineRun, PipelineVersion
from .pipelines.choices import PIPELINE_FINAL_STATES
from .pipelines.selectors import step_rows
from .pipelines.services import PipelineDefinitionError, pipeline_cancel, pipeline_check, pipeline_publish

EVENTS_SHOWN = 200
STEPS_HEAD = mark_safe(  # a constant
    "<tr><th>Step</th><th>Agent</th><th>Status</th><th>Run</th><th>Cost</th><th>Tokens in / out</th>"
    "<th>Time</th><th>Error</th></tr>"
)


class PipelineVersionInline(ReadOnlyInline):
    model = PipelineVersion
    fields = ["number", "status", "budget", "published_at", "notes"]
    show_change_link = True


@admin.register(Pipeline)
class PipelineAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["slug", "name", "owner", "live_version", "created_at"]
    search_fields = ["slug", "name"]
    raw_id_fields = ["workspace"]
    inlines = [PipelineVersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("workspace").prefetch_related("versions")

    @admin.display(description="Owner")
    def owner(self, obj: Pipeline) -> str:
        return str(obj.workspace) if obj.workspace_id else "platform"

    @admin.display(description="Live version")
    def live_version(self, obj: Pipeline) -> int | None:
        published = [v.number for v in obj.versions.all() if v.is_published]
        return max(published, default=None)


class PipelineVersionForm(forms.ModelForm):
    class Meta:
        model = PipelineVersion
        fields = ["pipeline", "input_schema", "steps", "budget", "notes"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "steps" in data and "input_schema" in data:
            try:
                pipeline_check(input_schema=data["input_schema"], steps=data["steps"])
            except PipelineDefinitionError as refusal:
                raise ValidationError([refusal.message, *refusal.errors[:20]]) from None
        return data


@admin.register(PipelineVersion)
class PipelineVersionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = PipelineVersionForm
    list_display = ["__str__", "pipeline", "number", "status", "budget", "published_at", "created_at"]
    list_filter = ["status"]
    list_select_related = ["pipeline"]
    readonly_fields = ["number", "status", "steps_json", "created_by", "created_at", "published_at"]
    actions = ["publish_selected"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:  # immutable: every field is shown, none is editable
            return ["pipeline", "input_schema", "steps_json", "budget", "notes", *self.readonly_fields]
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return ["pipeline", "number", "status", "input_schema", "steps_json", "budget", "notes", "created_by",
                    "created_at", "published_at"]  # fmt: skip
        return ["pipeline", "input_schema", "steps", "budget", "notes"]

    @admin.display(description="Steps")
    def steps_json(self, obj: PipelineVersion) -> str:
        return json_block(obj.steps, label="Steps")

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_published

    def save_model(self, request, obj, form, change):
        if not change:
            with transaction.atomic():
                last = PipelineVersion.objects.select_for_update().filter(pipeline=obj.pipeline).order_by("-number")
                obj.number = (last.values_list("number", flat=True).first() or 0) + 1
                obj.created_by = request.user
                super().save_model(request, obj, form, change)
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish the selected drafts (checked again first)")
    def publish_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        for version in queryset.filter(status="draft"):
            try:
                pipeline_publish(version=version, actor=actor)
            except ServiceError as refusal:
                self.message_user(request, f"{version}: {refusal.message} {refusal.errors or ''}", messages.ERROR)
            else:
                self.message_user(request, f"{version} is published.", messages.SUCCESS)


@admin.register(PipelineRun)
class PipelineRunAdmin(GrowingTableMixin, admin.ModelAdmin):
    list_display = ["short_id", "workspace", "version", "status", "spent", "budget", "created_at", "finished_at"]
    list_filter = ["status", "version__pipeline", "created_at"]
    list_select_related = ["workspace", "version__pipeline"]
    search_fields = ["=id", "=idempotency_key"]
    actions = ["cancel_selected"]
    readonly_fields = [
        "id", "workspace", "version", "requested_by", "api_key", "status", "error_code", "error_message",
        "budget", "spent", "reserved", "steps_table", "input_json", "events_list", "idempotency_key",
        "created_at", "finished_at",
    ]  # fmt: skip
    fields = readonly_fields  # type: ignore[assignment]

    @admin.display(description="Run")
    def short_id(self, obj: PipelineRun) -> str:
        return str(obj.pk)[:8]

    @admin.display(description="Input")
    def input_json(self, obj: PipelineRun) -> str:
        return json_block(obj.input, label="Input", open_=False)

    @admin.display(description="Steps (cost, tokens and working time per step)")
    def steps_table(self, obj: PipelineRun) -> str:
        rows = step_rows(obj, outputs=False)
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>${}</td><td>{} / {}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r["key"], r["agent"], r["status"],
                    format_html('<a href="{}">{}</a>', reverse("admin:agents_run_change", args=[r["run"]]),
                                str(r["run"])[:8]) if r["run"] else "—",
                    r["cost"], r["tokens_in"], r["tokens_out"],
                    f"{r['duration_seconds']:.1f} s" if r["duration_seconds"] is not None else "—",
                    r["error_code"] or "",
                )
                for r in rows
            ),
        )  # fmt: skip
        return format_html('<table class="pipeline-steps">{}{}</table>', STEPS_HEAD, body)

    @admin.display(description=f"Stream (last {EVENTS_SHOWN} events)")
    def events_list(self, obj: PipelineRun) -> str:
        events = list(PipelineEvent.objects.filter(pipeline_run=obj).order_by("-sequence")[:EVENTS_SHOWN])
        return json_block(
            [{"sequence": e.sequence, "type": e.type, "data": e.data, "at": e.created_at.isoformat()} for e in events],
            label="Events, newest first",
            open_=False,
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Cancel the selected pipeline runs")
    def cancel_selected(self, request, queryset):
        actor = Actor.for_user(request.user)
        for run in queryset.exclude(status__in=PIPELINE_FINAL_STATES):
            pipeline_cancel(run=run, actor=actor, reason="Cancelled in the console.")
        self.message_user(request, "Cancelled.", messages.SUCCESS)
