"""The worker process's heartbeat thread (agents.runs.runtime.Heartbeats): one per process, touching the runs it
executes; a run shorter than the interval costs no query. Its thread has its own connection, so the data is
committed (``transaction=True``)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import Run
from agents.runs.runtime import Heartbeats
from tests.factories import RunFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _beat_at(run: Run):
    return Run.objects.values_list("heartbeat_at", flat=True).get(pk=run.pk)


def test_runs_being_executed_are_touched_every_interval_and_a_finished_one_no_more(settings):
    settings.RAPTORFLOW_HEARTBEAT_STALE_SECONDS = 2  # a touch every 0.5 s
    long_ago = timezone.now() - timedelta(hours=1)
    first, second = (RunFactory(status="running", attempt=1, heartbeat_at=long_ago) for _ in range(2))
    beats = Heartbeats()
    beats.add(first)
    beats.add(second)
    time.sleep(1.2)
    assert _beat_at(first) > long_ago and _beat_at(second) > long_ago  # both, from one thread

    beats.discard(first)
    time.sleep(0.6)  # a touch in flight when it left may still land
    left_at = _beat_at(first)
    time.sleep(1.1)
    assert _beat_at(first) == left_at  # no more touches once it left
    assert _beat_at(second) > left_at  # the other still executing is
    beats.discard(second)


def test_a_run_shorter_than_the_interval_costs_no_query_and_another_attempt_is_not_touched(settings):
    settings.RAPTORFLOW_HEARTBEAT_STALE_SECONDS = 2
    long_ago = timezone.now() - timedelta(hours=1)
    short = RunFactory(status="running", attempt=1, heartbeat_at=long_ago)
    beats = Heartbeats()
    beats.add(short)
    beats.discard(short)  # finished within the interval
    superseded = RunFactory(status="running", attempt=2, heartbeat_at=long_ago)
    superseded.attempt = 1  # this process executes attempt 1; the sweeper gave the run to attempt 2 meanwhile
    beats.add(superseded)
    time.sleep(1.2)
    beats.discard(superseded)
    assert _beat_at(short) == long_ago
    assert _beat_at(superseded) == long_ago  # not this process's attempt anymore: left to its owner
