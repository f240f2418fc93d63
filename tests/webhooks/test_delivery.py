"""Webhook deliveries, attempt by attempt, against a local receiver (tasks and services called directly)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from agents.choices import RunStatus
from agents.runs.lifecycle import run_charge, run_transition
from raptorflow.audit.models import AuditEvent
from raptorflow.webhooks import services
from raptorflow.webhooks.models import Delivery, Endpoint, Message
from tests.factories import RunFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loopback(settings):
    settings.RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK = True
    return settings


@pytest.fixture
def endpoint(loopback, workspace, system_actor, httpserver):
    created, secret = services.endpoint_create(
        workspace=workspace,
        url=httpserver.url_for("/hooks"),
        event_types=["run.succeeded", "run.failed", "budget.threshold"],
        actor=system_actor,
    )
    created.plain_secret = secret  # for the test's receiver
    return created


def _due(delivery: Delivery) -> None:
    """Make the next attempt due now (as if its wait had passed)."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def _received(httpserver) -> list[tuple[bytes, dict[str, str]]]:
    return [(request.get_data(), dict(request.headers)) for request, _ in httpserver.log]


def test_a_delivery_is_signed_as_standard_webhooks_says(endpoint, workspace, httpserver):
    httpserver.expect_request("/hooks", method="POST").respond_with_data("thanks", status=200)
    message = services.emit(workspace.pk, "run.succeeded", {"run_id": "r1"})
    delivery = message.deliveries.get()

    assert services.delivery_attempt(delivery.pk) == "succeeded:1"

    [(body, headers)] = _received(httpserver)
    payload = Webhook(endpoint.plain_secret).verify(body, headers)
    assert payload["type"] == "run.succeeded" and payload["data"] == {"run_id": "r1"}
    assert headers["Webhook-Id"] == message.webhook_id == f"msg_{message.pk.hex}"
    assert body.decode() == message.body  # the stored body is byte for byte what was signed and sent
    with pytest.raises(WebhookVerificationError):
        Webhook(services.secret_generate()).verify(body, headers)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 1, 200)
    assert delivery.response_body == "thanks" and delivery.next_attempt_at is None
    assert "webhook-signature" in delivery.request_headers
    assert endpoint.plain_secret not in json.dumps(delivery.request_headers)


def test_during_a_rotation_both_secrets_verify_and_after_it_only_the_new_one(
    endpoint, workspace, httpserver, system_actor
):
    httpserver.expect_request("/hooks").respond_with_data("", status=204)
    old = endpoint.plain_secret
    rotated, new = services.endpoint_rotate_secret(endpoint=endpoint, actor=system_actor)
    assert new != old and new.startswith("whsec_")
    delivery = services.emit(workspace.pk, "run.failed", {"n": 1}).deliveries.get()
    services.delivery_attempt(delivery.pk)
    body, headers = _received(httpserver)[-1]
    assert len(headers["Webhook-Signature"].split(" ")) == 2
    assert Webhook(old).verify(body, headers) == Webhook(new).verify(body, headers)

    Endpoint.objects.filter(pk=rotated.pk).update(previous_secret_expires_at=timezone.now() - timedelta(seconds=1))
    delivery = services.emit(workspace.pk, "run.failed", {"n": 2}).deliveries.get()
    services.delivery_attempt(delivery.pk)
    body, headers = _received(httpserver)[-1]
    assert len(headers["Webhook-Signature"].split(" ")) == 1
    assert Webhook(new).verify(body, headers)["data"] == {"n": 2}
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(body, headers)
    assert AuditEvent.objects.filter(action="webhook_endpoint.rotate_secret", target_id=str(endpoint.pk)).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://metadata.google.internal/",
        "http://10.0.0.7/hook",  # private
        "http://127.0.0.1:9/hook",  # loopback, while loopback is not allowed
        "http://[::1]:9/hook",
        "ftp://example.com/hook",
    ],
)
def test_an_endpoint_on_a_non_public_address_is_refused(workspace, system_actor, url):
    with pytest.raises(services.WebhookRefused) as refused:
        services.endpoint_create(workspace=workspace, url=url, event_types=["run.succeeded"], actor=system_actor)
    assert refused.value.code == "endpoint_refused" and "url" in refused.value.errors
    assert not Endpoint.objects.exists()


def test_loopback_allowed_for_tests_is_only_loopback(loopback, workspace, system_actor):
    for url in ("http://10.0.0.7/hook", "http://169.254.169.254/"):
        with pytest.raises(services.WebhookRefused):
            services.endpoint_create(workspace=workspace, url=url, event_types=["run.succeeded"], actor=system_actor)


def test_an_attempt_is_checked_again_when_sent(endpoint, workspace, httpserver, settings):
    """The guard runs before every attempt: an address allowed when saved and refused now gets no request."""
    settings.RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK = False
    delivery = services.emit(workspace.pk, "run.succeeded", {}).deliveries.get()
    assert services.delivery_attempt(delivery.pk) == "pending:1"
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("refused: localhost resolves to ")
    assert delivery.last_error.endswith("a private or loopback address")
    assert httpserver.log == []


