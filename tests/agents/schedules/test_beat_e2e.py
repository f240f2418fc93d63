"""Issue #19's test: a schedule that fires every minute, driven by REAL celery beat processes and a REAL worker,
fires exactly once per minute while two beats run at once, while no beat runs (a fire time passes), and after a
beat is restarted in the middle of a minute. About three minutes."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import Agent, Run
from agents.schedules.services import firing_key, schedule_create
from tests.fixtures.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}
FINAL = {"succeeded", "failed", "timed_out", "budget_exceeded", "cancelled"}


def sleep_until(moment) -> None:
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()))


def test_a_schedule_fires_once_a_minute_with_two_beats_and_across_a_beat_restart(
    registry_synced, workspace, system_actor, start_worker, start_beat
):
    schedule = schedule_create(
        workspace=workspace, actor=system_actor, name="every minute", cron="* * * * *",
        agent=Agent.objects.get(slug="unit_economics"), input=UNIT, missed_fire_policy="run_once",
    )  # fmt: skip
    first = schedule.next_fire_at
    fire_times = [first, first + timedelta(minutes=1), first + timedelta(minutes=2)]
    worker = start_worker(concurrency=2)
    beats = [start_beat("a"), start_beat("b")]  # two beats tick at once through the first fire time

    # In the middle of the first minute, stop both beats (one killed outright, one stopped cleanly)…
    sleep_until(first + timedelta(seconds=20))
    beats[0].kill()
    beats[1].stop()
    # …so that the second fire time passes with no beat at all; restart one in the middle of that minute.
    sleep_until(fire_times[1] + timedelta(seconds=20))
    assert not Run.objects.filter(created_at__gte=fire_times[1]).exists(), "a run started with no beat running"
    start_beat("a")
    sleep_until(fire_times[2] + timedelta(seconds=15))

    def all_finished() -> list[Run]:
        runs = list(Run.objects.filter(schedule=schedule).order_by("created_at"))
        return runs if len(runs) >= 3 and all(run.status in FINAL for run in runs) else []

    runs = wait_for(all_finished, timeout=30, message=f"three finished runs\n{worker.log()}")
    assert [run.idempotency_key for run in runs] == [firing_key(schedule, moment) for moment in fire_times]
    assert [run.status for run in runs] == ["succeeded"] * 3, [run.error_message for run in runs]
    # Once per minute: the on-time ones within the tick interval and the queue's wait, the one that passed while
    # no beat ran when the restarted beat first ticked (late, so run_once's single firing).
    for run, moment in zip(runs, fire_times, strict=True):
        assert moment <= run.created_at < moment + timedelta(seconds=60)
    assert runs[0].created_at < fire_times[0] + timedelta(seconds=15)
    assert runs[1].created_at >= fire_times[1] + timedelta(seconds=20)
    assert Run.objects.count() == 3
    schedule.refresh_from_db()
    assert schedule.last_fired_at == fire_times[2] and schedule.next_fire_at == fire_times[2] + timedelta(minutes=1)
