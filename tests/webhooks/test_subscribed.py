"""Who subscribes to what, from the shared cache (raptorflow.webhooks.services.subscribed): a run ending in a
workspace with no endpoint costs no webhook query, and every change to an endpoint is seen by the next event."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agents.choices import RunStatus
from agents.runs.lifecycle import run_transition
from raptorflow.webhooks import services
from raptorflow.webhooks.models import Message
from tests.factories import RunFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loopback(settings):
    settings.RAPTORFLOW_WEBHOOKS_ALLOW_LOOPBACK = True


def _webhook_queries(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if "webhooks_" in q["sql"]]


def test_a_run_ending_where_nobody_subscribes_costs_no_webhook_query(workspace, system_actor):
    first, second = (RunFactory(workspace=workspace, status=RunStatus.RUNNING) for _ in range(2))
    run_transition(first, to=RunStatus.SUCCEEDED, allowed_from=[RunStatus.RUNNING], actor=system_actor)
    with CaptureQueriesContext(connection) as context:
        run_transition(second, to=RunStatus.SUCCEEDED, allowed_from=[RunStatus.RUNNING], actor=system_actor)
    assert _webhook_queries(context) == []
    assert not Message.objects.exists()


def test_every_change_to_an_endpoint_is_seen_by_the_next_event(loopback, workspace, system_actor):
    assert services.emit(workspace.pk, "run.succeeded", {"n": 0}) is None  # nobody yet: cached as such
    endpoint, _ = services.endpoint_create(
        workspace=workspace, url="http://127.0.0.1:9/hooks", event_types=["run.failed"], actor=system_actor
    )
    assert services.emit(workspace.pk, "run.succeeded", {"n": 1}) is None  # subscribes to another type
    assert services.emit(workspace.pk, "run.failed", {"n": 2}) is not None  # seen at once after the create

    services.endpoint_update(endpoint=endpoint, actor=system_actor, event_types=["run.succeeded"])
    assert services.emit(workspace.pk, "run.succeeded", {"n": 3}) is not None
    assert services.emit(workspace.pk, "run.failed", {"n": 4}) is None

    services.endpoint_disable(endpoint_id=endpoint.pk, reason="test")
    assert services.emit(workspace.pk, "run.succeeded", {"n": 5}) is None
    endpoint.refresh_from_db()
    services.endpoint_update(endpoint=endpoint, actor=system_actor, active=True)
    assert services.emit(workspace.pk, "run.succeeded", {"n": 6}) is not None

    services.endpoint_delete(endpoint=endpoint, actor=system_actor)
    assert services.emit(workspace.pk, "run.succeeded", {"n": 7}) is None


def test_another_workspaces_endpoint_is_not_this_ones(loopback, workspace, other_workspace, system_actor):
    services.endpoint_create(
        workspace=other_workspace, url="http://127.0.0.1:9/hooks", event_types=["run.succeeded"], actor=system_actor
    )
    assert services.emit(workspace.pk, "run.succeeded", {"n": 1}) is None
    assert services.emit(other_workspace.pk, "run.succeeded", {"n": 1}) is not None
