"""Following a run: the watcher (agents.runs.follow), and the stream process's views served in-process.

The stream process answers from raptorflow/urls_stream.py; ``pytest.mark.urls`` serves that URLconf here. The
watcher reads in a thread of its own, with its own database connection, so the tests where it must see a run
commit their data (``transaction=True``). Real processes (uvicorn, gunicorn) are in
tests/agents/runs/test_following.py.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Collection, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from asgiref.sync import async_to_sync
from rest_framework.test import APIClient

from agents.choices import RunEventType, RunStatus
from agents.runs.follow import RunState, RunWatcher
from agents.runs.lifecycle import run_event_append, run_transition
from agents.runs.runtime import WORKER
from raptorflow.accounts.services import apikey_create
from tests.factories import RunFactory

T = TypeVar("T")


def _off_loop(call: Callable[[], T]) -> T:
    """Call here, or in a thread of its own when this thread runs an event loop already (the browser tests'
    Playwright keeps one): there asyncio.run() and the test client's calls of async views refuse to run.
    Browser tests are transactional, so pytest-django runs them after every test whose data would be
    invisible from another thread; what runs after them sees committed data."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _run(scenario: Coroutine[object, object, None]) -> None:
    _off_loop(lambda: asyncio.run(scenario))


STREAM_URLS = "raptorflow.urls_stream"


# --- the watcher, with a fake reader: no database ------------------------------------------------------------


class FakeRuns:
    """Run states a test changes, and the reads the watcher made."""

    def __init__(self, **states: RunState) -> None:
        self.states = dict(states)
        self.reads: list[set[str]] = []
        self.fail_next = False

    def __call__(self, run_ids: Collection[str]) -> dict[str, RunState]:
        self.reads.append(set(run_ids))
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("database restarting")
        return {run_id: self.states[run_id] for run_id in run_ids if run_id in self.states}


def _queued(seq: int = 1) -> RunState:
    return RunState(status=RunStatus.QUEUED, last_event_seq=seq)


async def _settle() -> None:
    await asyncio.sleep(0.06)  # a few ticks of 10 ms


def test_fifty_followers_cost_one_read_per_tick_and_only_those_with_news_wake():
    runs = FakeRuns(a=_queued(), b=_queued(), c=_queued())

    async def scenario() -> None:
        watcher = RunWatcher(runs, interval=0.01)
        waits = [asyncio.create_task(watcher.wait("abc"[i % 3], after=1, timeout=5)) for i in range(51)]
        await _settle()
        assert watcher.waiting == 51 and not any(w.done() for w in waits)
        assert runs.reads and all(ids == {"a", "b", "c"} for ids in runs.reads)  # one read for all 51

        runs.states["a"] = _queued(2)
        await _settle()
        woken = [w for w in waits if w.done()]
        assert len(woken) == 17 and {w.result() for w in woken} == {_queued(2)}
        assert watcher.waiting == 34 and all(ids == {"b", "c"} for ids in runs.reads[-2:])
        for w in waits:
            w.cancel()
        await asyncio.gather(*waits, return_exceptions=True)
        assert watcher.waiting == 0

    _run(scenario())


def test_a_final_or_vanished_run_wakes_its_followers_and_a_quiet_one_times_out():
    runs = FakeRuns(done=_queued(), gone=_queued(), quiet=_queued())

    async def scenario() -> None:
        watcher = RunWatcher(runs, interval=0.01)
        done, gone, quiet = (
            asyncio.create_task(watcher.wait(run_id, after=1, timeout=t))
            for run_id, t in (("done", 5), ("gone", 5), ("quiet", 0.1))
        )
        runs.states["done"] = RunState(status=RunStatus.CANCELLED, last_event_seq=1)  # final, no new event
        del runs.states["gone"]
        assert (await done).status == RunStatus.CANCELLED
        assert (await gone).status is None
        assert await quiet is None  # the wait ended with nothing new
        await asyncio.sleep(0.05)
        assert watcher.waiting == 0

    _run(scenario())


def test_the_watcher_reads_nothing_while_nobody_follows_and_survives_a_failed_read():
    runs = FakeRuns(a=_queued())

    async def scenario() -> None:
        watcher = RunWatcher(runs, interval=0.01)
        await asyncio.sleep(0.05)
        assert runs.reads == []  # started by the first follower only
        runs.fail_next = True
        waiting = asyncio.create_task(watcher.wait("a", after=1, timeout=5))
        await _settle()
        runs.states["a"] = _queued(2)
        assert await waiting == _queued(2)  # the read after the failure woke it
        reads = len(runs.reads)
        await asyncio.sleep(0.05)
        assert len(runs.reads) == reads  # stopped with its last follower

    _run(scenario())


# --- the stream process's views, in-process ------------------------------------------------------------------


