"""The experiment's task: thin, takes an id (imported by agents/tasks.py so that workers register it)."""

from __future__ import annotations

from celery import shared_task

from .experiments import ADVANCE_TASK, experiment_advance


@shared_task(name=ADVANCE_TASK, ignore_result=True, soft_time_limit=540, time_limit=600)
def experiment_advance_task(experiment_id: int, recheck: bool = False) -> str | None:
    """Collect and grade finished cases, start the next ones, finish the experiment when none is left.
    Idempotent; one at a time per experiment."""
    return experiment_advance(experiment_id, recheck=recheck)
