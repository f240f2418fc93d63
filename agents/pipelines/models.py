"""Pipelines: named, versioned graphs of agent steps, and their runs (docs/decisions/0033-pipelines.md).

A ``PipelineVersion`` holds the definition (``steps``: what each step runs and how its input is assembled, see
agents/pipelines/definition.py); like an agent version it is immutable once published. A ``PipelineRun`` is one
execution: its ``PipelineStep`` rows say where each step stands and which child ``Run`` does (or did) its work;
the child runs are ordinary runs (``Run.pipeline_run``), so everything a run does (budget holds, approvals,
recovery) holds for them. ``PipelineEvent`` is the pipeline's one stream: step markers and the children's events.

These models import nothing of agents.models (they name it by string): agents/models.py imports them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from .choices import FailurePolicy, PipelineRunStatus, PipelineStepStatus


class PublishedPipelineError(ValidationError):
    """A published pipeline version was asked to change."""


class Pipeline(models.Model):
    """A named pipeline. ``workspace`` empty: a platform pipeline (shipped, or made by staff), every workspace's to
    run; else its workspace's own, made by its members through the API."""

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, null=True, blank=True, related_name="pipelines"
    )
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="pipeline_unique_slug"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(workspace__isnull=True), name="pipeline_unique_platform_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class PipelineVersion(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(editable=False)
    status = models.CharField(max_length=10, default="draft", editable=False)  # VersionStatus: draft | published
    input_schema = models.JSONField(default=dict, blank=True, help_text="JSON Schema of the pipeline's input.")
    steps = models.JSONField(default=list, help_text="The steps (docs/decisions/0033-pipelines.md).")
    budget = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="USD a run of this pipeline may spend on model calls, all steps together (a run may ask less).",
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pipeline", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "number"], name="pipelineversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.pipeline.slug} v{self.number}" + ("" if self.is_published else " (draft)")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = PipelineVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == "published":
                raise PublishedPipelineError(
                    f"{self} is published and cannot change; create a new draft.", code="version_published"
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise PublishedPipelineError(f"{self} is published and cannot be deleted.", code="version_published")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == "published"


class PipelineRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="pipeline_runs")
    version = models.ForeignKey(PipelineVersion, on_delete=models.PROTECT, related_name="runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    api_key = models.ForeignKey("accounts.APIKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    input = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=PipelineRunStatus.choices, default=PipelineRunStatus.RUNNING)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    budget = models.DecimalField(max_digits=12, decimal_places=6)
    spent = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    reserved = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        default=Decimal("0"),
        help_text="Held for model calls in flight (their worst case).",
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    last_event_seq = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="pipelinerun_unique_idempotency_key",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "-created_at", "-id"], name="pipelinerun_workspace_created")]

    def __str__(self) -> str:
        return f"Pipeline run {str(self.id)[:8]} ({self.status})"


class PipelineStep(models.Model):
    """Where one step of a pipeline run stands. ``run`` is the child run doing (or that did) its work; a step
    revised after a check gets a new child run (a follow-up of the first), counted in ``revisions``."""

    pipeline_run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=PipelineStepStatus.choices, default=PipelineStepStatus.PENDING)
    on_failure = models.CharField(max_length=10, choices=FailurePolicy.choices, default=FailurePolicy.STOP)
    run = models.ForeignKey("agents.Run", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revisions = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pipeline_run", "position"]
        constraints = [models.UniqueConstraint(fields=["pipeline_run", "key"], name="pipelinestep_unique_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class PipelineEvent(models.Model):
    pipeline_run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="events")
    sequence = models.PositiveIntegerField()
    type = models.CharField(max_length=50)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pipeline_run", "sequence"]
        constraints = [models.UniqueConstraint(fields=["pipeline_run", "sequence"], name="pipelineevent_unique_seq")]

    def __str__(self) -> str:
        return f"{self.type} #{self.sequence}"
