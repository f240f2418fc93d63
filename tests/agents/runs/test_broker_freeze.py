"""A broker that accepts connections but never answers (stalled, partitioned) cannot hang the web.

The publish gives up after the broker timeouts (settings/celery.py), the API still answers 201 for the run it
stored, and once the broker answers again the run is executed: the sweeper sends it again, and the claim makes
a duplicate message (the one the frozen broker may still have taken) harmless.
"""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from agents.models import Run
from raptorflow.accounts.services import apikey_create
from tests.fixtures.processes import ROOT, RedisServer, WebProcess, WorkerProcess, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


@pytest.fixture
def frozen_broker_stack(tmp_path, worker_env):
    """A redis-server of the test's own as the broker of a gunicorn web process and a Celery worker."""
    redis = RedisServer(tmp_path)
    env = {**worker_env, "CELERY_BROKER_URL": redis.url}
    web = WebProcess(tmp_path / "web.log", env)
    worker = WorkerProcess(tmp_path / "worker.log", env).start()
    try:
        yield redis, web, worker, env
    finally:
        redis.resume()
        worker.stop()
        web.stop()
        redis.stop()


def test_post_runs_answers_201_within_3_s_while_the_broker_is_frozen_and_the_run_completes_after(
    registry_synced, workspace, system_actor, frozen_broker_stack
):
    redis, web, worker, env = frozen_broker_stack
    _, key = apikey_create(workspace=workspace, name="ci", scopes=["runs:write", "runs:read"], actor=system_actor)
    headers = {"Authorization": f"Api-Key {key}"}
    with httpx.Client(base_url=web.url, headers=headers, timeout=30) as client:
        assert client.post("/api/v1/runs", json={"agent": "unit_economics", "input": UNIT}).status_code == 201
        redis.freeze()
        started = time.monotonic()
        response = client.post("/api/v1/runs", json={"agent": "unit_economics", "input": UNIT})
        elapsed = time.monotonic() - started
    assert response.status_code == 201, web.log()
    assert elapsed < 3, f"POST /runs took {elapsed:.1f} s with the broker frozen"
    run = Run.objects.get(pk=response.json()["id"])
    assert run.status == "queued"

    redis.resume()
    # The frozen broker may still have taken the message (its bytes were in the socket before the publish gave
    # up); if not, the sweeper's pass sends it again. It runs where that broker is configured.
    sweep = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from agents.runs.sweeper import run_sweep; run_sweep()"],
        env={**env, "RAPTORFLOW_QUEUED_STALE_SECONDS": "1"},  # the run was created over 2 s ago
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sweep.returncode == 0, sweep.stderr[-3000:]

    def final() -> bool:
        run.refresh_from_db()
        return run.status == "succeeded"

    wait_for(final, timeout=60, message=f"the run to succeed\n{worker.log()}")
    assert run.attempt == 1  # executed once, however many messages reached the queue