@pytest.fixture
def reader(workspace, system_actor):
    """An API client with a runs:read key of the workspace."""
    _, plaintext = apikey_create(workspace=workspace, name="follower", scopes=["runs:read"], actor=system_actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


@pytest.fixture
def run(workspace):
    run = RunFactory(workspace=workspace)
    run_event_append(run.pk, RunEventType.STATUS, {"status": RunStatus.QUEUED})
    return run


def _events(client, run, query: str = ""):
    return _off_loop(lambda: client.get(f"/api/v1/runs/{run.pk}/events{query}"))


def test_the_stream_process_answers_events_exactly_as_the_api_does(reader, run, settings):
    api = _events(reader, run, "?after=0&wait=5")
    settings.ROOT_URLCONF = STREAM_URLS
    stream = _events(reader, run, "?after=0&wait=5")  # there is an event: no waiting
    assert (stream.status_code, stream["Content-Type"]) == (200, "application/json")
    assert stream.json() == api.json()
    assert [e["sequence"] for e in stream.json()["events"]] == [1]


@pytest.mark.urls(STREAM_URLS)
def test_the_stream_process_refuses_as_the_api_does(reader, run, stranger, workspace, system_actor):
    anonymous = _events(APIClient(), run, "?wait=5")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    assert anonymous["WWW-Authenticate"] == "Api-Key"
    outsider = APIClient()
    outsider.force_login(stranger)
    assert _events(outsider, run, "?wait=5").json() == {"code": "not_found", "message": "Not found."}
    _, no_scope = apikey_create(workspace=workspace, name="agents", scopes=["agents:read"], actor=system_actor)
    assert APIClient(HTTP_AUTHORIZATION=f"Api-Key {no_scope}").get(f"/api/v1/runs/{run.pk}/events").status_code == 403
    invalid = _events(reader, run, "?wait=999")
    assert (invalid.status_code, invalid.json()["code"]) == (400, "invalid_input")
    assert "wait" in invalid.json()["errors"]
    missing = reader.get("/api/v1/runs")  # the stream process serves following, nothing else
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/json")


@pytest.mark.urls(STREAM_URLS)
def test_a_member_session_follows_a_finished_run_without_waiting(member, workspace, run):
    run_transition(run, to=RunStatus.CANCELLED, allowed_from={RunStatus.QUEUED}, actor=WORKER)
    client = APIClient()
    client.force_login(member)
    started = time.monotonic()
    page = _events(client, run, "?after=1&wait=20").json()
    assert (page["final"], page["status"], [e["sequence"] for e in page["events"]]) == (True, "cancelled", [2])
    assert time.monotonic() - started < 5


def _later(seconds: float, action) -> threading.Thread:
    def act() -> None:
        time.sleep(seconds)
        action()

    thread = threading.Thread(target=act)
    thread.start()
    return thread


@pytest.mark.urls(STREAM_URLS)
@pytest.mark.django_db(transaction=True)
def test_a_long_poll_is_woken_by_the_next_event_and_ends_empty_when_nothing_comes(reader, run):
    quiet_started = time.monotonic()
    quiet = _events(reader, run, "?after=1&wait=0.6").json()
    assert (quiet["events"], quiet["final"], quiet["next_after"]) == ([], False, 1)
    assert 0.6 <= time.monotonic() - quiet_started < 3

    appender = _later(0.5, lambda: run_event_append(run.pk, RunEventType.PROGRESS, {"message": "half way"}))
    started = time.monotonic()
    page = _events(reader, run, "?after=1&wait=20").json()
    appender.join()
    assert time.monotonic() - started < 5
    assert [(e["sequence"], e["data"]) for e in page["events"]] == [(2, {"message": "half way"})]
    assert (page["final"], page["next_after"]) == (False, 2)


def _drain(response) -> str:
    async def collect() -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    return _off_loop(async_to_sync(collect)).decode()


@pytest.mark.urls(STREAM_URLS)
@pytest.mark.django_db(transaction=True)
def test_the_event_stream_waits_on_the_watcher_until_the_run_is_final(reader, run):
    def progress_then_cancel() -> None:
        run_event_append(run.pk, RunEventType.PROGRESS, {"message": "half way"})
        time.sleep(0.5)
        run_transition(run, to=RunStatus.CANCELLED, allowed_from={RunStatus.QUEUED}, actor=WORKER)

    worker = _later(0.5, progress_then_cancel)
    body = _drain(_off_loop(lambda: reader.get(f"/api/v1/runs/{run.pk}/stream")))
    worker.join()
    assert [line for line in body.splitlines() if line.startswith("id: ")] == ["id: 1", "id: 2", "id: 3"]
    assert body.rstrip().endswith('event: end\ndata: {"status": "cancelled"}')


def test_the_api_process_stream_sends_what_there_is_and_ends(reader, run):
    response = reader.get(f"/api/v1/runs/{run.pk}/stream")
    assert not response.streaming and response["Content-Type"] == "text/event-stream"
    body = response.content.decode()
    assert body.startswith("retry: 2000\n\n")  # an EventSource comes back with Last-Event-ID
    assert [line for line in body.splitlines() if line.startswith("id: ")] == ["id: 1"]
    assert "event: end" not in body  # not final: the client reconnects
    sent = json.loads(next(line for line in body.splitlines() if line.startswith("data: "))[6:])
    listed = reader.get(f"/api/v1/runs/{run.pk}/events").json()["events"][0]
    assert sent["created_at"] == listed["created_at"] and sent["created_at"].endswith("Z")  # one format everywhere
    assert reader.get(f"/api/v1/runs/{run.pk}/stream", HTTP_LAST_EVENT_ID="1").content == b"retry: 2000\n\n"


def test_following_routes_refuse_other_methods_in_the_api_error_shape(client):
    url = "/api/v1/runs/00000000-0000-0000-0000-000000000000/stream"
    for method in ("post", "put", "delete"):
        response = getattr(client, method)(url)
        assert (response.status_code, response.json()["code"], response["Allow"]) == (
            405,
            "method_not_allowed",
            "GET, HEAD",
        )
