"""An API-key request makes one cache round trip before its view (decision 0031): the key's row, its rate-limit
counter and the view's first reads (a new run's agent, a finished run's body) in one pipeline."""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from agents.runs.runtime import run_execute
from raptorflow.accounts.services import apikey_create

UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}

pytestmark = pytest.mark.skipif(not hasattr(cache, "client"), reason="counts Redis round trips (django-redis)")


@contextmanager
def round_trips():
    """Counts every time the cache talks to Redis (django-redis asks for its client once per command or pipeline)."""
    client = cache.client  # type: ignore[attr-defined]
    with mock.patch.object(client, "get_client", wraps=client.get_client) as spy:
        yield spy


@pytest.fixture(autouse=True)
def _blocklist_read_this_second(monkeypatch):
    """The IP blocklist is read from the cache at most once a second per process (decision 0011), not per request:
    keep this process's copy fresh for the test, whatever its speed."""
    from raptorflow.audit import blocklist

    monkeypatch.setattr(blocklist, "LOCAL_TTL", 600)


@pytest.fixture
def writer(workspace, registry_synced, system_actor) -> APIClient:
    _, plaintext = apikey_create(workspace=workspace, name="s", scopes=["runs:read", "runs:write"], actor=system_actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


def _start(client: APIClient):
    return client.post("/api/v1/runs", {"agent": "unit_economics", "input": UNIT}, format="json")


def test_starting_a_run_makes_one_round_trip_before_the_view_and_none_in_it(writer):
    _start(writer)  # caches the key and the agent; records the key's use for this minute
    with round_trips() as trips:
        response = _start(writer)
    assert response.status_code == 201
    assert trips.call_count == 1, trips.call_args_list


def test_reading_a_cached_finished_run_is_one_round_trip(writer):
    run_id = _start(writer).json()["id"]
    run_execute(run_id)
    writer.get(f"/api/v1/runs/{run_id}")  # caches the body
    with round_trips() as trips:
        response = writer.get(f"/api/v1/runs/{run_id}")
    assert (response.status_code, response.json()["status"]) == (200, "succeeded")
    assert trips.call_count == 1, trips.call_args_list


def test_the_counter_of_the_round_trip_is_the_rate_limit(writer, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "3/min"}
    with mock.patch("rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES", rates):
        codes = [writer.get("/api/v1/runs").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_made_up_key_with_a_real_prefix_does_not_count_against_the_real_key(
    writer, workspace, system_actor, settings
):
    key, plaintext = apikey_create(workspace=workspace, name="victim", scopes=["runs:read"], actor=system_actor)
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION=f"Api-Key rfk_{key.prefix}_{'x' * 43}")
    real = APIClient()
    real.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/min"}
    with mock.patch("rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES", rates):
        assert [forged.get("/api/v1/runs").status_code for _ in range(3)] == [401, 401, 401]
        assert [real.get("/api/v1/runs").status_code for _ in range(2)] == [200, 200]
