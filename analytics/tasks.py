"""Celery tasks for analytics. Thin: they call a service. Task names are a wire format
(tests/platform/test_tasks.py)."""

from __future__ import annotations

from celery import shared_task

from .services import rollup_recent


@shared_task(name="analytics.rollup_recent", ignore_result=True, expires=540, soft_time_limit=300, time_limit=360)
def rollup_recent_task(days: int = 2) -> int:
    """Re-roll today and yesterday (UTC). Idempotent, so a late or duplicated run of it is harmless; it
    expires before the next one is due rather than pile up behind a slow worker."""
    return rollup_recent(days)
