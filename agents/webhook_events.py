"""What the agents app tells webhooks: a run's moves and the month's budget thresholds (decision 0029).

The platform's webhooks app knows no runs (import contracts), so this side listens to the run lifecycle's
signals and calls ``raptorflow.webhooks.services.emit``, which records the deliveries in the transaction of the
move or charge and sends them once it commits. A failure here is logged and never fails the move or the charge:
webhooks are told about a run, they do not decide it.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from agents.choices import RunStatus
from agents.models import PipelineRun, Run, WorkspaceSpend
from agents.pipelines.choices import PipelineRunStatus
from agents.pipelines.services import pipeline_moved
from agents.runs.lifecycle import run_moved, spend_charged
from raptorflow.accounts.models import Workspace
from raptorflow.webhooks.choices import EventType
from raptorflow.webhooks.services import emit, subscribed

logger = logging.getLogger(__name__)

RUN_EVENTS = {
    RunStatus.SUCCEEDED: EventType.RUN_SUCCEEDED,
    RunStatus.FAILED: EventType.RUN_FAILED,
    RunStatus.TIMED_OUT: EventType.RUN_FAILED,
    RunStatus.BUDGET_EXCEEDED: EventType.RUN_FAILED,
    RunStatus.CANCELLED: EventType.RUN_CANCELLED,
    RunStatus.AWAITING_APPROVAL: EventType.RUN_AWAITING_APPROVAL,
    RunStatus.AWAITING_INPUT: EventType.RUN_AWAITING_INPUT,
}
PIPELINE_EVENTS = {
    PipelineRunStatus.SUCCEEDED: EventType.PIPELINE_SUCCEEDED,
    PipelineRunStatus.FAILED: EventType.PIPELINE_FAILED,
    PipelineRunStatus.BUDGET_EXCEEDED: EventType.PIPELINE_FAILED,
    PipelineRunStatus.CANCELLED: EventType.PIPELINE_CANCELLED,
    PipelineRunStatus.AWAITING_APPROVAL: EventType.PIPELINE_AWAITING_APPROVAL,
}
BUDGET_THRESHOLDS = (80, 100)  # percent of the workspace's monthly budget


def run_event_data(run: Run, previous: str) -> dict[str, Any]:
    """A run as a webhook shows it: enough to act on, the rest is one GET away (``url``)."""
    totals = Run.objects.filter(pk=run.pk).values("cost", "tokens_in", "tokens_out").get()  # charges are F() updates
    version = run.agent_version
    return {
        "run_id": str(run.pk),
        "url": f"/api/v1/runs/{run.pk}",
        "agent": version.agent.slug,
        "agent_version": version.number,
        "status": run.status,
        "previous_status": previous,
        "error_code": run.error_code,
        "cost": str(totals["cost"]),
        "tokens_in": totals["tokens_in"],
        "tokens_out": totals["tokens_out"],
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    }


@receiver(run_moved, sender=Run, dispatch_uid="agents.webhook_events.run_moved")
def _run_moved(sender: type[Run], run: Run, previous: str, to: str, **kwargs: Any) -> None:
    event_type = RUN_EVENTS.get(RunStatus(to))
    if event_type is None or run.evaluation:  # evaluation runs are staff's experiments, not the workspace's work
        return
    _emit_safely(run.workspace_id, event_type, lambda: run_event_data(run, previous))


def pipeline_event_data(pipeline_run: PipelineRun, previous: str) -> dict[str, Any]:
    """A pipeline run as a webhook shows it: its status, what it spent of its budget, and where to read it."""
    totals = PipelineRun.objects.filter(pk=pipeline_run.pk).values("spent", "budget").get()
    return {
        "pipeline_run_id": str(pipeline_run.pk),
        "url": f"/api/v1/pipeline-runs/{pipeline_run.pk}",
        "pipeline": pipeline_run.version.pipeline.slug,
        "pipeline_version": pipeline_run.version.number,
        "status": pipeline_run.status,
        "previous_status": previous,
        "error_code": pipeline_run.error_code,
        "spent": str(totals["spent"]),
        "budget": str(totals["budget"]),
        "created_at": pipeline_run.created_at,
        "finished_at": pipeline_run.finished_at,
    }


@receiver(pipeline_moved, sender=PipelineRun, dispatch_uid="agents.webhook_events.pipeline_moved")
def _pipeline_moved(
    sender: type[PipelineRun], pipeline_run: PipelineRun, previous: str, to: str, **kwargs: Any
) -> None:
    event_type = PIPELINE_EVENTS.get(PipelineRunStatus(to))
    if event_type is not None:
        _emit_safely(pipeline_run.workspace_id, event_type, lambda: pipeline_event_data(pipeline_run, previous))


@receiver(spend_charged, sender=Run, dispatch_uid="agents.webhook_events.spend_charged")
def _spend_charged(sender: type[Run], workspace_id: int, month: date, amount: Decimal, **kwargs: Any) -> None:
    if amount > 0:
        _emit_safely(workspace_id, EventType.BUDGET_THRESHOLD, None, thresholds=(workspace_id, month))


def budget_thresholds_reached(workspace_id: int, month: date) -> list[dict[str, Any]]:
    """The thresholds the month's spend has reached, each as its event's data."""
    spent = (
        WorkspaceSpend.objects.filter(workspace_id=workspace_id, month=month).values_list("amount", flat=True).first()
    )
    budget = Workspace.objects.filter(pk=workspace_id).values_list("monthly_budget", flat=True).get()
    if spent is None or budget <= 0:  # a zero budget allows only free calls: no threshold to cross
        return []
    return [
        {
            "percent": percent,
            "month": month.strftime("%Y-%m"),
            "spent": str(spent),
            "budget": str(budget),
            "currency": "USD",
        }
        for percent in BUDGET_THRESHOLDS
        if spent * 100 >= budget * percent
    ]


def _emit_safely(
    workspace_id: int, event_type: EventType, data: Any, thresholds: tuple[int, date] | None = None
) -> None:
    if thresholds is None and not subscribed(workspace_id, event_type):
        return  # no endpoint wants it: no savepoint, no query
    try:
        with transaction.atomic():  # a savepoint: a webhook's failure must not fail the move or the charge
            if thresholds is None:
                emit(workspace_id, event_type, data)
                return
            for threshold in budget_thresholds_reached(*thresholds):
                once = f"budget.threshold:{threshold['month']}:{threshold['percent']}"
                emit(workspace_id, event_type, threshold, once_key=once)
    except Exception:
        logger.exception("Could not record the %s webhook for workspace %s", event_type, workspace_id)
