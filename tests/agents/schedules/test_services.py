"""Schedules' services: saving checks the input against the agent's schema, the tick fires each fire time once,
missed fire times follow the schedule's policy, pause and resume, a firing that cannot start, and time zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from agents.models import Agent, Run, Schedule
from agents.schedules.services import (
    ScheduleError,
    firing_key,
    schedule_create,
    schedule_pause,
    schedule_resume,
    schedule_update,
    schedules_tick,
)
from raptorflow.accounts.services import workspace_update
from raptorflow.audit.models import AuditEvent
from raptorflow.errors import UnprocessableError

pytestmark = pytest.mark.django_db

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


def make(workspace, actor, *, cron="* * * * *", policy="skip", **kwargs) -> Schedule:
    agent = Agent.objects.get(slug="unit_economics")
    fields = {"name": "every minute", "cron": cron, "agent": agent, "input": UNIT, "missed_fire_policy": policy}
    return schedule_create(workspace=workspace, actor=actor, **{**fields, **kwargs})


def due_at(schedule: Schedule, when: datetime) -> Schedule:
    Schedule.objects.filter(pk=schedule.pk).update(next_fire_at=when)
    schedule.refresh_from_db()
    return schedule


def minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def test_a_new_schedule_is_planned_in_the_workspace_zone_and_audited(registry_synced, workspace, system_actor):
    workspace_update(workspace=workspace, actor=system_actor, timezone="Asia/Kolkata")  # +05:30, no DST
    schedule = make(workspace, system_actor, cron="0 9 * * *", name="morning")
    local = schedule.next_fire_at.astimezone(workspace_tz := ZoneInfo("Asia/Kolkata"))
    assert (local.hour, local.minute) == (9, 0)
    assert schedule.next_fire_at.astimezone(UTC).minute == 30  # 09:00 IST is 03:30 UTC
    assert timezone.now() < schedule.next_fire_at <= timezone.now() + timedelta(days=1)
    event = AuditEvent.objects.get(action="schedule.create", target_id=str(schedule.pk))
    assert event.changes["cron"] == [None, "0 9 * * *"] and event.workspace_id == workspace.pk
    assert workspace_tz.key == workspace.timezone


def test_an_input_that_does_not_match_the_agent_schema_is_refused_when_saved(registry_synced, workspace, system_actor):
    with pytest.raises(ScheduleError) as refused:
        make(workspace, system_actor, input={"spend": "a lot"})
    assert refused.value.code == "invalid_input" and refused.value.http_status == 422
    assert refused.value.error_fields()["input"]
    assert not Schedule.objects.exists()


def test_a_bad_cron_and_a_taken_name_are_refused(registry_synced, workspace, system_actor):
    with pytest.raises(ScheduleError, match="5 fields"):
        make(workspace, system_actor, cron="* * * *")
    make(workspace, system_actor)
    with pytest.raises(ScheduleError) as taken:
        make(workspace, system_actor)
    assert taken.value.code == "name_taken"


def test_the_tick_fires_a_due_schedule_once_as_the_system_and_links_the_run(registry_synced, workspace, system_actor):
    now = timezone.now()
    schedule = due_at(make(workspace, system_actor), minute(now))
    assert schedules_tick(now) == {"fired": 1}
    run = Run.objects.get()
    assert run.schedule == schedule and run.idempotency_key == firing_key(schedule, minute(now))
    assert run.requested_by is None and run.api_key is None and run.input == UNIT
    created = AuditEvent.objects.get(action="run.create", target_id=str(run.pk))
    assert (created.actor_type, created.actor_label) == ("system", f"schedule:{schedule.pk}")
    schedule.refresh_from_db()
    assert (schedule.last_fired_at, schedule.last_run, schedule.last_error) == (minute(now), run, "")
    assert schedule.next_fire_at == minute(now) + timedelta(minutes=1)
    assert schedules_tick(now) == {}  # nothing due any more


def test_a_fire_time_fired_again_starts_no_second_run(registry_synced, workspace, system_actor):
    """A beat that ticks with a stale view (restored state, a lost lock) finds the fire time's run by its key."""
    now = minute(timezone.now()) + timedelta(seconds=10)  # the second tick, 5 s later, is in the same minute
    schedule = due_at(make(workspace, system_actor), minute(now))
    schedules_tick(now)
    due_at(schedule, minute(now))  # as if the first firing had not been recorded on the schedule
    assert schedules_tick(now + timedelta(seconds=5)) == {"already_fired": 1}
    assert Run.objects.count() == 1


def test_earlier_missed_fire_times_are_skipped_and_the_on_time_one_fires(registry_synced, workspace, system_actor):
    now = minute(timezone.now()) + timedelta(seconds=10)
    schedule = due_at(make(workspace, system_actor, policy="skip"), minute(now) - timedelta(minutes=30))
    assert schedules_tick(now) == {"missed": 1, "fired": 1}
    assert Run.objects.get().idempotency_key == firing_key(schedule, minute(now))


def test_a_skip_schedule_fires_nothing_for_fire_times_older_than_the_grace(registry_synced, workspace, system_actor):
    schedule = due_at(make(workspace, system_actor, cron="0 * * * *", policy="skip"), datetime(2026, 1, 1, tzinfo=UTC))
    assert schedules_tick(datetime(2026, 1, 1, 3, 30, tzinfo=UTC)) == {"missed": 1}  # 03:00 is 30 minutes late
    assert not Run.objects.exists()
    schedule.refresh_from_db()
    assert schedule.next_fire_at == datetime(2026, 1, 1, 4, 0, tzinfo=UTC)
    missed = AuditEvent.objects.get(action="schedule.missed", target_id=str(schedule.pk))
    assert missed.changes["fired"] == [None, None] and missed.changes["policy"] == [None, "skip"]
    assert missed.changes["missed_from"] == [None, "2026-01-01T00:00:00+00:00"]


