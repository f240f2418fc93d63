"""Evaluation datasets and cases, experiments and their per-case results, feedback on runs, gate overrides.

Models of the agents app (app label ``agents``, migrations in agents/migrations): ``agents.models`` imports this
module so that Django registers them. This module imports nothing of ``agents.models``; relations name their
targets by label ("agents.Run"), so that there is no import cycle between the two.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .choices import ExperimentStatus, Outcome, Rating, ResultStatus
from .graders import validate_graders

_MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 6, "default": Decimal("0")}
CASE_FIELDS = ("input", "foundation", "graders", "rubric", "reference_output")


def canonical_digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


class EvalDataset(models.Model):
    """Cases to evaluate one agent on. A platform dataset (no workspace) is staff's and may gate publishing; a
    workspace's own dataset is its members' (through the API)."""

    agent = models.ForeignKey("agents.Agent", on_delete=models.CASCADE, related_name="eval_datasets")
    workspace = models.ForeignKey(
        "accounts.Workspace",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: a platform dataset (staff's; it may gate publishing). Set: that workspace's own.",
    )
    name = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    judge_model_chain = models.JSONField(
        default=list,
        blank=True,
        help_text='The model that judges "judge" graders, tried in order: [{"provider": "<provider name>", '
        '"model": "<model>"}, …]. Empty: judged cases are "not graded".',
    )
    revision = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up whenever a case is added, changed or removed."
    )
    seeded = models.BooleanField(default=False, editable=False, help_text="Shipped with the code (seed_demo).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "evaluation dataset"
        ordering = ["agent", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "name"], condition=Q(workspace__isnull=True), name="evaldataset_unique_platform_name"
            ),
            models.UniqueConstraint(
                fields=["workspace", "agent", "name"],
                condition=Q(workspace__isnull=False),
                name="evaldataset_unique_workspace_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EvalCase(models.Model):
    """One case: an input (and optionally the company foundation the run sees), the graders its output must
    pass, an optional rubric for judged graders, and an optional reference output."""

    dataset = models.ForeignKey(EvalDataset, on_delete=models.CASCADE, related_name="cases")
    name = models.CharField(max_length=200)
    input = models.JSONField(default=dict, blank=True)
    foundation = models.JSONField(
        null=True, blank=True, help_text="The company foundation the run sees; empty: the dataset's workspace's."
    )
    graders = models.JSONField(default=list, blank=True, validators=[validate_graders])
    rubric = models.TextField(blank=True, help_text="What a judge checks when a judge grader names no rubric.")
    reference_output = models.JSONField(null=True, blank=True)
    source_run = models.ForeignKey(
        "agents.Run", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    source_workspace = models.ForeignKey(
        "accounts.Workspace",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The workspace whose run this case was copied from: the case is erased with it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "evaluation case"
        ordering = ["dataset_id", "id"]
        constraints = [models.UniqueConstraint(fields=["dataset", "name"], name="evalcase_unique_name")]

    def __str__(self) -> str:
        return self.name

    def snapshot(self) -> dict[str, Any]:
        """What an experiment keeps of the case, so later edits do not change its results."""
        return {name: getattr(self, name) for name in CASE_FIELDS}

    def digest(self) -> str:
        return canonical_digest(self.snapshot())


class Experiment(models.Model):
    """One agent version run on one dataset: each case a real run (flagged as evaluation), graded."""

    dataset = models.ForeignKey(EvalDataset, on_delete=models.CASCADE, related_name="experiments")
    version = models.ForeignKey("agents.AgentVersion", on_delete=models.CASCADE, related_name="experiments")
    status = models.CharField(max_length=10, choices=ExperimentStatus.choices, default=ExperimentStatus.QUEUED)
    budget = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="USD the whole experiment may spend: its runs' model calls and its judges'.",
    )
    spent = models.DecimalField(**_MONEY)
    reserved = models.DecimalField(help_text="Worst cases of paid calls in flight.", **_MONEY)
    concurrency = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(32)], help_text="Cases run at once."
    )
    version_digest = models.CharField(max_length=64, editable=False)
    dataset_revision = models.PositiveIntegerField(editable=False)
    cases_total = models.PositiveIntegerField(default=0)
    passed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    not_graded = models.PositiveIntegerField(default=0)
    pass_rate = models.FloatField(null=True, blank=True)
    graders = models.JSONField(default=dict, blank=True, help_text="Per grader: passed, failed, not graded, rate.")
    runs_cost = models.DecimalField(**_MONEY)
    judge_cost = models.DecimalField(**_MONEY)
    tokens_in = models.PositiveBigIntegerField(default=0)
    tokens_out = models.PositiveBigIntegerField(default=0)
    judge_tokens_in = models.PositiveBigIntegerField(default=0)
    judge_tokens_out = models.PositiveBigIntegerField(default=0)
    latency_p50_ms = models.PositiveIntegerField(null=True, blank=True)
    latency_p95_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["version", "dataset", "status"], name="experiment_version_dataset")]

    def __str__(self) -> str:
        return f"Experiment #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (ExperimentStatus.QUEUED, ExperimentStatus.RUNNING)


class ExperimentResult(models.Model):
    """One case of an experiment: its run, the grades of its output, and a person's grade that overrides them."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="results")
    case = models.ForeignKey(EvalCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="results")
    case_name = models.CharField(max_length=200)
    case_digest = models.CharField(max_length=64)
    snapshot = models.JSONField(default=dict)
    run = models.OneToOneField(
        "agents.Run", on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluation_result"
    )
    status = models.CharField(max_length=10, choices=ResultStatus.choices, default=ResultStatus.PENDING)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    auto_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    grades = models.JSONField(default=list, blank=True)
    output = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    human_outcome = models.CharField(
        max_length=10, choices=[(Outcome.PASSED, "Passed"), (Outcome.FAILED, "Failed")], blank=True
    )
    human_note = models.TextField(blank=True)
    human_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    human_at = models.DateTimeField(null=True, blank=True)
    cost = models.DecimalField(**_MONEY)
    tokens_in = models.PositiveBigIntegerField(default=0)
    tokens_out = models.PositiveBigIntegerField(default=0)
    judge_cost = models.DecimalField(**_MONEY)
    judge_tokens_in = models.PositiveBigIntegerField(default=0)
    judge_tokens_out = models.PositiveBigIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["experiment_id", "id"]
        constraints = [models.UniqueConstraint(fields=["experiment", "case_name"], name="experimentresult_unique_case")]
        indexes = [models.Index(fields=["experiment", "status"], name="experimentresult_status")]

    def __str__(self) -> str:
        return f"{self.case_name} ({self.outcome or self.status})"


class RunFeedback(models.Model):
    """A person's (or key's) thumbs up or down on a run's output, with a comment. One per rater and run."""

    run = models.ForeignKey("agents.Run", on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    api_key = models.ForeignKey("accounts.APIKey", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    rating = models.CharField(max_length=4, choices=Rating.choices)
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=10, default="api", help_text="api or admin")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "run feedback"
        verbose_name_plural = "run feedback"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "user"], condition=Q(api_key__isnull=True), name="feedback_per_user"
            ),
            models.UniqueConstraint(
                fields=["run", "api_key"], condition=Q(api_key__isnull=False), name="feedback_per_key"
            ),
        ]
        indexes = [models.Index(fields=["run", "rating"], name="feedback_run_rating")]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} on {self.run_id}"


class GateOverride(models.Model):
    """An owner published a version the evaluation gate refused: why, who, and what the gate said."""

    version = models.OneToOneField("agents.AgentVersion", on_delete=models.CASCADE, related_name="gate_override")
    reason = models.TextField()
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusal = models.JSONField(default=dict, help_text="The gate's refusal: code, message and the regressed cases.")
    experiment = models.ForeignKey(Experiment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "gate override"

    def __str__(self) -> str:
        return f"Gate override of {self.version_id}"
