"""Celery tasks for runs. Thin: they take ids and call the runtime or a service.

Task names are part of the wire format (queued messages carry them);
tests/test_tasks.py snapshots them so a rename fails loudly.
"""

from __future__ import annotations

from celery import shared_task

from .runtime import run_execute
from .sweeper import run_sweep


@shared_task(name="agents.execute_run", acks_late=True, ignore_result=True)
def execute_run_task(run_id: str) -> str | None:
    """Claim the run (queued → running) and execute it. Idempotent: a run already claimed is skipped."""
    return run_execute(run_id)


@shared_task(name="agents.sweep_runs", ignore_result=True, expires=25)
def sweep_runs_task() -> dict[str, int]:
    """Re-enqueue lost runs, recover runs of dead workers, expire approvals."""
    return run_sweep()
