from enum import StrEnum

class WebhookEventTypeEnum(StrEnum):
    BUDGET_THRESHOLD = "budget.threshold"
    PIPELINE_AWAITING_APPROVAL = "pipeline.awaiting_approval"
    PIPELINE_CANCELLED = "pipeline.cancelled"
    PIPELINE_FAILED = "pipeline.failed"
    PIPELINE_SUCCEEDED = "pipeline.succeeded"
    RUN_AWAITING_APPROVAL = "run.awaiting_approval"
    RUN_AWAITING_INPUT = "run.awaiting_input"
    RUN_CANCELLED = "run.cancelled"
    RUN_FAILED = "run.failed"
    RUN_SUCCEEDED = "run.succeeded"

    def __str__(self) -> str:
        return str(self.value)
