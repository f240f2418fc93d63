"""Agents, their immutable published versions, and runs with their steps, events and approvals."""

from __future__ import annotations

import uuid
from contextlib import suppress
from datetime import timedelta
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from jsonschema import Draft202012Validator

from .choices import ApprovalStatus, InputRequestStatus, RunStatus, StepKind, StepStatus, VersionStatus


class _MoneyOptions(TypedDict):
    max_digits: int
    decimal_places: int
    default: Decimal


_MONEY: _MoneyOptions = {"max_digits": 14, "decimal_places": 6, "default": Decimal("0")}


class PublishedVersionError(ValidationError):
    """A published agent version is immutable: create a new draft instead."""


def validate_model_tools(value: object) -> None:
    """``model_tools`` lists what a model may call: declared skills by slug, and declared tools by name that have
    an input schema (a tool without one is for code only). Each error names its entry."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError("Must be a list of skill slugs and tool names.", code="invalid")
    problems = [problem for name in value if (problem := _model_tool_problem(name))]
    problems += [f"{name!r} is listed twice." for name in sorted({n for n in value if value.count(n) > 1})]
    if problems:
        raise ValidationError([ValidationError(problem, code="invalid_model_tool") for problem in problems])


def _model_tool_problem(name: str) -> str:
    """Why a model cannot call ``name``, or "" if it can (the runtime's rule: agents/runs/model.py)."""
    from skills import registry as skill_registry  # the registries load the skill library: not at import time
    from skills import tools as tool_registry

    with suppress(KeyError):
        skill_registry.get(name)
        return ""
    try:
        tool = tool_registry.spec(name)
    except KeyError:
        return f"{name!r} is neither a skill nor a tool."
    if tool.input_schema is None:
        return f"{name!r} is a tool without an input schema: a model cannot call it."
    return ""


class Agent(models.Model):
    """A specialist agent (ICP architect, content creator…). What it does lives in its versions."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    gating_dataset = models.ForeignKey(
        "agents.EvalDataset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Publishing a version then needs a finished experiment of it on this dataset that passes at least "
        "as many cases as the published version's latest (docs/decisions/0024-evaluations.md).",
    )
    gate_floor = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Optional: the least pass rate (0 to 1) on the gating dataset a version needs to be published.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        dataset = self.gating_dataset
        if dataset is not None and (dataset.agent_id != self.pk or dataset.workspace_id is not None):
            raise ValidationError(
                {"gating_dataset": "Choose a platform dataset (no workspace) of this agent."}, code="invalid"
            )


class AgentVersion(models.Model):
    """One configuration of an agent. A draft may change; once published it never does."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(editable=False)
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT, editable=False)
    system_prompt = models.TextField(blank=True)
    model_chain = models.JSONField(
        default=list,
        blank=True,
        help_text='Providers tried in order: [{"provider": "<provider name>", "model": "<model>"}, …].',
    )
    temperature = models.FloatField(default=0.0, validators=[MinValueValidator(0), MaxValueValidator(2)])
    max_tokens = models.PositiveIntegerField(
        default=1024, validators=[MinValueValidator(1), MaxValueValidator(200_000)]
    )
    cache_responses = models.BooleanField(
        default=True, help_text="Reuse identical LLM answers (only for deterministic calls, temperature 0)."
    )
    skills = models.ManyToManyField("skills.Skill", blank=True, related_name="agent_versions")
    input_schema = models.JSONField(default=dict, blank=True)
    output_schema = models.JSONField(default=dict, blank=True)
    routing_examples = models.JSONField(default=list, blank=True)
    run_budget = models.DecimalField(
        max_digits=10, decimal_places=4, default=Decimal("1.00"), help_text="USD a single run may spend."
    )
    timeout_seconds = models.PositiveIntegerField(
        default=300, validators=[MinValueValidator(1), MaxValueValidator(3600)]
    )
    requires_approval = models.BooleanField(default=False, help_text="Hold the output for a person to approve.")
    allow_self_approval = models.BooleanField(
        default=False,
        help_text="Let the person or key that started a run also approve it (audited as self-approval). "
        "Off: another admin, owner or key with runs:approve decides.",
    )
    model_tools = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_model_tools],
        help_text='Skills (by slug) and tools (by name) the model may call itself, e.g. ["finance.unit_economics", '
        '"text.stats"]; a tool must declare an input schema. Empty: the model calls none. A call of a sensitive '
        "one waits for a person's approval.",
    )
    max_tool_iterations = models.PositiveSmallIntegerField(
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="How many model turns a tool loop may take (each turn may call several tools) before the run "
        "fails with tool_loop_limit.",
    )
    stream = models.BooleanField(
        default=True,
        help_text="Stream the model's text into the run's events (delta events) as it comes, instead of all at "
        "once when the call ends.",
    )
    notes = models.TextField(blank=True, help_text="What changed in this version.")
    code_digest = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="The digest of the agent's code spec this version was made from; empty for staff's versions.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["agent", "-number"]
        permissions = [("override_eval_gate", "Can publish a version the evaluation gate refuses (with a reason)")]
        constraints = [
            models.UniqueConstraint(fields=["agent", "number"], name="agentversion_unique_number"),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT) | Q(published_at__isnull=False),
                name="agentversion_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent.slug} v{self.number}" + (" (draft)" if self.status == VersionStatus.DRAFT else "")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = AgentVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == VersionStatus.PUBLISHED:
                raise PublishedVersionError(
                    f"{self} is published and cannot change; create a new draft.", code="version_published"
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise PublishedVersionError(f"{self} is published and cannot be deleted.", code="version_published")
        return super().delete(*args, **kwargs)

    @cached_property
    def input_validator(self) -> Draft202012Validator:
        """The input schema, compiled once per instance (published versions are memoised per process)."""
        return Draft202012Validator(self.input_schema)

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class Run(models.Model):
    """One execution of an agent version for a workspace: the database is its source of truth."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="runs")
    agent_version = models.ForeignKey(AgentVersion, on_delete=models.PROTECT, related_name="runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    api_key = models.ForeignKey("accounts.APIKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    input = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    output = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    routing = models.JSONField(null=True, blank=True, help_text="The dispatcher's decision, when routed from text.")
    flags = models.JSONField(default=list, blank=True, help_text="Heuristic flags on the input (never a block).")
    evaluation = models.BooleanField(
        default=False,
        editable=False,
        help_text="A case of an experiment (agents/evals): kept out of usage, billing and analytics.",
    )
    pipeline_run = models.ForeignKey(
        "agents.PipelineRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="runs",
        help_text="The pipeline run this run is a step of.",
    )  # fmt: skip
    pipeline_step = models.CharField(max_length=40, blank=True, help_text="Its step's key in the pipeline.")
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups",
        help_text="The run this one follows up (its thread is the chain of parents).",
    )  # fmt: skip
    instructions = models.TextField(blank=True, help_text="A follow-up's instructions for revising its parent.")
    idempotency_key = models.CharField(max_length=255, blank=True)
    schedule = models.ForeignKey(
        "agents.Schedule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="runs",
        help_text="The schedule that started this run, if one did.",
    )
    request_hash = models.CharField(max_length=64, blank=True, editable=False)
    request_id = models.CharField(max_length=64, blank=True)
    # The OpenTelemetry trace the run belongs to (raptorflow/tracing.py): empty when tracing was off.
    trace_id = models.CharField(max_length=32, blank=True, editable=False, help_text="OpenTelemetry trace id.")
    traceparent = models.CharField(
        max_length=64, blank=True, editable=False, help_text="W3C traceparent of the request that created it."
    )
    tokens_in = models.PositiveBigIntegerField(default=0)
    tokens_out = models.PositiveBigIntegerField(default=0)
    cached_tokens_in = models.PositiveBigIntegerField(default=0, help_text="Input tokens read from a prompt cache.")
    cache_write_tokens = models.PositiveBigIntegerField(default=0, help_text="Input tokens written to a prompt cache.")
    cost = models.DecimalField(**_MONEY)
    attempt = models.PositiveSmallIntegerField(default=0)
    last_event_seq = models.PositiveIntegerField(default=0, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    waited = models.DurationField(
        default=timedelta(0),
        editable=False,
        help_text="Time spent waiting for a person (an approval or answers): not part of the run's duration.",
    )
    waiting_since = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set while the run waits for a person."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="run_unique_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "-created_at", "-id"], name="run_workspace_created"),
            models.Index(fields=["workspace", "status", "-created_at"], name="run_workspace_status"),
            models.Index(fields=["status", "heartbeat_at"], name="run_status_heartbeat"),
            models.Index(fields=["agent_version", "-created_at"], name="run_version_created"),
        ]

    def __str__(self) -> str:
        return f"Run {str(self.id)[:8]} ({self.status})"


class WorkspaceSpend(models.Model):
    """What a workspace's runs have cost in one UTC month: a running total kept beside the runs.

    Charged in the same transaction as the run's own ``cost`` (``run_charge``), so
    the budget check before every run and every paid call reads one row instead
    of summing the month's runs. A run's cost counts in the month it was created,
    as in the usage report.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="spend")
    month = models.DateField(help_text="The first day of the UTC month.")
    amount = models.DecimalField(**_MONEY)
    reserved = models.DecimalField(
        help_text="Worst cases of paid calls in flight, held against the budget until each is settled.", **_MONEY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "workspace spend"
        verbose_name_plural = "workspace spend"
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["workspace", "month"], name="workspacespend_unique_month")]

    def __str__(self) -> str:
        return f"{self.workspace} {self.month:%Y-%m}: ${self.amount:.2f}"


