"""Following a pipeline run on the real servers: the stream process holds a long-poll until the pipeline has news,
streams it as server-sent events to the end, and refuses strangers; the API process never waits."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
import requests

from agents.models import Pipeline, PipelineRun
from agents.pipelines.builtin import pipeline_sync
from agents.pipelines.choices import PipelineEventType
from agents.pipelines.ledger import pipeline_event_append
from raptorflow.accounts.services import apikey_create
from tests.agents.runs.test_following import _get, serve  # noqa: F401 - serve is a fixture

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def followed(registry_synced, workspace, other_workspace, system_actor):
    pipeline_sync(actor=system_actor)
    version = Pipeline.objects.get(slug="publish-ready-post").versions.get(status="published")
    run = PipelineRun.objects.create(workspace=workspace, version=version, input={}, budget=Decimal("1"))
    pipeline_event_append(run.pk, PipelineEventType.STATUS, {"status": "running"})

    def key(ws) -> str:
        return apikey_create(workspace=ws, name="follower", scopes=["runs:read"], actor=system_actor)[1]

    return run, key(workspace), key(other_workspace)


def _finish_later(run: PipelineRun, seconds: float) -> threading.Thread:
    def finish():
        time.sleep(seconds)
        pipeline_event_append(run.pk, PipelineEventType.STEP, {"step": "draft", "status": "succeeded"})
        PipelineRun.objects.filter(pk=run.pk).update(status="succeeded")
        pipeline_event_append(run.pk, PipelineEventType.STATUS, {"status": "succeeded"})

    thread = threading.Thread(target=finish)
    thread.start()
    return thread


def test_the_stream_process_holds_a_long_poll_until_the_pipeline_has_news(serve, followed):  # noqa: F811
    run, key, stranger = followed
    stream = serve("stream")
    thread = _finish_later(run, 2)
    answer = _get(f"{stream.url}/api/v1/pipeline-runs/{run.pk}/events?after=1&wait=15", key, 30)
    thread.join()
    assert answer.status == 200 and 1.5 < answer.seconds < 10, answer
    assert answer.body["events"][0]["data"] == {"step": "draft", "status": "succeeded"}
    assert _get(f"{stream.url}/api/v1/pipeline-runs/{run.pk}/events?wait=5", stranger, 10).status == 404


def test_the_stream_process_sends_the_pipelines_events_until_it_ends(serve, followed):  # noqa: F811
    run, key, _ = followed
    stream = serve("stream")
    thread = _finish_later(run, 1)
    response = requests.get(
        f"{stream.url}/api/v1/pipeline-runs/{run.pk}/stream", headers={"Authorization": f"Api-Key {key}"}, timeout=30
    )
    thread.join()
    assert response.headers["Content-Type"] == "text/event-stream"
    ids = [line[4:] for line in response.text.splitlines() if line.startswith("id: ")]
    assert ids == ["1", "2", "3"] and "event: end" in response.text


def test_the_api_process_answers_at_once_whatever_wait_says(serve, followed):  # noqa: F811
    run, key, _ = followed
    api = serve("api")
    answer = _get(f"{api.url}/api/v1/pipeline-runs/{run.pk}/events?after=1&wait=10", key, 15)
    assert answer.status == 200 and answer.body["events"] == [] and answer.seconds < 5
    now = requests.get(
        f"{api.url}/api/v1/pipeline-runs/{run.pk}/stream", headers={"Authorization": f"Api-Key {key}"}, timeout=10
    )
    assert now.status_code == 200 and "id: 1" in now.text and "event: end" not in now.text