def test_failed_attempts_back_off_on_the_schedule_for_about_a_day(endpoint, workspace, httpserver, settings):
    delays = services.retry_delays()
    assert 23 * 3600 < sum(delays) <= 24 * 3600  # the default schedule: exponential, capped, about 24 hours
    assert delays == sorted(delays)
    httpserver.expect_request("/hooks").respond_with_data("down", status=503)
    delivery = services.emit(workspace.pk, "run.succeeded", {}).deliveries.get()
    for number, delay in enumerate(delays, start=1):
        before = timezone.now()
        assert services.delivery_attempt(delivery.pk) == f"pending:{number}"
        delivery.refresh_from_db()
        assert (
            before + timedelta(seconds=delay) <= delivery.next_attempt_at <= timezone.now() + timedelta(seconds=delay)
        )
        assert services.delivery_attempt(delivery.pk) == "not_due"  # a second copy of the task sends nothing
        _due(delivery)
    assert services.delivery_attempt(delivery.pk) == f"failed:{len(delays) + 1}"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status, len(delivery.log)) == (10, 503, 10)
    assert len(httpserver.log) == 10


def test_an_endpoint_whose_every_attempt_failed_for_a_whole_schedule_is_disabled(
    endpoint, workspace, httpserver, settings
):
    settings.RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE = [0.0, 0.0]
    httpserver.expect_request("/hooks").respond_with_data("", status=500)
    delivery = services.emit(workspace.pk, "run.succeeded", {}).deliveries.get()
    outcomes = [services.delivery_attempt(delivery.pk) for _ in range(3)]
    assert outcomes == ["pending:1", "pending:2", "failed:3"]
    endpoint.refresh_from_db()
    assert endpoint.active is False and endpoint.disabled_at is not None
    assert "Every attempt failed" in endpoint.disabled_reason and endpoint.consecutive_failures == 3
    assert AuditEvent.objects.filter(action="webhook_endpoint.disable", target_id=str(endpoint.pk)).exists()
    # Nothing more is sent to it, and a replay is refused until it is turned on again.
    assert services.emit(workspace.pk, "run.succeeded", {}) is None
    with pytest.raises(services.WebhookRefused):
        services.delivery_replay(delivery=delivery, actor=services.WEBHOOKS_ACTOR)


def test_a_success_in_between_keeps_the_endpoint_on(endpoint, workspace, httpserver, settings):
    settings.RAPTORFLOW_WEBHOOKS_RETRY_SCHEDULE = [0.0, 0.0]
    failing = services.emit(workspace.pk, "run.succeeded", {"n": 1}).deliveries.get()
    httpserver.expect_oneshot_request("/hooks").respond_with_data("", status=500)
    services.delivery_attempt(failing.pk)
    httpserver.expect_oneshot_request("/hooks").respond_with_data("", status=200)
    services.delivery_attempt(services.emit(workspace.pk, "run.failed", {"n": 2}).deliveries.get().pk)
    httpserver.expect_request("/hooks").respond_with_data("", status=500)
    assert [services.delivery_attempt(failing.pk) for _ in range(2)] == ["pending:2", "failed:3"]
    endpoint.refresh_from_db()
    assert endpoint.active is True and endpoint.consecutive_failures == 2


def test_turning_an_endpoint_on_again_clears_why_it_was_off(endpoint, system_actor):
    services.endpoint_disable(endpoint_id=endpoint.pk, reason="it kept failing")
    endpoint.refresh_from_db()
    services.endpoint_update(endpoint=endpoint, actor=system_actor, active=True)
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.disabled_reason, endpoint.disabled_at) == (True, "", None)


def test_only_subscribed_active_endpoints_of_the_workspace_get_a_delivery(
    endpoint, workspace, other_workspace, system_actor, httpserver
):
    services.endpoint_create(
        workspace=workspace, url=httpserver.url_for("/other"), event_types=["run.awaiting_input"], actor=system_actor
    )
    services.endpoint_create(
        workspace=other_workspace, url=httpserver.url_for("/x"), event_types=["run.succeeded"], actor=system_actor
    )
    message = services.emit(workspace.pk, "run.succeeded", {})
    assert [d.endpoint_id for d in message.deliveries.all()] == [endpoint.pk]
    assert services.emit(workspace.pk, "budget.threshold", {}).deliveries.count() == 1
    assert services.emit(workspace.pk, "pipeline.succeeded", {}) is None  # nobody subscribes: nothing recorded


def test_a_replay_is_a_new_delivery_of_the_same_message(endpoint, workspace, httpserver, system_actor):
    httpserver.expect_request("/hooks").respond_with_data("", status=200)
    first = services.emit(workspace.pk, "run.succeeded", {}).deliveries.get()
    services.delivery_attempt(first.pk)
    replay = services.delivery_replay(delivery=first, actor=system_actor)
    assert services.delivery_attempt(replay.pk) == "succeeded:1"
    ids = [headers["Webhook-Id"] for _, headers in _received(httpserver)]
    assert ids == [first.message.webhook_id] * 2 and replay.replay_of_id == first.pk
    assert AuditEvent.objects.filter(action="webhook_delivery.replay", target_id=str(replay.pk)).exists()


