from django.db import models


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    AWAITING_INPUT = "awaiting_input", "Awaiting input"
    CANCELLING = "cancelling", "Cancelling"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    TIMED_OUT = "timed_out", "Timed out"
    BUDGET_EXCEEDED = "budget_exceeded", "Budget exceeded"
    CANCELLED = "cancelled", "Cancelled"


FINAL_STATES = frozenset(
    {RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.TIMED_OUT, RunStatus.BUDGET_EXCEEDED, RunStatus.CANCELLED}
)
ACTIVE_STATES = frozenset(set(RunStatus) - FINAL_STATES)


class RunEventType(models.TextChoices):
    """What a RunEvent records. (Not the field's choices: that would be a migration for a label.)"""

    STATUS = "status", "Status changed"
    STEP = "step", "Step finished"
    PROGRESS = "progress", "Progress"
    APPROVAL = "approval", "Approval requested"
    INPUT = "input", "Input answered"
    DELTA = "delta", "Model text as it streams"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class StepKind(models.TextChoices):
    SKILL = "skill", "Skill"
    LLM = "llm", "LLM call"
    TOOL = "tool", "Tool"
    INPUT = "input", "Answers to questions"


class StepStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class InputRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ANSWERED = "answered", "Answered"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"
