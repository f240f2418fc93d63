"""Nudges (agents/runs/nudge.py): PostgreSQL tells the stream process of a run's event as it commits.

The watcher's side runs with a fake reader (no database); the listener's side against the real PostgreSQL,
with committed data (``transaction=True``): a notification is sent only when its transaction commits.
"""

from __future__ import annotations

import asyncio
import threading
import time
from decimal import Decimal

import pytest
from django.db import transaction

from agents.choices import RunEventType
from agents.runs import nudge
from agents.runs.follow import RunState, RunWatcher
from agents.runs.lifecycle import run_event_append
from tests.agents.runs.test_follow import FakeRuns, _queued, _run
from tests.factories import RunFactory


def test_a_nudge_for_a_followed_run_reads_at_once_and_one_for_another_run_reads_nothing():
    runs = FakeRuns(a=_queued(), b=_queued())

    async def scenario() -> None:
        watcher = RunWatcher(runs, interval=30)  # the tick would come after the test's timeout
        waiting = asyncio.create_task(watcher.wait("a", after=1, timeout=5))
        await asyncio.sleep(0.05)
        reads = len(runs.reads)
        watcher.nudge(["b", "elsewhere"])  # nobody here follows those
        await asyncio.sleep(0.05)
        assert len(runs.reads) == reads and not waiting.done()

        runs.states["a"] = _queued(2)
        started = time.monotonic()
        watcher.nudge(["a"])
        assert await waiting == _queued(2)
        assert time.monotonic() - started < 1  # not the 30-second tick
        assert len(runs.reads) == reads + 1

    _run(scenario())


def test_nudges_in_a_burst_are_one_read_apart_at_least_the_gap():
    runs = FakeRuns(a=_queued())

    async def scenario() -> None:
        watcher = RunWatcher(runs, interval=30)
        waiting = asyncio.create_task(watcher.wait("a", after=5, timeout=0.5))
        await asyncio.sleep(0.02)
        before = len(runs.reads)
        for _ in range(200):  # 200 events of one run, no news the follower wants (after=5)
            watcher.nudge(["a"])
            await asyncio.sleep(0.001)
        assert await waiting is None
        # About 0.2 s of nudges at most one read per NUDGED_GAP_SECONDS (10 ms): far fewer reads than nudges.
        assert 1 <= len(runs.reads) - before <= 40

    _run(scenario())


@pytest.fixture
def started():
    """Start a listener (nudge.Listener) for the test; stop it, and this process's, afterwards: a connection left
    open would keep the test database from being dropped."""
    made: list[nudge.Listener] = []

    def start() -> nudge.Listener:
        made.append(nudge.Listener(nudge._connect_listening))
        made[-1].start()
        assert made[-1].listening.wait(10), "the listener did not connect"
        return made[-1]

    yield start
    for listener in [*made, nudge._listener]:
        if listener is not None:
            listener.stop()
            assert not listener.is_alive()
    nudge._listener = None


class Recorder:
    """A stand-in for a watcher: the ids it was nudged with, on its loop."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.seen = asyncio.Event()

    def nudge(self, ids: list[str]) -> None:
        self.ids.extend(ids)
        self.seen.set()


@pytest.mark.django_db(transaction=True)
def test_an_event_notifies_as_it_commits_and_a_rolled_back_one_never(started):
    committed, rolled_back = RunFactory(), RunFactory()
    listener = started()

    def write() -> None:
        with transaction.atomic():
            run_event_append(rolled_back.pk, RunEventType.PROGRESS, {"n": 1})
            transaction.set_rollback(True)
        run_event_append(committed.pk, RunEventType.PROGRESS, {"n": 1})

    async def scenario() -> None:
        recorder = Recorder()
        listener.subscribe(recorder, asyncio.get_running_loop())
        writer = threading.Thread(target=write)
        writer.start()
        await asyncio.wait_for(recorder.seen.wait(), 10)
        writer.join()
        await asyncio.sleep(0.2)  # anything else in flight
        assert recorder.ids == [str(committed.pk)]

    _run(scenario())


@pytest.mark.django_db(transaction=True)
def test_a_pipeline_step_event_names_its_pipeline_run_too(started, registry_synced, workspace, system_actor):
    from agents.models import Pipeline, PipelineRun
    from agents.pipelines.builtin import pipeline_sync

    pipeline_sync(actor=system_actor)
    version = Pipeline.objects.get(slug="publish-ready-post").versions.get(status="published")
    pipeline_run = PipelineRun.objects.create(workspace=workspace, version=version, input={}, budget=Decimal("1"))
    step = RunFactory(pipeline_run=pipeline_run, pipeline_step="draft", workspace=workspace)
    listener = started()

    async def scenario() -> None:
        recorder = Recorder()
        listener.subscribe(recorder, asyncio.get_running_loop())
        writer = threading.Thread(target=run_event_append, args=(step.pk, RunEventType.PROGRESS, {"n": 1}))
        writer.start()
        await asyncio.wait_for(recorder.seen.wait(), 10)
        writer.join()
        assert recorder.ids == [str(step.pk), str(pipeline_run.pk)]

    _run(scenario())


@pytest.mark.django_db(transaction=True)
def test_the_stream_process_watcher_wakes_on_the_commit_not_the_tick(started, monkeypatch):
    """run_watcher()'s watcher subscribes to this process's listener: with a 30-second tick, a follower still
    learns of a committed event within a second."""
    from agents.runs import follow

    monkeypatch.setattr(follow, "WATCH_INTERVAL_SECONDS", 30)
    run = RunFactory()

    async def scenario() -> None:
        watcher = follow.run_watcher()
        waiting = asyncio.create_task(watcher.wait(str(run.pk), after=run.last_event_seq, timeout=20))
        listening = nudge.listener()
        assert listening is not None and listening.listening.wait(10)
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await asyncio.to_thread(run_event_append, run.pk, RunEventType.PROGRESS, {"n": 1})
        state = await waiting
        assert isinstance(state, RunState) and state.last_event_seq == run.last_event_seq + 1
        assert time.monotonic() - started < 1

    _run(scenario())


@pytest.mark.django_db(transaction=True)
def test_the_listener_connects_to_db_listen_url_when_set(settings):
    """Behind a transaction-pooling PgBouncer the LISTEN session goes to PostgreSQL itself (docs/scaling.md)."""
    from django.db import connection as django_connection

    params = django_connection.get_connection_params()
    direct = f"postgresql://{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
    settings.DB_LISTEN_URL = direct.replace(f":{params['port']}/", ":1/")  # nothing listens on port 1
    refused = nudge.Listener(nudge._connect_listening)
    refused.start()
    assert not refused.listening.wait(1.5)  # it tries the URL it was given, and keeps retrying
    refused.stop()

    settings.DB_LISTEN_URL = direct
    run = RunFactory()
    listener = nudge.Listener(nudge._connect_listening)
    listener.start()
    assert listener.listening.wait(10)

    async def scenario() -> None:
        recorder = Recorder()
        listener.subscribe(recorder, asyncio.get_running_loop())
        await asyncio.to_thread(run_event_append, run.pk, RunEventType.PROGRESS, {"n": 1})
        await asyncio.wait_for(recorder.seen.wait(), 10)
        assert recorder.ids == [str(run.pk)]

    try:
        _run(scenario())
    finally:
        listener.stop()
