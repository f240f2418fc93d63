"""/health/live, /health/ready (each dependency by name, with real unreachable ports), the API's /api/v1/health
(answers anyone, for load balancers) and the admin status page."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from celery import signals
from rest_framework.throttling import SimpleRateThrottle

from raptorflow import health
from raptorflow.llm.breaker import breaker_failures, breaker_record_failure, breaker_reset
from raptorflow.llm.models import Provider
from tests.factories import UserFactory
from tests.fixtures.api import API

ROOT = Path(__file__).resolve().parents[2]
CHECK_NAMES = {"database", "cache", "broker", "migrations", "worker"}


def closed_port() -> int:
    """A local TCP port nobody listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _no_heartbeat(var_dir):
    """No worker heartbeat unless a test writes one. With the local-memory cache heartbeats go to a file cache
    under VAR_DIR, here this test's own (var_dir), so workers started by other tests cannot leak into it."""
    health.worker_heartbeat_clear()
    yield
    health.worker_heartbeat_clear()


@pytest.fixture
def worker_seen():
    health.worker_heartbeat_write("worker@test-host")


# --- /health/live ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/health/live", "/health/live/"])
def test_live_answers_ok_without_touching_the_database(client, db, django_assert_num_queries, path):
    client.get("/health/live")  # warm the IP blocklist cache, which the middleware reads on every request
    with django_assert_num_queries(0):
        response = client.get(path)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_live_stays_ok_when_every_dependency_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    assert client.get("/health/live").status_code == 200


# --- /health/ready -----------------------------------------------------------------------------


def test_ready_is_200_with_every_check_ok_and_timed(client, db, worker_seen):
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECK_NAMES
    for name, check in body["checks"].items():
        assert (check["name"], check["status"], check["error"]) == (name, "ok", "")
        assert check["latency_ms"] >= 0
    assert "worker@test-host" in body["checks"]["worker"]["detail"]


def test_ready_is_503_naming_the_broker_when_its_url_points_at_a_closed_port(client, db, settings, worker_seen):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/health/ready")
    body = response.json()
    assert (response.status_code, body["status"]) == (503, "fail")
    failing = {name for name, check in body["checks"].items() if check["status"] == "fail"}
    assert failing == {"broker"}
    assert "OperationalError" in body["checks"]["broker"]["error"]


_PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/health/ready")
print(json.dumps({"status_code": response.status_code, "body": response.json()}))
"""


def test_ready_is_503_naming_the_database_when_its_url_points_at_a_closed_port(tmp_path):
    # Django opens its database connections from settings at start-up, so a wrong DATABASE_URL needs a new process.
    env = {k: v for k, v in os.environ.items() if k not in {"RAPTORFLOW_TEST_DB_NAME", "PROMETHEUS_MULTIPROC_DIR"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "raptorflow.settings.test",
            "DATABASE_URL": f"postgres://raptorflow:wrong@127.0.0.1:{closed_port()}/raptorflow",
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    checks = result["body"]["checks"]
    assert (result["status_code"], result["body"]["status"]) == (503, "fail")
    assert checks["database"]["status"] == "fail"
    assert "OperationalError" in checks["database"]["error"]
    assert checks["migrations"]["status"] == "fail"  # it needs the database too
    assert (checks["cache"]["status"], checks["broker"]["status"]) == ("ok", "ok")


def test_a_hung_check_times_out_instead_of_hanging_the_probe(client, db, settings, monkeypatch, worker_seen):
    settings.RAPTORFLOW_HEALTH_CHECK_TIMEOUT_SECONDS = 0.3
    release = threading.Event()

    def hang() -> str:
        release.wait(30)
        return "too late"

    monkeypatch.setitem(health.CHECKS, "cache", hang)
    started = time.monotonic()
    try:
        response = client.get("/health/ready")
    finally:
        release.set()
    assert time.monotonic() - started < 2
    body = response.json()
    assert (response.status_code, body["checks"]["cache"]["status"]) == (503, "fail")
    assert body["checks"]["cache"]["error"] == "timed out after 0.3 s"
    assert body["checks"]["database"]["status"] == "ok"


def test_a_check_that_raises_is_reported_never_a_500(client, db, monkeypatch, worker_seen):
    def broken() -> str:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(health.CHECKS, "migrations", broken)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["error"] == "ZeroDivisionError: division by zero"


def test_ready_fails_when_no_worker_was_seen_recently(client, db, settings):
    health._heartbeat_cache().set(health.HEARTBEAT_KEY, {"hostname": "worker@old", "at": time.time() - 3600, "pid": 1})
    body = client.get("/health/ready").json()
    assert body["checks"]["worker"]["status"] == "fail"
    assert "worker@old" in body["checks"]["worker"]["error"]


def test_a_missing_worker_is_only_a_warning_when_readiness_does_not_require_one(client, db, settings):
    settings.RAPTORFLOW_READY_REQUIRES_WORKER = False
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["status"] == "warn"


def test_a_starting_worker_writes_the_heartbeat_readiness_looks_for(client, db):
    class Consumer:  # what Celery sends worker_ready with
        hostname = "worker@signal-host"

    signals.worker_ready.send(sender=Consumer())
    beat = health.worker_heartbeat_read()
    assert beat["hostname"] == "worker@signal-host"
    assert client.get("/health/ready").json()["checks"]["worker"]["status"] == "ok"


# --- /api/v1/health: answers without credentials, for load balancers ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["health", "health/"])
def test_health_answers_anyone_without_touching_the_database(api_client, django_assert_num_queries, path):
    with django_assert_num_queries(0):
        response = api_client.get(f"{API}/{path}")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "version": "v1"})


@pytest.mark.django_db
def test_health_is_never_throttled(api_client, monkeypatch):
    # Throttles read their rates once, at import; patch the class attribute to make them bite.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/min", "user": "1/min"})
    assert {api_client.get(f"{API}/health").status_code for _ in range(3)} == {200}


# --- LLM circuit breakers ------------------------------------------------------------------------------


def test_breaker_summaries_give_each_enabled_providers_state_and_failure_count(db, settings):
    settings.RAPTORFLOW_BREAKER_FAILURES = 3
    names = ("health-a", "health-b", "health-off")
    for name in names:
        Provider.objects.create(name=name, kind="offline", enabled=name != "health-off")
        breaker_reset(name)
    for _ in range(2):
        breaker_record_failure("health-a")
    for _ in range(3):
        breaker_record_failure("health-b")
    summaries = [s for s in health.breaker_summaries() if s.provider.startswith("health-")]
    assert summaries == [
        health.BreakerSummary("health-a", "offline", "closed", 2),  # under the threshold of 3
        health.BreakerSummary("health-b", "offline", "open", 3),
    ]  # the disabled provider is left out
    breaker_reset("health-b")
    assert [breaker_failures(name) for name in names] == [2, 0, 0]
    breaker_reset("health-a")


# --- The admin's system status page ------------------------------------------------------------------


def test_the_status_page_shows_checks_queues_breakers_and_the_heartbeat_to_staff(
    admin_client, registry_synced, worker_seen
):
    response = admin_client.get("/admin/status/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (*CHECK_NAMES, "runs", "maintenance", "analytics", "webhooks", "offline", "closed", "worker@test-host"):
        assert text in html, text
    assert [name for name, _depth in response.context["queues"]] == ["analytics", "maintenance", "runs", "webhooks"]
    assert not re.findall(r"<script(?![^>]*\bsrc=)", html)  # the CSP forbids inline scripts


def test_the_status_page_reports_an_unreachable_broker_instead_of_failing(admin_client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = admin_client.get("/admin/status/")
    assert response.status_code == 200
    assert "The broker could not be read" in response.content.decode()


def test_the_status_page_sends_non_staff_and_anonymous_to_the_admin_login(client, db):
    assert client.get("/admin/status/")["Location"].startswith("/admin/login/")
    client.force_login(UserFactory(username="not-staff"))
    response = client.get("/admin/status/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/admin/login/")