def test_a_run_once_schedule_fires_once_for_all_missed_fire_times(registry_synced, workspace, system_actor):
    now = minute(timezone.now()) + timedelta(seconds=10)
    schedule = due_at(make(workspace, system_actor, policy="run_once"), minute(now) - timedelta(hours=2))
    later = now + timedelta(minutes=10)  # the latest due fire time is 10 minutes late: beyond the grace
    assert schedules_tick(later) == {"missed": 1, "fired": 1}
    run = Run.objects.get()
    assert run.idempotency_key == firing_key(schedule, minute(later))
    schedule.refresh_from_db()
    assert schedule.next_fire_at == minute(later) + timedelta(minutes=1)


def test_a_paused_schedule_does_not_fire_and_resumes_from_now(registry_synced, workspace, system_actor):
    now = timezone.now()
    schedule = make(workspace, system_actor, policy="run_once")
    schedule = schedule_pause(schedule=schedule, actor=system_actor)
    assert (schedule.paused, schedule.next_fire_at) == (True, None)
    assert schedules_tick(now + timedelta(hours=1)) == {}
    schedule = schedule_resume(schedule=schedule, actor=system_actor)
    assert not schedule.paused and timezone.now() < schedule.next_fire_at <= timezone.now() + timedelta(minutes=1)
    events = AuditEvent.objects.filter(target_id=str(schedule.pk), target_type="agents.schedule").order_by("pk")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["schedule.create", "schedule.pause", "schedule.resume"]
    assert not Run.objects.exists()


def test_a_firing_that_cannot_start_is_recorded_and_the_schedule_moves_on(registry_synced, workspace, system_actor):
    now = timezone.now()
    schedule = due_at(make(workspace, system_actor), minute(now))
    Agent.objects.filter(slug="unit_economics").update(enabled=False)
    assert schedules_tick(now) == {"failed": 1}
    schedule.refresh_from_db()
    assert schedule.last_error.startswith("agent_unavailable") and schedule.last_run is None
    assert schedule.next_fire_at == minute(now) + timedelta(minutes=1)
    failed = AuditEvent.objects.get(action="schedule.fire_failed")
    assert failed.outcome == "failure" and failed.changes["error"] == [None, "agent_unavailable"]


def test_changing_the_workspace_zone_plans_its_schedules_again(registry_synced, workspace, system_actor):
    schedule = make(workspace, system_actor, cron="0 9 * * *")
    assert schedule.next_fire_at.astimezone(UTC).hour == 9  # UTC by default
    workspace_update(workspace=workspace, actor=system_actor, timezone="America/New_York")
    schedule.refresh_from_db()
    local = schedule.next_fire_at.astimezone(ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) == (9, 0)
    assert schedule.next_fire_at.astimezone(UTC).hour in (13, 14)  # EDT or EST


def test_an_unknown_zone_is_refused(workspace, system_actor):
    with pytest.raises(UnprocessableError) as refused:
        workspace_update(workspace=workspace, actor=system_actor, timezone="../../etc/passwd")
    assert refused.value.code == "invalid_timezone"


def test_updating_the_cron_plans_from_now_and_audits_the_change(registry_synced, workspace, system_actor):
    schedule = make(workspace, system_actor)
    schedule = schedule_update(schedule=schedule, actor=system_actor, cron="0 0 1 1 *")
    assert schedule.next_fire_at.astimezone(UTC).strftime("%m-%d %H:%M") == "01-01 00:00"
    event = AuditEvent.objects.get(action="schedule.update")
    assert event.changes == {"cron": ["* * * * *", "0 0 1 1 *"]}


POST = {"type": "blog", "topic": "Why cash-flow forecasts fail", "draft": "# Why\n\nMost forecasts are quarterly."}


def test_a_schedule_starts_a_pipeline_run_once_per_fire_time(registry_synced, workspace, system_actor):
    from agents.models import Pipeline, PipelineRun
    from agents.pipelines.builtin import pipeline_sync

    pipeline_sync(actor=system_actor)
    pipeline = Pipeline.objects.get(slug="publish-ready-post")
    schedule = make(workspace, system_actor, target_kind="pipeline", agent=None, pipeline=pipeline, input=POST)
    now = timezone.now()
    due_at(schedule, minute(now))
    assert schedules_tick(now) == {"fired": 1}
    schedule.refresh_from_db()
    run = PipelineRun.objects.get(workspace=workspace)
    assert schedule.last_pipeline_run == run and run.idempotency_key == firing_key(schedule, minute(now))
    assert run.input == POST and run.version.pipeline == pipeline
    due_at(schedule, minute(now))
    assert schedules_tick(now + timedelta(seconds=5)) == {"already_fired": 1}
    assert PipelineRun.objects.count() == 1


def test_a_pipeline_schedule_checks_its_input_against_the_pipeline(registry_synced, workspace, system_actor):
    from agents.models import Pipeline
    from agents.pipelines.builtin import pipeline_sync

    pipeline_sync(actor=system_actor)
    pipeline = Pipeline.objects.get(slug="publish-ready-post")
    with pytest.raises(ScheduleError) as refused:
        make(workspace, system_actor, target_kind="pipeline", agent=None, pipeline=pipeline, input={"type": "poem"})
    assert refused.value.code == "invalid_input"
    with pytest.raises(ScheduleError) as missing:
        make(workspace, system_actor, target_kind="pipeline", agent=None, pipeline=None, input=POST)
    assert missing.value.code == "pipeline_required"
