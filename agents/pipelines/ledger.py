"""A pipeline run's budget and its one stream, as seen from the runs that are its steps.

Before each paid call of a child run, the runtime holds the call's worst case against the workspace's month and,
here, against its pipeline run's budget (``pipeline_hold``: one conditional UPDATE, so steps calling at once
cannot together pass it); the hold is released when the call is recorded, and the actual cost is added. A child's
events are copied into the pipeline's stream (``pipeline_event_append``) in the transaction that writes them.

Imported by agents.runs.lifecycle: imports nothing of agents.runs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F

from raptorflow.db import update_returning

from .choices import PipelineEventType
from .models import PipelineEvent, PipelineRun

PipelineRunId = UUID | str


def pipeline_hold(pipeline_run_id: PipelineRunId, amount: Decimal) -> bool:
    """Hold ``amount`` against the pipeline run's budget if it fits with what is spent and held already."""
    if amount <= 0:
        return True
    fits = PipelineRun.objects.filter(pk=pipeline_run_id, spent__lte=F("budget") - F("reserved") - amount)
    return bool(fits.update(reserved=F("reserved") + amount))


def pipeline_release(pipeline_run_id: PipelineRunId, amount: Decimal) -> None:
    if amount > 0:
        PipelineRun.objects.filter(pk=pipeline_run_id).update(reserved=F("reserved") - amount)


def pipeline_charge(pipeline_run_id: PipelineRunId, cost: Decimal) -> None:
    if cost:
        PipelineRun.objects.filter(pk=pipeline_run_id).update(spent=F("spent") + cost)


def pipeline_event_append(
    pipeline_run_id: PipelineRunId, event_type: PipelineEventType | str, data: dict[str, Any]
) -> PipelineEvent:
    """Append to the pipeline's stream with its next sequence number (the counter on the pipeline run's row:
    concurrent steps take distinct, gap-free numbers)."""
    with transaction.atomic(savepoint=False):
        bumped = update_returning(
            PipelineRun.objects.filter(pk=pipeline_run_id), ("last_event_seq",), last_event_seq=F("last_event_seq") + 1
        )
        if not bumped:
            raise PipelineRun.DoesNotExist(f"Pipeline run {pipeline_run_id} does not exist.")
        return PipelineEvent.objects.create(
            pipeline_run_id=pipeline_run_id, sequence=int(bumped[0][0]), type=event_type, data=data
        )


def mirror_run_event(
    pipeline_run_id: PipelineRunId, step: str, run_id: Any, sequence: int, event_type: str, data: dict[str, Any]
) -> None:
    """Copy a child run's event into its pipeline's stream."""
    pipeline_event_append(
        pipeline_run_id,
        PipelineEventType.RUN,
        {"step": step, "run": str(run_id), "run_sequence": sequence, "type": str(event_type), "data": data},
    )
