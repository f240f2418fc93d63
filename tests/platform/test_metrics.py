"""/metrics, and the request id that follows a run from the API into the worker's logs and audit events.

prometheus_client chooses between in-memory and multiprocess values once, at import, from
PROMETHEUS_MULTIPROC_DIR. The suite imports it without that variable, so multiprocess mode is
tested with real other processes: subprocesses (and a real Celery worker) started with the
variable write their sample files, and this process's /metrics view, pointed at the directory,
merges them exactly as a gunicorn worker would.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from agents import registry
from agents.models import Agent, Run
from agents.registry import AgentSpec
from agents.runs.runtime import run_execute
from agents.runs.services import run_create
from agents.services import agent_sync, agentversion_create_draft, agentversion_publish
from raptorflow import context
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.models import AuditEvent
from raptorflow.llm.breaker import breaker_record_failure
from raptorflow.logging import JSONFormatter, RequestContextFilter
from raptorflow.metrics import scrape_registry
from raptorflow.queues import queue_depths

ROOT = Path(__file__).resolve().parents[2]


def scrape(client, **extra) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """GET /metrics and parse it with Prometheus' own parser: {(sample name, sorted labels): value}."""
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- Counters move when a run completes -------------------------------------------------------


def test_metrics_parse_and_run_and_llm_counters_move_when_a_run_completes(
    client, registry_synced, workspace, system_actor
):
    agent = Agent.objects.get(slug="it-tagline")  # one offline LLM call
    before = scrape(client)
    run, _ = run_create(workspace=workspace, agent=agent, input={"topic": "metrics"}, actor=system_actor)
    assert run_execute(str(run.pk)) == "succeeded"
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("raptorflow_runs_started_total", agent="it-tagline") == 1
    assert moved("raptorflow_runs_finished_total", agent="it-tagline", status="succeeded") == 1
    assert moved("raptorflow_run_duration_seconds_count", agent="it-tagline", status="succeeded") == 1
    assert value(after, "raptorflow_runs_in_progress", agent="it-tagline") == 0
    assert moved("raptorflow_llm_calls_total", provider="offline", model="offline-1", outcome="success") == 1
    step = run.steps.get()
    assert moved("raptorflow_llm_tokens_total", provider="offline", model="offline-1", direction="input") == (
        step.tokens_in
    )
    assert moved("raptorflow_llm_call_duration_seconds_count", provider="offline") == 1


def test_a_second_identical_call_counts_as_a_cache_hit(client, registry_synced, workspace, system_actor):
    agent = Agent.objects.get(slug="it-tagline")
    before = scrape(client)
    for _ in range(2):
        run, _ = run_create(workspace=workspace, agent=agent, input={"topic": "cache"}, actor=system_actor)
        run_execute(str(run.pk))
    after = scrape(client)
    hits = value(after, "raptorflow_llm_cache_hits_total", provider="offline")
    assert hits - value(before, "raptorflow_llm_cache_hits_total", provider="offline") == 1
    assert (
        value(after, "raptorflow_llm_calls_total", provider="offline", model="offline-1", outcome="success")
        - (value(before, "raptorflow_llm_calls_total", provider="offline", model="offline-1", outcome="success"))
        == 2
    )


def test_a_failing_provider_counts_an_error_by_code_before_the_fallback_answers(
    client, registry_synced, workspace, system_actor, paid_provider, httpserver
):
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_data("down", status=503)
    paid_provider.max_retries = 0
    paid_provider.save()
    agent = Agent.objects.get(slug="it-tagline")
    chain = [{"provider": "paid", "model": "gpt-test"}, {"provider": "offline", "model": "offline-1"}]
    agentversion_publish(
        version=agentversion_create_draft(agent=agent, actor=system_actor, model_chain=chain), actor=system_actor
    )
    before = scrape(client)
    run, _ = run_create(workspace=workspace, agent=agent, input={"topic": "errors"}, actor=system_actor)
    assert run_execute(str(run.pk)) == "succeeded"
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("raptorflow_llm_provider_errors_total", provider="paid", code="provider_unavailable") == 1
    assert moved("raptorflow_llm_calls_total", provider="paid", model="gpt-test", outcome="error") == 1
    assert moved("raptorflow_llm_calls_total", provider="offline", model="offline-1", outcome="success") == 1
    assert moved("raptorflow_llm_cost_usd_total", provider="paid", model="gpt-test") == 0


def test_http_requests_are_labelled_by_route_name_never_by_raw_path(client, db):
    client.get("/api/v1/health")
    client.get("/no/such/page/12345")
    samples = scrape(client)
    assert value(samples, "raptorflow_http_requests_total", route="api:health", method="GET", status="2xx") >= 1
    assert value(samples, "raptorflow_http_requests_total", route="unmatched", method="GET", status="4xx") >= 1
    assert not [key for key in samples if "12345" in str(key)]


