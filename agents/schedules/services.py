"""Writes on schedules (create, change, pause, resume, delete: atomic and audited) and their firing.

Firing: beat sends ``agents.tick_schedules`` every RAPTORFLOW_SCHEDULE_TICK_SECONDS; ``schedules_tick`` takes each
due schedule's row with ``SELECT … FOR UPDATE SKIP LOCKED`` (a second beat, or a tick that overlaps the previous
one, passes over it), decides which fire time fires (agents/schedules/cron.py: on time, or missed and then the
schedule's policy), calls ``schedule_fire`` and moves ``next_fire_at`` past now, in one transaction. The run's
idempotency key is made of the schedule's id and the fire time, so even a second firing of the same fire time
(a tick that lost its lock, a database restored from a backup) meets the runs' unique (workspace, idempotency key)
and starts nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jsonschema import Draft202012Validator

from agents.models import Agent, Pipeline, PipelineRun, Run, Schedule
from agents.pipelines.services import pipeline_run_start, pipeline_version_live
from agents.runs.errors import IdempotencyConflictError, RunError
from agents.runs.services import run_create
from agents.selectors import agentversion_active
from raptorflow.audit.actors import Actor
from raptorflow.audit.choices import Outcome
from raptorflow.audit.services import audit_log
from raptorflow.errors import UnprocessableError
from raptorflow.jsonschema import schema_errors

from . import cron
from .choices import MissedFirePolicy, ScheduleTarget

logger = logging.getLogger(__name__)

TICK_BATCH = 500  # schedules one tick fires at most; the next tick takes the rest
UPDATABLE = frozenset({"name", "agent", "pipeline", "input", "cron", "missed_fire_policy"})


class ScheduleError(UnprocessableError):
    """A schedule the rules refuse (its input does not fit its agent, its name is taken...): a 422."""

    default_code = "invalid_schedule"


# --- Keys, actors, times ----------------------------------------------------------------------------


def firing_key(schedule: Schedule, fire_time: datetime) -> str:
    """The idempotency key of one fire time of one schedule (UTC, to the minute: cron's resolution)."""
    return f"schedule:{schedule.pk}:{fire_time.astimezone(UTC):%Y%m%dT%H%MZ}"


def schedule_actor(schedule: Schedule) -> Actor:
    """Who starts a scheduled run: the system, on the schedule's behalf (the audit trail names the schedule)."""
    return Actor.system(f"schedule:{schedule.pk}")


def _plan(schedule: Schedule, *, after: datetime) -> datetime | None:
    return cron.next_fire_time(schedule.cron, cron.zone(schedule.workspace.timezone), after)


# --- Checks -----------------------------------------------------------------------------------------


def _check_cron(expression: str) -> str:
    try:
        return cron.check(expression)
    except cron.CronError as exc:
        raise ScheduleError("invalid_cron", str(exc), {"cron": [str(exc)]}) from None


def _check_agent_input(agent: Agent | None, data: Any) -> None:
    """The input fits the agent's published version now (it is checked again at each fire time: a later version
    may want another input, and that firing then fails with the run's own error, recorded on the schedule)."""
    if agent is None:
        raise ScheduleError("agent_required", "A schedule with target kind 'agent' names an agent.")
    version = agentversion_active(agent) if agent.enabled else None
    if version is None:
        raise ScheduleError("agent_unavailable", f"Agent '{agent.slug}' is disabled or has no published version.")
    if not isinstance(data, dict):
        raise ScheduleError("invalid_input", "The input must be a JSON object.", {"input": ["Must be an object."]})
    errors = schema_errors(version.input_validator, data)
    if errors:
        raise ScheduleError(
            "invalid_input", f"The input does not match {agent.slug}'s input schema.", {"input": errors}
        )


def _check_pipeline_input(workspace: Any, pipeline: Pipeline | None, data: Any) -> None:
    """The pipeline is the workspace's or the platform's, has a live version, and the input fits it now."""
    if pipeline is None:
        raise ScheduleError("pipeline_required", "A schedule with target kind 'pipeline' names a pipeline.")
    if pipeline.workspace_id not in (None, getattr(workspace, "pk", workspace)):
        raise ScheduleError("pipeline_not_found", "No such pipeline.", {"pipeline": ["No such pipeline."]})
    version = pipeline_version_live(pipeline)
    if version is None:
        raise ScheduleError("pipeline_unavailable", f"Pipeline '{pipeline.slug}' has no published version.")
    errors = schema_errors(Draft202012Validator(version.input_schema), data) if isinstance(data, dict) else [
        "Must be an object."]  # fmt: skip
    if errors:
        raise ScheduleError(
            "invalid_input", f"The input does not match {pipeline.slug}'s input schema.", {"input": errors}
        )


def _check_target(workspace: Any, target_kind: str, agent: Agent | None, pipeline: Pipeline | None, data: Any) -> None:
    if target_kind == ScheduleTarget.PIPELINE:
        _check_pipeline_input(workspace, pipeline, data)
    else:
        _check_agent_input(agent, data)


def _check_name(workspace: Any, name: str, *, exclude: int | None = None) -> None:
    others = Schedule.objects.filter(workspace=workspace, name=name)
    taken = (others.exclude(pk=exclude) if exclude is not None else others).exists()
    if taken:
        raise ScheduleError("name_taken", f"The workspace already has a schedule named {name!r}.")


def _check_room(workspace: Any) -> None:
    limit = settings.RAPTORFLOW_MAX_SCHEDULES_PER_WORKSPACE
    if Schedule.objects.filter(workspace=workspace).count() >= limit:
        raise ScheduleError("schedule_limit", f"A workspace has at most {limit} schedules; delete one first.")


def schedule_check(
    *,
    workspace: Any,
    name: str,
    cron: str,
    agent: Agent | None,
    input: Any,
    exclude: int | None = None,
    target_kind: str = ScheduleTarget.AGENT,
    pipeline: Pipeline | None = None,
) -> str:
    """Every check a save makes, for forms that want the errors before saving (the admin). Returns the cron
    expression as it will be stored; raises ScheduleError."""
    _check_name(workspace, name, exclude=exclude)
    expression = _check_cron(cron)
    _check_target(workspace, target_kind, agent, pipeline, input)
    return expression


def _snapshot(schedule: Schedule) -> dict[str, Any]:
    return {
        "name": schedule.name,
        "target_kind": schedule.target_kind,
        "agent": schedule.agent.slug if schedule.agent else None,
        "pipeline": schedule.pipeline.slug if schedule.pipeline else None,
        "input": schedule.input,
        "cron": schedule.cron,
        "missed_fire_policy": schedule.missed_fire_policy,
        "paused": schedule.paused,
    }


# --- Writes -------------------------------------------------------------------------------------------


@transaction.atomic
def schedule_create(
    *,
    workspace: Any,
    actor: Actor,
    name: str,
    cron: str,
    input: dict[str, Any],
    agent: Agent | None = None,
    missed_fire_policy: str = MissedFirePolicy.SKIP,
    paused: bool = False,
    target_kind: str = ScheduleTarget.AGENT,
    pipeline: Pipeline | None = None,
) -> Schedule:
    """A new schedule, checked (cron, name, the input against the agent's schema) and planned from now."""
    _check_room(workspace)
    _check_name(workspace, name)
    expression = _check_cron(cron)
    _check_target(workspace, target_kind, agent, pipeline, input)
    schedule = Schedule(
        workspace=workspace, name=name, target_kind=target_kind, agent=agent, pipeline=pipeline, input=input,
        cron=expression,
        missed_fire_policy=missed_fire_policy, paused=paused, created_by=actor.user,
    )  # fmt: skip
    schedule.next_fire_at = None if paused else _plan(schedule, after=timezone.now())
    schedule.save()
    changes = {name: [None, value] for name, value in _snapshot(schedule).items()}
    audit_log("schedule.create", actor=actor, workspace=workspace, target=schedule, changes=changes)
    return schedule


@transaction.atomic
def schedule_update(*, schedule: Schedule, actor: Actor, **fields: Any) -> Schedule:
    """Change a schedule's name, agent, input, cron or missed-fire policy; audits what really changed. A new cron
    is planned from now."""
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise TypeError(f"schedule_update cannot change {', '.join(sorted(unknown))}")
    schedule = Schedule.objects.select_for_update(of=("self",)).select_related("workspace", "agent").get(pk=schedule.pk)
    before = _snapshot(schedule)
    if "cron" in fields:
        fields["cron"] = _check_cron(fields["cron"])
    if "name" in fields and fields["name"] != schedule.name:
        _check_name(schedule.workspace, fields["name"], exclude=schedule.pk)
    for name, value in fields.items():
        setattr(schedule, name, value)
    if {"agent", "pipeline", "input"} & fields.keys():
        _check_target(schedule.workspace, schedule.target_kind, schedule.agent, schedule.pipeline, schedule.input)
    changes = {k: [before[k], v] for k, v in _snapshot(schedule).items() if before[k] != v}
    if not changes:
        return schedule
    if "cron" in changes and not schedule.paused:
        schedule.next_fire_at = _plan(schedule, after=timezone.now())
    schedule.save()
    audit_log("schedule.update", actor=actor, workspace=schedule.workspace, target=schedule, changes=changes)
    return schedule


@transaction.atomic
def schedule_pause(*, schedule: Schedule, actor: Actor) -> Schedule:
    """Stop firing until resumed. Idempotent: pausing a paused schedule changes and audits nothing."""
    schedule = Schedule.objects.select_for_update(of=("self",)).select_related("workspace", "agent").get(pk=schedule.pk)
    if schedule.paused:
        return schedule
    schedule.paused, schedule.next_fire_at = True, None
    schedule.save(update_fields=["paused", "next_fire_at", "updated_at"])
    audit_log("schedule.pause", actor=actor, workspace=schedule.workspace, target=schedule,
              changes={"paused": [False, True]})  # fmt: skip
    return schedule


@transaction.atomic
def schedule_resume(*, schedule: Schedule, actor: Actor) -> Schedule:
    """Fire again, from the next fire time after now: the fire times passed while paused were skipped on purpose
    (the missed-fire policy is for time nobody chose to lose)."""
    schedule = Schedule.objects.select_for_update(of=("self",)).select_related("workspace", "agent").get(pk=schedule.pk)
    if not schedule.paused:
        return schedule
    schedule.paused = False
    schedule.next_fire_at = _plan(schedule, after=timezone.now())
    schedule.save(update_fields=["paused", "next_fire_at", "updated_at"])
    audit_log("schedule.resume", actor=actor, workspace=schedule.workspace, target=schedule,
              changes={"paused": [True, False]})  # fmt: skip
    return schedule


@transaction.atomic
def schedule_delete(*, schedule: Schedule, actor: Actor) -> None:
    """Delete a schedule; the runs it started stay (their link is cleared)."""
    audit_log("schedule.delete", actor=actor, workspace=schedule.workspace_id, target=schedule,
              changes={k: [v, None] for k, v in _snapshot(schedule).items()})  # fmt: skip
    schedule.delete()


def schedules_replan(workspace: Any) -> int:
    """The workspace's time zone changed: plan its unpaused schedules' next fire times in the new zone, from now
    (or from a fire time that is due and not yet fired, which then still fires). Same zone, same plan."""
    now, planned = timezone.now(), 0
    with transaction.atomic():
        schedules = Schedule.objects.select_for_update().filter(workspace=workspace, paused=False)
        for schedule in schedules.select_related("workspace"):
            start = min(schedule.next_fire_at - cron.ONE_SECOND, now) if schedule.next_fire_at else now
            schedule.workspace = workspace  # the zone as just saved
            after = _plan(schedule, after=start)
            if after != schedule.next_fire_at:
                schedule.next_fire_at = after
                schedule.save(update_fields=["next_fire_at", "updated_at"])
                planned += 1
    return planned


# --- Firing -------------------------------------------------------------------------------------------


def schedule_fire(schedule: Schedule, fire_time: datetime) -> tuple[Run | PipelineRun, bool]:
    """Start what the schedule targets for one fire time. Returns (run, created): ``created`` is False when this
    fire time had already started its run (the same idempotency key). Raises RunError when nothing can start.

    The one branch point per target kind: a pipeline target (issue #19's pipelines) adds its branch here and
    starts a pipeline run with the same ``firing_key``."""
    key = firing_key(schedule, fire_time)
    if schedule.target_kind == ScheduleTarget.AGENT:
        assert schedule.agent is not None  # the schedule_agent_target_has_agent constraint
        return run_create(
            workspace=schedule.workspace, agent=schedule.agent, input=schedule.input, actor=schedule_actor(schedule),
            idempotency_key=key, schedule=schedule,
        )  # fmt: skip
    assert schedule.pipeline is not None  # the schedule_pipeline_target_has_pipeline constraint
    return pipeline_run_start(
        workspace=schedule.workspace, pipeline=schedule.pipeline, input=schedule.input,
        actor=schedule_actor(schedule), idempotency_key=key,
    )  # fmt: skip


def schedules_tick(now: datetime | None = None) -> dict[str, int]:
    """Fire every schedule whose next fire time has come. Returns counts by outcome: ``fired`` (a run started),
    ``already_fired`` (its run existed: another beat got there first), ``failed`` (nothing could start: recorded
    on the schedule and audited), ``missed`` (fire times skipped by the policy) and ``locked`` (another tick holds
    the schedule)."""
    now = now or timezone.now()
    due = Schedule.objects.filter(paused=False, next_fire_at__lte=now).order_by("next_fire_at")
    counts: Counter[str] = Counter()
    for pk in list(due.values_list("pk", flat=True)[:TICK_BATCH]):
        for outcome in _tick_one(pk, now):
            counts[outcome] += 1
    return dict(counts)


def _tick_one(pk: int, now: datetime) -> list[str]:
    with transaction.atomic():
        locked = Schedule.objects.select_for_update(skip_locked=True, of=("self",)).select_related("workspace", "agent")
        schedule = locked.filter(pk=pk, paused=False, next_fire_at__lte=now).first()
        if schedule is None:  # another tick holds it, or fired it between our scan and now
            return ["locked"]
        assert schedule.next_fire_at is not None
        tz = cron.zone(schedule.workspace.timezone)
        latest = cron.latest_due(schedule.cron, tz, schedule.next_fire_at, now)
        grace = timedelta(seconds=settings.RAPTORFLOW_SCHEDULE_GRACE_SECONDS)
        decision = cron.decide(
            first_due=schedule.next_fire_at, latest=latest, now=now, grace=grace, policy=schedule.missed_fire_policy
        )
        outcomes = []
        if decision.missed_from is not None:
            outcomes.append("missed")
            _audit_missed(schedule, decision)
        if decision.fire_time is not None:
            outcomes.append(_fire(schedule, decision.fire_time))
        schedule.next_fire_at = cron.next_fire_time(schedule.cron, tz, latest)
        schedule.save(
            update_fields=["next_fire_at", "last_fired_at", "last_run", "last_pipeline_run", "last_error", "updated_at"]
        )
    return outcomes


def _fire(schedule: Schedule, fire_time: datetime) -> str:
    schedule.last_fired_at = fire_time
    try:
        run, created = schedule_fire(schedule, fire_time)
    except IdempotencyConflictError:
        return "already_fired"  # this fire time started a run before the schedule's input changed
    except RunError as exc:  # the agent is disabled, the input no longer fits its version, the budget is spent
        schedule.last_error = f"{exc.code}: {exc.message}"[:500]
        audit_log("schedule.fire_failed", actor=schedule_actor(schedule), workspace=schedule.workspace,
                  target=schedule, changes={"fire_time": [None, fire_time.isoformat()], "error": [None, exc.code]},
                  outcome=Outcome.FAILURE)  # fmt: skip
        logger.info("Schedule %s could not fire at %s: %s", schedule.pk, fire_time.isoformat(), exc.code)
        return "failed"
    if isinstance(run, PipelineRun):
        schedule.last_pipeline_run, schedule.last_error = run, ""
    else:
        schedule.last_run, schedule.last_error = run, ""
    return "fired" if created else "already_fired"


def _audit_missed(schedule: Schedule, decision: cron.Decision) -> None:
    assert decision.missed_from is not None
    changes = {
        "missed_from": [None, decision.missed_from.isoformat()],
        "latest_due": [None, decision.latest_due.isoformat()],
        "policy": [None, schedule.missed_fire_policy],
        "fired": [None, decision.fire_time.isoformat() if decision.fire_time else None],
    }
    audit_log("schedule.missed", actor=schedule_actor(schedule), workspace=schedule.workspace, target=schedule,
              changes=changes)  # fmt: skip