def test_the_sweep_sends_again_what_is_overdue_and_only_that(endpoint, workspace, monkeypatch, settings):
    sent: list[int] = []
    monkeypatch.setattr(services, "delivery_enqueue", lambda pk, countdown=0: sent.append(pk) or True)
    lost = services.emit(workspace.pk, "run.succeeded", {"lost": True}).deliveries.get()
    fresh = services.emit(workspace.pk, "run.succeeded", {"fresh": True}).deliveries.get()
    long_ago = timezone.now() - timedelta(seconds=settings.RAPTORFLOW_WEBHOOKS_LOST_AFTER_SECONDS + 1)
    Delivery.objects.filter(pk=lost.pk).update(next_attempt_at=long_ago, updated_at=long_ago)
    assert services.deliveries_sweep() == {"deliveries_sent": 1, "deliveries_overdue": 1}
    assert sent == [lost.pk] and fresh.pk not in sent
    assert services.deliveries_sweep()["deliveries_overdue"] == 0  # touched: the next pass waits
    # A retry whose wait was too long for a countdown is sent as soon as it is due.
    waited = timezone.now() - timedelta(hours=2)
    Delivery.objects.filter(pk=fresh.pk).update(next_attempt_at=timezone.now(), updated_at=waited)
    assert services.deliveries_sweep()["deliveries_overdue"] == 1 and sent[-1] == fresh.pk


def test_run_moves_become_run_events(endpoint, workspace, registry_synced, system_actor):
    from agents.models import Agent

    version = Agent.objects.get(slug="unit_economics").versions.get()
    run = RunFactory(workspace=workspace, agent_version=version, status=RunStatus.RUNNING)
    run_transition(run, to=RunStatus.SUCCEEDED, allowed_from=[RunStatus.RUNNING], actor=system_actor)
    failed = RunFactory(workspace=workspace, agent_version=version, status=RunStatus.RUNNING)
    run_transition(failed, to=RunStatus.TIMED_OUT, allowed_from=[RunStatus.RUNNING], actor=system_actor)
    cancelled = RunFactory(workspace=workspace, agent_version=version, status=RunStatus.QUEUED)
    run_transition(cancelled, to=RunStatus.CANCELLED, allowed_from=[RunStatus.QUEUED], actor=system_actor)

    bodies = [json.loads(m.body) for m in Message.objects.order_by("created_at")]
    assert [b["type"] for b in bodies] == ["run.succeeded", "run.failed"]  # nobody subscribes to run.cancelled
    assert bodies[0]["data"]["run_id"] == str(run.pk) and bodies[0]["data"]["agent"] == "unit_economics"
    assert (bodies[1]["data"]["status"], bodies[1]["data"]["previous_status"]) == ("timed_out", "running")


def test_budget_thresholds_are_told_once_each_per_month(endpoint, workspace, registry_synced):
    from agents.models import Agent

    workspace.monthly_budget = Decimal("10.00")
    workspace.save()
    run = RunFactory(workspace=workspace, agent_version=Agent.objects.get(slug="unit_economics").versions.get())
    for cost in ("5", "2.9", "0.2", "0.5", "1.4", "0.1", "3"):  # 5, 7.9, 8.1, 8.6, 10.0, 10.1, 13.1
        run_charge(run, cost=Decimal(cost))
    thresholds = [json.loads(m.body)["data"] for m in Message.objects.order_by("created_at")]
    assert [(t["percent"], t["spent"]) for t in thresholds] == [(80, "8.100000"), (100, "10.000000")]
    assert thresholds[0]["budget"] == "10.00" and thresholds[0]["month"] == timezone.now().strftime("%Y-%m")


def test_a_pipeline_runs_end_becomes_a_pipeline_event(loopback, workspace, registry_synced, system_actor, httpserver):
    from agents.models import Pipeline
    from agents.pipelines.builtin import pipeline_sync
    from agents.pipelines.services import pipeline_cancel, pipeline_run_start

    url = httpserver.url_for("/hook")
    services.endpoint_create(workspace=workspace, url=url, event_types=["pipeline.cancelled"], actor=system_actor)
    pipeline_sync(actor=system_actor)
    pipeline = Pipeline.objects.get(slug="publish-ready-post")
    run, _ = pipeline_run_start(
        workspace=workspace, pipeline=pipeline, input={"type": "blog", "topic": "Forecasts"}, actor=system_actor
    )
    pipeline_cancel(run=run, actor=system_actor)
    body = json.loads(Message.objects.get().body)
    assert body["type"] == "pipeline.cancelled"
    assert body["data"]["pipeline_run_id"] == str(run.pk) and body["data"]["pipeline"] == "publish-ready-post"
    assert (body["data"]["status"], body["data"]["previous_status"]) == ("cancelled", "running")
