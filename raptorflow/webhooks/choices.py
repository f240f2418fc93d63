from django.db import models


class EventType(models.TextChoices):
    """What an endpoint can subscribe to. The platform only carries them: the domain apps emit them
    (agents/webhook_events.py for runs and budgets; pipelines emit their own)."""

    RUN_SUCCEEDED = "run.succeeded", "A run succeeded"
    RUN_FAILED = "run.failed", "A run failed (failed, timed out or over budget)"
    RUN_CANCELLED = "run.cancelled", "A run was cancelled"
    RUN_AWAITING_APPROVAL = "run.awaiting_approval", "A run waits for an approval"
    RUN_AWAITING_INPUT = "run.awaiting_input", "A run waits for answers to its questions"
    PIPELINE_SUCCEEDED = "pipeline.succeeded", "A pipeline run succeeded"
    PIPELINE_FAILED = "pipeline.failed", "A pipeline run failed"
    PIPELINE_CANCELLED = "pipeline.cancelled", "A pipeline run was cancelled"
    PIPELINE_AWAITING_APPROVAL = "pipeline.awaiting_approval", "A pipeline run waits for an approval"
    BUDGET_THRESHOLD = "budget.threshold", "The month's spend reached 80 % or 100 % of the budget"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # the next attempt is due at next_attempt_at
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"  # every attempt failed, or the endpoint was disabled or deleted meanwhile
