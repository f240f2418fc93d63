from django.db import models


class PipelineRunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    BUDGET_EXCEEDED = "budget_exceeded", "Budget exceeded"
    CANCELLED = "cancelled", "Cancelled"


PIPELINE_FINAL_STATES = frozenset(
    {PipelineRunStatus.SUCCEEDED, PipelineRunStatus.FAILED, PipelineRunStatus.BUDGET_EXCEEDED,
     PipelineRunStatus.CANCELLED}
)  # fmt: skip


class PipelineStepStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"


STEP_DONE_STATES = frozenset(
    {PipelineStepStatus.SUCCEEDED, PipelineStepStatus.FAILED, PipelineStepStatus.SKIPPED, PipelineStepStatus.CANCELLED}
)


class FailurePolicy(models.TextChoices):
    """What a failed step does to the pipeline."""

    STOP = "stop", "Stop the pipeline"
    SKIP = "skip", "Skip the steps that need it"
    CONTINUE = "continue", "Continue without its output"


class PipelineEventType(models.TextChoices):
    STATUS = "status", "Pipeline status changed"
    STEP = "step", "Step marker"
    RUN = "run", "A child run's event"
