"""Staff pages for schedules: each shows its next five fire times; saves, deletes, pause and resume go through the
audited services (agents/schedules/services.py). Imported by agents/admin.py so that it registers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html_join

from agents.models import Schedule
from raptorflow.audit.actors import Actor

from .selectors import UPCOMING, schedule_upcoming
from .services import (
    UPDATABLE,
    ScheduleError,
    schedule_check,
    schedule_create,
    schedule_delete,
    schedule_pause,
    schedule_resume,
    schedule_update,
)


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = Schedule
        fields = [
            "workspace", "name", "target_kind", "agent", "pipeline", "input", "cron", "missed_fire_policy", "paused",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        workspace = data.get("workspace") or getattr(self.instance, "workspace", None)
        if self.errors or workspace is None:
            return data
        try:
            data["cron"] = schedule_check(
                workspace=workspace, name=data["name"], cron=data["cron"], agent=data.get("agent"),
                input=data.get("input"), exclude=self.instance.pk, target_kind=data.get("target_kind", "agent"),
                pipeline=data.get("pipeline"),
            )  # fmt: skip
        except ScheduleError as exc:
            fields = exc.error_fields() or {}
            for field, problems in fields.items():
                self.add_error(field if field in self.fields else None, list(problems))
            if not fields:
                self.add_error("name" if exc.code == "name_taken" else None, exc.message)
        return data


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    form = ScheduleForm
    list_display = ["name", "workspace", "agent", "cron", "paused", "missed_fire_policy", "next_fire_at",
                    "last_fired_at", "last_error"]  # fmt: skip
    list_filter = ["paused", "missed_fire_policy", "target_kind"]
    list_select_related = ["workspace", "agent"]
    search_fields = ["name", "workspace__slug", "agent__slug"]
    raw_id_fields = ["workspace"]
    readonly_fields = ["time_zone", "next_fire_times", "next_fire_at", "last_fired_at", "last_run", "last_error",
                       "created_by", "created_at", "updated_at"]  # fmt: skip
    actions = ["pause_selected", "resume_selected"]

    def get_readonly_fields(self, request, obj=None):
        # The workspace and the target kind are set once; pausing has its own actions.
        fixed = ["workspace", "target_kind", "paused"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    @admin.display(description="Time zone")
    def time_zone(self, obj: Schedule) -> str:
        return obj.workspace.timezone if obj.pk else "—"

    @admin.display(description=f"Next {UPCOMING} fire times")
    def next_fire_times(self, obj: Schedule):
        if not obj.pk:
            return "—"
        times = schedule_upcoming(obj)
        if not times:
            return "None: paused."
        return format_html_join("", "<div>{}</div>", ((t.strftime("%a %Y-%m-%d %H:%M %Z (UTC%z)"),) for t in times))

    def save_model(self, request, obj: Schedule, form, change: bool) -> None:
        actor = Actor.for_user(request.user)
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in UPDATABLE if name in data}
            saved = schedule_update(schedule=obj, actor=actor, **fields)
        else:
            saved = schedule_create(
                workspace=data["workspace"], actor=actor, name=data["name"], cron=data["cron"], agent=data["agent"],
                input=data["input"], missed_fire_policy=data["missed_fire_policy"], paused=data["paused"],
                target_kind=data["target_kind"], pipeline=data.get("pipeline"),
            )  # fmt: skip
        obj.pk = saved.pk  # the admin redirects to the saved row

    def delete_model(self, request, obj: Schedule) -> None:
        schedule_delete(schedule=obj, actor=Actor.for_user(request.user))

    def delete_queryset(self, request, queryset) -> None:
        for schedule in queryset:
            self.delete_model(request, schedule)

    @admin.action(description="Pause selected schedules")
    def pause_selected(self, request, queryset) -> None:
        actor = Actor.for_user(request.user)
        for schedule in queryset:
            schedule_pause(schedule=schedule, actor=actor)
        self.message_user(request, f"Paused {queryset.count()} schedule(s).", messages.SUCCESS)

    @admin.action(description="Resume selected schedules")
    def resume_selected(self, request, queryset) -> None:
        actor = Actor.for_user(request.user)
        for schedule in queryset:
            schedule_resume(schedule=schedule, actor=actor)
        self.message_user(request, f"Resumed {queryset.count()} schedule(s).", messages.SUCCESS)
