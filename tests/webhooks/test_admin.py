"""The admin: an endpoint made there shows its secret once; rotation and replay are audited actions."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from raptorflow.audit.models import AuditEvent
from raptorflow.webhooks import services
from raptorflow.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db
HOOK_URL = "https://93.184.215.14/hook"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_endpoint_added_in_the_admin_shows_its_secret_once(admin_client, workspace):
    data = {
        "workspace": workspace.pk,
        "url": HOOK_URL,
        "description": "",
        "event_types": ["run.failed"],
        "active": "on",
    }
    response = admin_client.post(reverse("admin:webhooks_endpoint_add"), data, follow=True)
    endpoint = Endpoint.objects.get()
    [shown] = [m for m in _messages(response) if "shown this once" in m]
    assert shown.endswith(endpoint.secrets()[0])
    assert AuditEvent.objects.filter(action="webhook_endpoint.create", target_id=str(endpoint.pk)).exists()


def test_the_admin_refuses_a_private_url(admin_client, workspace):
    data = {"workspace": workspace.pk, "url": "http://192.168.1.5/hook", "event_types": ["run.failed"]}
    response = admin_client.post(reverse("admin:webhooks_endpoint_add"), data)
    assert response.status_code == 200 and b"a private or loopback address" in response.content
    assert not Endpoint.objects.exists()


def test_rotate_and_replay_actions(admin_client, workspace, system_actor):
    endpoint, old = services.endpoint_create(
        workspace=workspace, url=HOOK_URL, event_types=["run.failed"], actor=system_actor
    )
    rotate = {"action": "rotate_secret", "_selected_action": [endpoint.pk]}
    response = admin_client.post(reverse("admin:webhooks_endpoint_changelist"), rotate, follow=True)
    endpoint.refresh_from_db()
    new, previous = endpoint.secrets()
    assert previous == old and any(new in m for m in _messages(response))

    delivery = services.emit(workspace.pk, "run.failed", {}).deliveries.get()
    replay = {"action": "replay", "_selected_action": [delivery.pk]}
    response = admin_client.post(reverse("admin:webhooks_delivery_changelist"), replay, follow=True)
    copy = Delivery.objects.get(replay_of=delivery)
    assert f"replayed as delivery {copy.pk}" in " ".join(_messages(response))