class SpendReservation(models.Model):
    """A paid call's worst-case cost, held against its workspace's month while the call is in flight.

    Checked and taken in one conditional UPDATE of the month's WorkspaceSpend (``amount + reserved + this ≤
    budget``), so concurrent runs cannot together spend past the budget; settled after the call (the actual
    cost charged, the hold released); released by the sweeper when the run's worker died mid-call.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey("Run", on_delete=models.CASCADE, related_name="reservations")
    experiment = models.ForeignKey(
        "agents.Experiment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="For an evaluation run: the experiment whose budget holds the same amount.",
    )
    month = models.DateField()
    amount = models.DecimalField(**_MONEY)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"${self.amount} held for {self.run}"


class RunStep(models.Model):
    """A skill, tool or LLM call made by a run, with what it cost."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="steps")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=StepKind.choices)
    name = models.CharField(max_length=200)
    input = models.JSONField(default=dict, blank=True)
    output = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.RUNNING)
    error = models.TextField(blank=True)
    provider = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=200, blank=True)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cached_tokens_in = models.PositiveIntegerField(default=0)
    cache_write_tokens = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(**_MONEY)
    latency_ms = models.PositiveIntegerField(default=0)
    cache_hit = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_id", "sequence"]  # the column: "run" would order (and join) by the run's own ordering
        constraints = [models.UniqueConstraint(fields=["run", "sequence"], name="runstep_unique_sequence")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind}:{self.name}"


