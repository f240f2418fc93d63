"""OpenTelemetry tracing (raptorflow/tracing.py, decision 0028).

One trace runs from ``POST /api/v1/runs`` through the broker to a Celery worker (an embedded one, in a thread of
this process, consuming the real message from Redis: the context travels in the message's headers, as it does
between processes) and on to the claim, the model call (with its GenAI attributes) and the final transition.
Spans go to the in-memory exporter. With the OTEL_* variables unset, a process that starts the app installs no
tracer provider, imports no SDK and patches nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_trace_id

from agents.models import Agent, Run
from agents.runs.services import run_create, run_enqueue
from raptorflow import tracing
from raptorflow.celery import app
from raptorflow.llm.client import complete_with_fallback
from raptorflow.llm.models import Provider
from raptorflow.llm.scripted import register_script, unregister_script
from raptorflow.llm.types import CompletionRequest, Message
from tests.agents.scripted_runs import api_writer, publish_scripted
from tests.fixtures.processes import ROOT, wait_for

FINAL = {"succeeded", "failed", "timed_out", "budget_exceeded", "cancelled"}
EXPORTER = InMemorySpanExporter()  # one per process: OpenTelemetry lets a process set its tracer provider once
TAGLINE = "Forecasts you can bank on."


@pytest.fixture
def spans():
    """Tracing on in this process, into the in-memory exporter; the instrumentations are removed afterwards."""
    tracing.configure("test", exporter=EXPORTER)
    EXPORTER.clear()
    yield EXPORTER
    tracing.uninstrument()
    EXPORTER.clear()


def _one(spans: list[ReadableSpan], name: str) -> ReadableSpan:
    found = [span for span in spans if span.name == name]
    assert len(found) == 1, f"{name}: {len(found)} spans among {sorted({span.name for span in spans})}"
    return found[0]


def _trace_id(span: ReadableSpan) -> str:
    return format_trace_id(span.context.trace_id)


@pytest.mark.django_db(transaction=True)
def test_one_trace_runs_from_post_runs_through_the_queue_to_the_worker_and_the_model_call(
    spans, workspace, registry_synced, system_actor, purge_broker
):
    reply = {"text": TAGLINE, "usage": {"input_tokens": 37, "output_tokens": 9}}
    publish_scripted("it-tagline", "trace-tagline", [reply], system_actor)
    writer = api_writer(workspace, system_actor)  # after configure(): its handler loads the traced middleware

    response = writer.post("/api/v1/runs", {"agent": "it-tagline", "input": {"topic": "forecasts"}}, format="json")
    assert response.status_code == 201, response.content
    run = Run.objects.get(pk=response.json()["id"])
    with start_worker(app, pool="solo", perform_ping_check=False, queues=["runs"], shutdown_timeout=30):
        wait_for(lambda: _status(run) in FINAL, timeout=60, interval=0.1, message="the run to finish")
        finished = spans.get_finished_spans
        wait_for(lambda: any(s.name == "run/agents.execute_run" for s in finished()), timeout=10, message="task span")
    assert run.status == "succeeded", f"{run.error_code}: {run.error_message}"
    assert run.output == {"tagline": f"[scripted] {TAGLINE}"}

    recorded = list(spans.get_finished_spans())
    [request] = [s for s in recorded if s.kind == SpanKind.SERVER]  # the Django instrumentation's
    assert request.attributes["http.route"] == "^api/(?P<version>v1)/runs/?$"
    assert run.trace_id == _trace_id(request) and run.traceparent.split("-")[1] == run.trace_id
    names = [
        "apply_async/agents.execute_run",  # the publish, from run_enqueue's send_task
        "run/agents.execute_run",  # the worker's task, its parent context read from the message's headers
        "run.claim",  # queued → running
        "run.execute it-tagline",
        "run.step llm tagline",
        "chat trace-tagline",
        "run.transition succeeded",
    ]
    assert {name: _trace_id(_one(recorded, name)) for name in names} == dict.fromkeys(names, run.trace_id)
    publish, task = _one(recorded, names[0]), _one(recorded, names[1])
    assert (publish.kind, task.kind) == (SpanKind.PRODUCER, SpanKind.CONSUMER)
    assert task.parent is not None and task.parent.span_id == publish.context.span_id
    # Database and cache calls of both sides are in it too (the psycopg and redis instrumentations).
    assert {s.attributes.get("db.system") or s.attributes.get("db.system.name") for s in recorded} >= {
        "postgresql",
        "redis",
    }

    model = _one(recorded, "chat trace-tagline")
    assert model.kind == SpanKind.CLIENT
    assert model.parent is not None and model.parent.span_id == _one(recorded, "run.step llm tagline").context.span_id
    step = run.steps.get(kind="llm")
    assert (step.tokens_in, step.tokens_out) == (37, 9)
    attributes = dict(model.attributes)
    assert {key: attributes[key] for key in attributes if key.startswith("gen_ai.")} == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "raptorflow.scripted",
        "gen_ai.request.model": "trace-tagline",
        "gen_ai.request.max_tokens": run.agent_version.max_tokens,
        "gen_ai.request.temperature": run.agent_version.temperature,
        "gen_ai.output.type": "text",
        "gen_ai.response.model": step.model,
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": step.tokens_in,
        "gen_ai.usage.output_tokens": step.tokens_out,
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.cache_creation.input_tokens": 0,
    }  # no gen_ai.input.messages / output.messages: content is off by default


def _status(run: Run) -> str:
    run.refresh_from_db()
    return run.status


@pytest.mark.django_db(transaction=True)
def test_a_run_sent_again_outside_its_request_stays_in_its_trace(
    spans, workspace, registry_synced, system_actor, purge_broker
):
    """The sweeper's re-send (or one after an approval) continues the run's trace, linked to what sent it."""
    writer = api_writer(workspace, system_actor)
    response = writer.post("/api/v1/runs", {"agent": "it-tagline", "input": {}}, format="json")
    run = Run.objects.get(pk=response.json()["id"])
    assert len(run.trace_id) == 32
    spans.clear()

    with tracing.tracer.start_as_current_span("sweep") as sweep:  # another trace: the sweeper's periodic task
        assert run_enqueue(run)
    recorded = list(spans.get_finished_spans())
    enqueue, publish = _one(recorded, "run.enqueue"), _one(recorded, "apply_async/agents.execute_run")
    assert _trace_id(enqueue) == _trace_id(publish) == run.trace_id != _trace_id(sweep)
    assert [link.context.span_id for link in enqueue.links] == [sweep.get_span_context().span_id]


@pytest.mark.django_db
def test_model_content_is_traced_only_when_asked_and_without_secrets(spans, settings):
    secret, key = "sk-live-TRACE0123456789abcdef", "sk-provider-KEY-0123456789"
    provider = Provider.objects.create(name="scripted-trace", kind="scripted")
    provider.set_api_key(key)
    provider.save()
    register_script("trace-content", [{"text": "Quiet."}, {"text": f"Use {key} as {secret}."}])
    try:
        request = CompletionRequest(
            messages=(Message("system", "Be brief."), Message("user", f"My key is {secret}; password: hunter22")),
            model="",
        )
        complete_with_fallback([(provider, "trace-content")], request, use_cache=False)
        settings.RAPTORFLOW_TRACE_CONTENT = True
        complete_with_fallback([(provider, "trace-content")], request, use_cache=False)
    finally:
        unregister_script("trace-content")
    quiet, loud = [s for s in spans.get_finished_spans() if s.name == "chat trace-content"]
    assert not {"gen_ai.input.messages", "gen_ai.output.messages"} & set(quiet.attributes)
    sent = json.loads(loud.attributes["gen_ai.input.messages"])
    assert sent == [{"role": "user", "parts": [{"type": "text", "content": "My key is [redacted]; [redacted]"}]}]
    assert json.loads(loud.attributes["gen_ai.system_instructions"]) == [{"type": "text", "content": "Be brief."}]
    answer = json.loads(loud.attributes["gen_ai.output.messages"])
    assert answer[0]["parts"][0]["content"] == "[scripted] Use [redacted] as [redacted]."
    everything = json.dumps([dict(s.attributes) for s in spans.get_finished_spans()])
    assert secret not in everything and key not in everything and "hunter22" not in everything


START = """
import os, sys
import raptorflow.wsgi
from django.conf import settings
from opentelemetry import trace
print(type(trace.get_tracer_provider()).__name__, "opentelemetry.sdk.trace" in sys.modules,
      any("opentelemetry" in m for m in settings.MIDDLEWARE))