def test_breaker_state_and_queue_depth_are_read_at_scrape_time(client, registry_synced, settings):
    settings.RAPTORFLOW_BREAKER_FAILURES = 2
    for _ in range(2):
        breaker_record_failure("offline")
    samples = scrape(client)
    assert value(samples, "raptorflow_llm_breaker_state", provider="offline", state="open") == 1
    assert value(samples, "raptorflow_llm_breaker_state", provider="offline", state="closed") == 0
    assert value(samples, "raptorflow_llm_breaker_failures", provider="offline") == 2
    assert ("raptorflow_queue_depth", (("queue", "runs"),)) in samples
    assert value(samples, "raptorflow_scrape_source_up", source="queues") == 1


def test_queue_depth_counts_the_messages_waiting_on_the_broker():
    from raptorflow.celery import app

    with app.connection_for_write() as conn:
        queue = conn.SimpleQueue("rf-test-depth")
        try:
            queue.clear()
            for n in range(3):
                queue.put({"n": n})
            assert queue_depths(["rf-test-depth"]) == {"rf-test-depth": 3}
        finally:
            queue.clear()
            queue.close()


# --- Who may read /metrics -----------------------------------------------------------------------


@pytest.fixture
def outsider() -> dict[str, str]:
    return {"REMOTE_ADDR": "203.0.113.7"}


def test_metrics_refuse_an_address_outside_the_allowed_networks(client, db, settings, outsider):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", **outsider).status_code == 403
    assert client.get("/metrics", **outsider, HTTP_AUTHORIZATION="Bearer anything").status_code == 403


def test_metrics_need_the_bearer_token_when_one_is_set(client, db, settings, outsider):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    missing = client.get("/metrics", **outsider)
    assert (missing.status_code, missing["WWW-Authenticate"]) == (401, 'Bearer realm="metrics"')
    assert client.get("/metrics", **outsider, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", **outsider, HTTP_AUTHORIZATION="Basic s3cret-metrics-token").status_code == 401
    assert scrape(client, **outsider, HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")


def test_metrics_answer_a_configured_network_and_only_it(client, db, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "2001:db8::/32"]
    assert scrape(client, REMOTE_ADDR="10.20.30.40")
    assert scrape(client, REMOTE_ADDR="2001:db8::5")
    assert client.get("/metrics").status_code == 403  # 127.0.0.1 is no longer listed


# --- Multiprocess mode ---------------------------------------------------------------------------------

_WRITER = """
import os, sys
import django
django.setup()
from prometheus_client import multiprocess
from raptorflow import metrics
started = metrics.run_started("mp-agent")
if sys.argv[1] == "finish":
    metrics.run_finished("mp-agent", "succeeded", started)
    metrics.run_final("mp-agent", "succeeded")  # what run_transition does on reaching a final state
    multiprocess.mark_process_dead(os.getpid())  # what gunicorn's child_exit does
"""


def _child_env(prom_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "raptorflow.settings.test",
            "RAPTORFLOW_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
            "PROMETHEUS_MULTIPROC_DIR": str(prom_dir),
        }
    )
    return env


def test_multiprocess_mode_merges_every_process_and_drops_dead_processes_live_gauges(client, db, tmp_path, monkeypatch):
    prom_dir = tmp_path / "prometheus"
    prom_dir.mkdir()
    env = _child_env(prom_dir)
    # Two processes finish a run each and exit like a recycled gunicorn worker; a third is still running one.
    for mode in ("finish", "finish", "keep-running"):
        subprocess.run([sys.executable, "-c", _WRITER, mode], cwd=ROOT, env=env, check=True, timeout=60)
    assert len(list(prom_dir.glob("counter_*.db"))) == 3

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(prom_dir))  # read by the view at each scrape
    samples = scrape(client)
    assert value(samples, "raptorflow_runs_started_total", agent="mp-agent") == 3
    assert value(samples, "raptorflow_runs_finished_total", agent="mp-agent", status="succeeded") == 2
    assert value(samples, "raptorflow_runs_in_progress", agent="mp-agent") == 1
    assert value(samples, "raptorflow_scrape_source_up", source="queues") == 1  # scrape-time gauges still there


# --- The request id, from the API into the worker ------------------------------------------------------------


