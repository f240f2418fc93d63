"""Following runs against real servers: gunicorn (the API, as deploy/gunicorn.conf.py) and uvicorn (the stream process).

Each server is a subprocess on its own port, opening the test database (RAPTORFLOW_TEST_DB_NAME, as the
worker tests do), so the data is committed (``transaction=True``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from agents.choices import RunEventType, RunStatus
from agents.runs.lifecycle import run_event_append, run_transition
from agents.runs.runtime import WORKER
from raptorflow.accounts.services import apikey_create
from tests.factories import RunFactory
from tests.fixtures.processes import ROOT

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

FOLLOWERS = 50
PORTS = range(18500, 18600)  # this suite's share of the machine's ports


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {PORTS}")


class Server:
    """A web server subprocess in its own process group; its output goes to a log file shown on failure."""

    def __init__(self, cmd: list[str], port: int, env: dict[str, str], log_path: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 60) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            # A busy machine may take more than a probe's timeout to answer the first request: keep probing.
            with contextlib.suppress(requests.ConnectionError, requests.Timeout):
                if requests.get(f"{self.url}/health/live", timeout=2).status_code == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError(f"server did not start:\n{self.log()}")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]


@pytest.fixture
def serve(transactional_db, worker_env, tmp_path) -> Iterator[Any]:
    servers: list[Server] = []

    def start(kind: str) -> Server:
        port = _free_port()
        env = {k: v for k, v in worker_env.items() if k != "WEB_CONCURRENCY"}  # uvicorn reads it as workers
        if kind == "api":  # the workers of deploy/gunicorn.conf.py (gthread); two of them
            cmd = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                   "--workers", "2", "--max-requests", "0", "raptorflow.wsgi:application"]  # fmt: skip
        else:  # the stream process, as docker-compose's `stream`
            env |= {"DB_CONN_MAX_AGE": "0", "DB_POOL_MAX_SIZE": "4"}
            cmd = [sys.executable, "-m", "uvicorn", "raptorflow.asgi:application", "--host", "127.0.0.1",
                   "--port", str(port), "--lifespan", "off"]  # fmt: skip
        servers.append(Server(cmd, port, env, tmp_path / f"{kind}-{port}.log"))
        return servers[-1].wait_ready()

    yield start
    for server in servers:
        server.stop()


@dataclass(frozen=True)
class Followed:
    run: Any
    key: str  # a runs:read key of the run's workspace
    stranger_key: str  # a runs:read key of another workspace


@pytest.fixture
def followed(workspace, other_workspace, system_actor) -> Followed:
    run = RunFactory(workspace=workspace)
    run_event_append(run.pk, RunEventType.STATUS, {"status": RunStatus.QUEUED})

    def key(ws) -> str:
        return apikey_create(workspace=ws, name="follower", scopes=["runs:read"], actor=system_actor)[1]

    return Followed(run, key(workspace), key(other_workspace))


@dataclass(frozen=True)
class Answer:
    status: int | str  # "timeout" when the client gave up
    seconds: float
    body: Any = None
    content_type: str = ""


def _get(url: str, key: str | None, timeout: float) -> Answer:
    headers = {"Authorization": f"Api-Key {key}"} if key else {}
    started = time.monotonic()
    try:
        response = requests.get(url, headers=headers, timeout=timeout)
    except requests.Timeout:
        return Answer("timeout", time.monotonic() - started)
    content_type = response.headers.get("Content-Type", "")
    body = response.json() if content_type == "application/json" else response.text
    return Answer(response.status_code, time.monotonic() - started, body, content_type)


def test_fifty_followers_never_hold_the_api_workers(serve, followed):
    api = serve("api")
    events = f"{api.url}/api/v1/runs/{followed.run.pk}/events?after=1&wait=10"
    with ThreadPoolExecutor(FOLLOWERS) as pool:
        polls = [pool.submit(_get, events, followed.key, 15) for _ in range(FOLLOWERS)]
        time.sleep(0.5)  # the long-polls are in, ahead of the reads below
        reads = [_get(f"{api.url}/api/v1/runs/{followed.run.pk}", followed.key, 9) for _ in range(3)]
        answered = [poll.result() for poll in polls]
    # Held workers would keep these reads waiting for the long-polls' 10 s; answered at once, they take a fraction
    # of a second (4 s leaves room for a machine loaded with other work).
    assert all(r.status == 200 and r.seconds < 4 for r in reads), f"{reads}\n{api.log()}"
    # The API process answers at once whatever `wait` says: waiting is the stream process's.
    assert all(a.status == 200 and a.body["events"] == [] and a.seconds < 5 for a in answered), answered


def test_the_stream_process_holds_fifty_long_polls_and_wakes_them_all(serve, followed):
    stream = serve("stream")
    run = followed.run
    pages = _follow(stream, followed, after=1, then=lambda: run_event_append(run.pk, RunEventType.PROGRESS, {"n": 1}))
    assert {(tuple(e["sequence"] for e in p["events"]), p["final"], p["next_after"]) for p in pages} == {
        ((2,), False, 2)
    }
    pages = _follow(
        stream,
        followed,
        after=2,
        then=lambda: run_transition(run, to=RunStatus.CANCELLED, allowed_from={RunStatus.QUEUED}, actor=WORKER),
    )
    assert {(tuple(e["sequence"] for e in p["events"]), p["final"], p["status"]) for p in pages} == {
        ((3,), True, "cancelled")
    }


def _follow(stream: Server, followed: Followed, *, after: int, then) -> list[dict]:
    """FOLLOWERS long-polls, all held until ``then()`` changes the run; they must all answer within 3 s of it."""
    url = f"{stream.url}/api/v1/runs/{followed.run.pk}/events?after={after}&wait=20"
    with ThreadPoolExecutor(FOLLOWERS) as pool:
        polls = [pool.submit(_get, url, followed.key, 30) for _ in range(FOLLOWERS)]
        time.sleep(3)  # every one of them in and waiting
        assert not [p for p in polls if p.done()], [p.result() for p in polls if p.done()]
        changed = time.monotonic()
        then()
        answers = [poll.result() for poll in polls]
    late = time.monotonic() - changed
    assert late < 3 and all(a.status == 200 for a in answers), f"{late:.1f} s, {answers[:3]}\n{stream.log()}"
    return [a.body for a in answers]


def test_the_stream_process_refuses_strangers_and_anonymous_callers_in_the_api_shape(serve, followed):
    stream = serve("stream")
    for path in ("events?wait=5", "stream"):
        url = f"{stream.url}/api/v1/runs/{followed.run.pk}/{path}"
        anonymous, stranger = _get(url, None, 10), _get(url, followed.stranger_key, 10)
        assert (anonymous.status, anonymous.content_type, anonymous.body["code"]) == (
            401,
            "application/json",
            "not_authenticated",
        )
        assert (stranger.status, stranger.body) == (404, {"code": "not_found", "message": "Not found."})
        assert anonymous.seconds < 5 and stranger.seconds < 5
    assert _get(f"{stream.url}/api/v1/runs", followed.key, 10).status == 404  # the API is the other process's