"""


def _start_web(**otel: str) -> list[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("OTEL_")}
    env |= {"DJANGO_SETTINGS_MODULE": "raptorflow.settings.test", **otel}
    done = subprocess.run(
        [sys.executable, "-c", START], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.split()


def test_with_the_otel_variables_unset_no_tracer_provider_is_installed():
    assert _start_web() == ["ProxyTracerProvider", "False", "False"]
    assert _start_web(OTEL_SERVICE_NAME="raptorflow") == ["ProxyTracerProvider", "False", "False"]
    disabled = {"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "true"}
    assert _start_web(**disabled) == ["ProxyTracerProvider", "False", "False"]


def test_an_otel_exporter_variable_installs_the_sdk_and_the_instrumentations():
    assert _start_web(OTEL_TRACES_EXPORTER="console") == ["TracerProvider", "True", "True"]
    endpoint = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}
    assert _start_web(**endpoint) == ["TracerProvider", "True", "True"]


@pytest.mark.django_db
def test_the_admin_run_page_links_the_run_trace_when_a_url_template_is_set(
    admin_client, settings, workspace, registry_synced, system_actor
):
    run, _ = run_create(workspace=workspace, agent=Agent.objects.get(slug="it-tagline"), input={}, actor=system_actor)
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    Run.objects.filter(pk=run.pk).update(trace_id=trace_id)
    page = reverse("admin:agents_run_change", args=[run.pk])

    plain = admin_client.get(page).content.decode()
    assert trace_id in plain and f"/{trace_id}" not in plain
    settings.RAPTORFLOW_TRACE_URL_TEMPLATE = "https://tempo.example/trace/{trace_id}?from=raptorflow"
    linked = admin_client.get(page).content.decode()
    assert f'<a href="https://tempo.example/trace/{trace_id}?from=raptorflow"' in linked