def test_audit_events_written_by_the_runtime_carry_the_api_requests_id(registry_synced, workspace, system_actor):
    _, plaintext = apikey_create(
        workspace=workspace, name="script", scopes=["runs:read", "runs:write"], actor=system_actor
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    response = api.post(
        "/api/v1/runs",
        {"agent": "it-tagline", "input": {"topic": "ids"}},
        format="json",
        HTTP_X_REQUEST_ID="req-from-the-api-1",
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "req-from-the-api-1"

    assert context.current().request_id == ""  # the worker starts with no request of its own
    assert run_execute(response.json()["id"]) == "succeeded"
    finished = AuditEvent.objects.get(action="run.succeeded", target_id=response.json()["id"])
    assert (finished.actor_label, finished.request_id) == ("worker", "req-from-the-api-1")


@pytest.fixture
def crashing_agent(registry_synced, system_actor):
    def crash(ctx, data):
        raise RuntimeError("boom")

    registry._REGISTRY["test-crash"] = AgentSpec(
        slug="test-crash",
        name="test-crash",
        category="test",
        description="raises",
        input_schema={"type": "object"},
        output_schema={"type": "object"},
        skills=(),
        routing_examples=(),
        system_prompt="",
        run=crash,
    )
    agent_sync(actor=system_actor, default_chain=[{"provider": "offline", "model": "offline-1"}])
    yield Agent.objects.get(slug="test-crash")
    registry._REGISTRY.pop("test-crash", None)


def test_runtime_log_lines_are_json_carrying_the_runs_request_id(crashing_agent, workspace, system_actor):
    # The handler production uses: LOGGING's "json" formatter and request_context filter.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JSONFormatter())
    runtime_logger = logging.getLogger("agents.runs.runtime")
    runtime_logger.addHandler(handler)
    try:
        with context.bind(request_id="req-log-42"):  # as the API request that created it
            run, _ = run_create(workspace=workspace, agent=crashing_agent, input={}, actor=system_actor)
        assert run_execute(str(run.pk)) == "failed"  # in the worker, outside that request
    finally:
        runtime_logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    crashed = next(line for line in lines if line["message"] == f"run {run.pk} crashed")
    assert (crashed["request_id"], crashed["level"], crashed["logger"]) == (
        "req-log-42",
        "ERROR",
        "agents.runs.runtime",
    )
    assert "RuntimeError: boom" in crashed["exc"]
    run.refresh_from_db()
    assert "req-log-42" in run.error_message  # what a user quotes to support


# --- A real Celery worker: its log lines and its metrics -----------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_logs_json_with_the_api_request_id_and_its_metrics_reach_the_scrape(
    registry_synced, workspace, system_actor, tmp_path
):
    from raptorflow.celery import app
    from tests.fixtures.processes import WorkerProcess, wait_for

    # Messages other tests left behind would only keep the worker busy.
    with app.connection_for_write() as conn, conn.channel() as channel:
        for queue in ("runs", "maintenance"):
            with contextlib.suppress(Exception):  # a queue never declared has nothing to purge
                channel.queue_purge(queue)
    prom_dir = tmp_path / "prometheus"
    prom_dir.mkdir()
    env = {**_child_env(prom_dir), "LOG_FORMAT": "json", "PYTHONUNBUFFERED": "1"}
    worker = WorkerProcess(tmp_path / "worker.log", env).start()
    try:
        with context.bind(request_id="req-worker-7"):  # what RequestContextMiddleware binds
            run, _ = run_create(
                workspace=workspace, agent=Agent.objects.get(slug="it-tagline"), input={}, actor=system_actor
            )
        wait_for(lambda: Run.objects.get(pk=run.pk).status == "succeeded", timeout=60, message="the run")
        # The status commits before the task returns: wait for Celery's own "succeeded in" line, so that
        # stopping the worker cannot cut the task (and its metrics) short.
        wait_for(lambda: "succeeded in" in worker.log_path.read_text(), timeout=30, message="the task to return")
    finally:
        worker.stop()
    lines = [json.loads(line) for line in worker.log_path.read_text().splitlines() if line.startswith("{")]
    assert lines, worker.log()
    done = [line for line in lines if "succeeded in" in line["message"] and str(run.pk) in line["data"]["args"]]
    assert done and done[0]["request_id"] == "req-worker-7", worker.log()  # Celery's own line about the task

    merged = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in scrape_registry(str(prom_dir), scrape_time=False).collect()
        for sample in family.samples
    }
    assert value(merged, "raptorflow_runs_finished_total", agent="it-tagline", status="succeeded") == 1
    assert value(merged, "raptorflow_llm_calls_total", provider="offline", model="offline-1", outcome="success") == 1
    assert value(merged, "raptorflow_runs_in_progress", agent="it-tagline") == 0


