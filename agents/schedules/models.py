"""A schedule: run an agent's published version with a fixed input whenever its cron expression fires, in the
workspace's time zone. Importable from agents.models."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import MissedFirePolicy, ScheduleTarget


class Schedule(models.Model):
    """A workspace's standing order. The beat tick (services.schedules_tick) fires it when ``next_fire_at`` has
    come; each firing's idempotency key is the schedule's id and the fire time, so a fire time starts one run,
    however many beats tick or retry."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="schedules")
    name = models.CharField(max_length=200)
    target_kind = models.CharField(max_length=20, choices=ScheduleTarget.choices, default=ScheduleTarget.AGENT)
    agent = models.ForeignKey(
        "agents.Agent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schedules",
        help_text="The agent whose latest published version runs at each fire time (target kind agent).",
    )
    pipeline = models.ForeignKey(
        "agents.Pipeline",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schedules",
        help_text="The pipeline whose live version runs at each fire time (target kind pipeline).",
    )
    input = models.JSONField(
        default=dict, blank=True, help_text="The fixed input, checked against the agent's (or pipeline's) schema."
    )
    cron = models.CharField(
        max_length=200, help_text="Five fields: minute hour day-of-month month day-of-week, in the workspace's zone."
    )
    paused = models.BooleanField(default=False)
    missed_fire_policy = models.CharField(
        max_length=10, choices=MissedFirePolicy.choices, default=MissedFirePolicy.SKIP
    )
    next_fire_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The next fire time (UTC); empty while paused."
    )
    last_fired_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The fire time of the last firing (its nominal time)."
    )
    last_run = models.ForeignKey(
        "agents.Run", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    last_pipeline_run = models.ForeignKey(
        "agents.PipelineRun", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    last_error = models.CharField(
        max_length=500, blank=True, editable=False, help_text="Why the last firing started nothing (empty if it did)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="schedule_unique_workspace_name"),
            models.CheckConstraint(
                condition=~models.Q(target_kind=ScheduleTarget.AGENT) | models.Q(agent__isnull=False),
                name="schedule_agent_target_has_agent",
            ),
            models.CheckConstraint(
                condition=~models.Q(target_kind=ScheduleTarget.PIPELINE) | models.Q(pipeline__isnull=False),
                name="schedule_pipeline_target_has_pipeline",
            ),
        ]
        indexes = [
            # The tick's scan: unpaused schedules whose next fire time has come.
            models.Index(
                fields=["next_fire_at"],
                name="schedule_due",
                condition=models.Q(paused=False, next_fire_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name
