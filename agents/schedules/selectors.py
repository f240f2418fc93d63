"""Reads on schedules: a workspace's list, and the fire times to come."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from agents.models import Schedule

from . import cron

UPCOMING = 5  # fire times shown in the API and the admin


def schedule_list(workspace: Any) -> QuerySet[Schedule]:
    return Schedule.objects.filter(workspace=workspace).select_related("workspace", "agent")


def schedule_upcoming(schedule: Schedule, *, count: int = UPCOMING, now: datetime | None = None) -> list[datetime]:
    """The next ``count`` fire times after now, in the workspace's time zone; none while paused (it will not fire)."""
    if schedule.paused:
        return []
    start = now or timezone.now()
    if schedule.next_fire_at is not None and schedule.next_fire_at <= start:
        start = schedule.next_fire_at - cron.ONE_SECOND  # due and not yet fired: it is the first to come
    return cron.upcoming(schedule.cron, cron.zone(schedule.workspace.timezone), start, count)
