"""An experiment's spend, and what the runtime needs to know about an evaluation run.

Evaluation runs run in the platform's evaluation workspace (``EVAL_WORKSPACE_SLUG``), never in a customer's, so
no customer's usage, budget or run list sees them. Their model calls are charged to that workspace's month (its
monthly budget caps all evaluation spend) and, here, to their experiment: before each paid call the runtime holds
the call's worst case against the experiment's budget (``experiment_hold``: one conditional UPDATE, so cases
running at once cannot together pass it), releases the hold when the call is recorded and adds the actual cost.
The judges of an experiment are held and charged the same way (agents/evals/judge.py).

Imported by agents.runs (lifecycle, runtime): imports nothing of agents.runs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import F

from .models import Experiment, ExperimentResult

EVAL_WORKSPACE_SLUG = "evaluations"


def experiment_of_run(run_id: UUID | str) -> int | None:
    """The experiment an evaluation run belongs to."""
    return ExperimentResult.objects.filter(run_id=run_id).values_list("experiment_id", flat=True).first()


def case_foundation(run_id: UUID | str) -> dict[str, Any]:
    """The company foundation an evaluation run sees: its case's (copied into the result when it started)."""
    snapshot = ExperimentResult.objects.filter(run_id=run_id).values_list("snapshot", flat=True).first() or {}
    return dict(snapshot.get("foundation") or {})


def experiment_hold(experiment_id: int, amount: Decimal) -> bool:
    """Hold ``amount`` against the experiment's budget if it fits with what is spent and held already."""
    if amount <= 0:
        return True
    fits = Experiment.objects.filter(pk=experiment_id, spent__lte=F("budget") - F("reserved") - amount)
    return bool(fits.update(reserved=F("reserved") + amount))


def experiment_release(experiment_id: int, amount: Decimal) -> None:
    """Release a hold: its call was charged, or never made."""
    if amount > 0:
        Experiment.objects.filter(pk=experiment_id).update(reserved=F("reserved") - amount)


def experiment_charge(experiment_id: int, cost: Decimal) -> None:
    """Add a model call's cost (an evaluation run's or a judge's) to its experiment's spend."""
    if cost:
        Experiment.objects.filter(pk=experiment_id).update(spent=F("spent") + cost)


def experiment_charge_run(run_id: UUID | str, cost: Decimal) -> None:
    experiment_id = experiment_of_run(run_id)
    if experiment_id is not None:
        experiment_charge(experiment_id, cost)
