"""Celery tasks for runs. Thin: they take ids and call the runs package.

Task names are part of the wire format (queued messages carry them);
tests/platform/test_tasks.py snapshots them so a rename fails loudly. Services send
``agents.execute_run`` by name (agents/runs/services.py), so this module is the
only one that imports both the runtime and the sweeper.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .evals.tasks import experiment_advance_task  # noqa: F401 - registers agents.experiment_advance
from .pipelines.services import pipelines_sweep
from .runs.retention import run_purge_old_details
from .runs.runtime import run_execute
from .runs.services import EXECUTE_RUN_TASK
from .runs.sweeper import run_sweep
from .schedules.services import schedules_tick


@shared_task(name=EXECUTE_RUN_TASK, acks_late=True, ignore_result=True)
def execute_run_task(run_id: str) -> str | None:
    """Claim the run (queued → running) and execute it. Idempotent: a run already claimed is skipped."""
    return run_execute(run_id)


@shared_task(name="agents.sweep_runs", ignore_result=True, expires=25)
def sweep_runs_task() -> dict[str, int]:
    """Re-enqueue lost runs, recover runs of dead workers, expire and restore approvals."""
    return run_sweep()


@shared_task(name="agents.sweep_pipelines", ignore_result=True, expires=25)
def sweep_pipelines_task() -> int:
    """Move on pipeline runs that a child's move did not (its process died before it could)."""
    return pipelines_sweep()


@shared_task(name="agents.tick_schedules", ignore_result=True, expires=9, soft_time_limit=60, time_limit=90)
def tick_schedules_task() -> dict[str, int]:
    """Fire the schedules whose fire time has come (decision 0030). Safe to run twice at once: each schedule is
    taken with SKIP LOCKED, and each fire time's run has an idempotency key of its own."""
    return schedules_tick()


@shared_task(name="agents.purge_run_details", ignore_result=True, expires=3600, soft_time_limit=1800, time_limit=1900)
def purge_run_details_task() -> dict[str, object] | None:
    """Apply the retention: drop steps and events of long-finished runs. Idempotent; a purge cut short by the
    time limit loses nothing (each batch is committed) and the next one finishes it. Retention 0 keeps all."""
    days = settings.RAPTORFLOW_RUN_DETAIL_RETENTION_DAYS
    return run_purge_old_details(older_than_days=days) if days > 0 else None
