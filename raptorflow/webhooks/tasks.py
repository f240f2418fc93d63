"""Thin tasks: a delivery's next attempt, and the sweep that sends what is overdue (decision 0029)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name=services.DELIVER_TASK, acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=150)
def deliver_webhook_task(delivery_id: int) -> str:
    return services.delivery_attempt(delivery_id)


@shared_task(name="webhooks.sweep", ignore_result=True, expires=10, soft_time_limit=60, time_limit=90)
def sweep_webhooks_task() -> dict[str, int]:
    return services.deliveries_sweep()