def test_runs_ended_outside_the_worker_are_counted_too(db, registry_synced, workspace, system_actor, client):
    from agents.models import Agent
    from agents.runs.services import run_cancel, run_create

    def finished() -> float:
        text = client.get("/metrics").content.decode()
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "raptorflow_runs_finished_total" and sample.labels == {
                    "agent": "unit_economics",
                    "status": "cancelled",
                }:
                    return sample.value
        return 0.0

    before = finished()
    run, _ = run_create(workspace=workspace, agent=Agent.objects.get(slug="unit_economics"), input={
        "spend": 1, "leads": 1, "conversion_rate": 0.1, "arpu": 1, "churn": 0.1}, actor=system_actor)  # fmt: skip
    run_cancel(run=run, actor=system_actor)
    assert finished() == before + 1


# --- Gauges the alert rules need (deploy/prometheus/alerts.yml) -------------------------------------------


def test_audit_sealing_lag_counts_unsealed_events_and_their_age_until_the_sealer_runs(client, db, system_actor):
    from datetime import timedelta

    from django.utils import timezone

    from raptorflow.audit.services import audit_seal

    audit_seal()
    assert value(scrape(client), "raptorflow_audit_unsealed_events") == 0
    assert value(scrape(client), "raptorflow_audit_unsealed_oldest_age_seconds") == 0
    AuditEvent.objects.create(  # as audit_log writes one, 90 s ago
        created_at=timezone.now() - timedelta(seconds=90), actor_type=system_actor.type, actor_label="tests",
        action="test.metrics",
    )  # fmt: skip
    samples = scrape(client)
    assert value(samples, "raptorflow_audit_unsealed_events") >= 1
    assert 90 <= value(samples, "raptorflow_audit_unsealed_oldest_age_seconds") < 150
    assert value(samples, "raptorflow_scrape_source_up", source="audit") == 1
    audit_seal()
    samples = scrape(client)
    assert value(samples, "raptorflow_audit_unsealed_events") == 0
    assert value(samples, "raptorflow_audit_unsealed_oldest_age_seconds") == 0


def test_the_oldest_queued_run_age_is_read_from_the_runs(client, registry_synced, workspace, system_actor):
    from datetime import timedelta

    from django.utils import timezone

    samples = scrape(client)
    assert value(samples, "raptorflow_runs_queued") == 0
    assert value(samples, "raptorflow_runs_queued_oldest_age_seconds") == 0
    agent = Agent.objects.get(slug="unit_economics")
    run, _ = run_create(workspace=workspace, agent=agent, input={
        "spend": 1, "leads": 1, "conversion_rate": 0.1, "arpu": 1, "churn": 0.1}, actor=system_actor)  # fmt: skip
    Run.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(seconds=300))
    samples = scrape(client)
    assert value(samples, "raptorflow_runs_queued") == 1
    assert 300 <= value(samples, "raptorflow_runs_queued_oldest_age_seconds") < 360
    assert value(samples, "raptorflow_scrape_source_up", source="runs") == 1
    Run.objects.filter(pk=run.pk).update(status="cancelled")
    assert value(scrape(client), "raptorflow_runs_queued_oldest_age_seconds") == 0


def test_budget_used_ratio_is_this_months_spend_and_reservations_over_the_budget(
    client, db, workspace, other_workspace
):
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from agents.models import WorkspaceSpend
    from agents.selectors import month_start

    workspace.monthly_budget = Decimal("40.00")
    workspace.save()
    this_month = month_start(timezone.now())
    WorkspaceSpend.objects.create(workspace=workspace, month=this_month, amount=Decimal("30"), reserved=Decimal("4"))
    WorkspaceSpend.objects.create(workspace=workspace, month=date(2001, 1, 1), amount=Decimal("400"), reserved=0)
    other_workspace.monthly_budget = Decimal("0")  # free calls only: no ratio to report
    other_workspace.save()
    WorkspaceSpend.objects.create(workspace=other_workspace, month=this_month, amount=0, reserved=0)
    samples = scrape(client)
    assert value(samples, "raptorflow_workspace_budget_used_ratio", workspace=workspace.slug) == pytest.approx(0.85)
    assert not [key for key in samples if key[0] == "raptorflow_workspace_budget_used_ratio" and key != (
        "raptorflow_workspace_budget_used_ratio", (("workspace", workspace.slug),))]  # fmt: skip


def test_a_registered_source_that_fails_is_reported_down_and_the_others_still_scraped(client, db, monkeypatch):
    from raptorflow import metrics

    def broken():
        raise RuntimeError("unreachable")
        yield  # pragma: no cover

    monkeypatch.setitem(metrics._SOURCES, "broken", broken)
    samples = scrape(client)
    assert value(samples, "raptorflow_scrape_source_up", source="broken") == 0
    assert value(samples, "raptorflow_scrape_source_up", source="audit") == 1
    assert ("raptorflow_audit_unsealed_events", ()) in samples