class RunEvent(models.Model):
    """The ordered stream of what happened to a run; clients follow it by sequence number."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="events")
    sequence = models.PositiveIntegerField()
    type = models.CharField(max_length=50)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["run_id", "sequence"]  # the column: "run" would order (and join) by the run's own ordering
        constraints = [models.UniqueConstraint(fields=["run", "sequence"], name="runevent_unique_sequence")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.type}"


class Approval(models.Model):
    """A person's decision on a gated run's output."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="approvals")
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    step_sequence = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a gate on one call: the step number the call will take."
    )
    call = models.JSONField(
        null=True, blank=True, help_text='For a gate on one call: {"kind", "name", "input"} of the call that waits.'
    )

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["run"], condition=Q(status=ApprovalStatus.PENDING), name="approval_one_pending_per_run"
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="approval_status_requested")]

    def __str__(self) -> str:
        return f"Approval for {self.run} ({self.status})"


class InputRequest(models.Model):
    """Questions a run asks because it lacks what it needs (rather than inventing it), and their answers.

    ``questions``: ``[{"key", "prompt", "schema"?, "required"?}]``, where ``schema`` is a JSON Schema for the
    answer. The run waits in ``awaiting_input``; answering sends it back to the queue and its worker continues
    where it asked (its earlier steps are replayed from their records).
    """

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="input_requests")
    step_sequence = models.PositiveIntegerField(help_text="The step number the answers will take.")
    questions = models.JSONField()
    answers = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=InputRequestStatus.choices, default=InputRequestStatus.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["run"], condition=Q(status=InputRequestStatus.PENDING), name="inputrequest_one_pending_per_run"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="inputrequest_status_expires")]

    def __str__(self) -> str:
        return f"Questions for {self.run} ({self.status})"


# The evaluation models live in agents/evals/models.py (they import nothing from here); importing them registers
# them with this app.
from .evals.models import (  # noqa: E402
    EvalCase,
    EvalDataset,
    Experiment,
    ExperimentResult,
    GateOverride,
    RunFeedback,
)
from .pipelines.models import (  # noqa: E402
    Pipeline,
    PipelineEvent,
    PipelineRun,
    PipelineStep,
    PipelineVersion,
)
from .schedules.models import Schedule  # noqa: E402 - as the evaluation models: agents/schedules/models.py

__all__ = [
    "Agent",
    "AgentVersion",
    "Approval",
    "EvalCase",
    "EvalDataset",
    "Experiment",
    "ExperimentResult",
    "GateOverride",
    "InputRequest",
    "Pipeline",
    "PipelineEvent",
    "PipelineRun",
    "PipelineStep",
    "PipelineVersion",
    "PublishedVersionError",
    "Run",
    "RunEvent",
    "RunFeedback",
    "RunStep",
    "Schedule",
    "SpendReservation",
    "WorkspaceSpend",
    "validate_model_tools",
]
