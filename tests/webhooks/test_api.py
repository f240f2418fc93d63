"""/api/v1/webhooks/: secrets shown once, rotation, refusals, the delivery log and replay, within one workspace."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from raptorflow.accounts.choices import Role
from raptorflow.accounts.services import apikey_create
from raptorflow.audit.models import AuditEvent
from raptorflow.webhooks import services
from raptorflow.webhooks.models import Delivery, Endpoint
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/webhooks"
HOOK_URL = "https://93.184.215.14/hook"


@pytest.fixture
def admin_api(workspace):
    client = APIClient()
    client.force_login(MembershipFactory(workspace=workspace, role=Role.ADMIN).user)
    client.credentials(HTTP_X_WORKSPACE=workspace.slug)
    return client


def test_the_secret_is_shown_when_made_and_when_rotated_and_never_read_back(admin_api):
    made = admin_api.post(f"{API}/endpoints", {"url": HOOK_URL, "event_types": ["run.succeeded"]}, format="json")
    assert made.status_code == 201 and made["Cache-Control"] == "no-store"
    secret = made.json()["secret"]
    Webhook(secret)  # a secret the library takes
    endpoint = Endpoint.objects.get(pk=made.json()["id"])
    assert endpoint.secrets() == [secret] and secret not in endpoint.secret_encrypted
    shown = admin_api.get(f"{API}/endpoints/{endpoint.pk}").json()
    assert "secret" not in shown and shown["active"] is True and shown["event_types"] == ["run.succeeded"]

    rotated = admin_api.post(f"{API}/endpoints/{endpoint.pk}/rotate-secret").json()
    assert rotated["secret"] != secret and rotated["previous_secret_expires_at"]
    endpoint.refresh_from_db()
    assert endpoint.secrets() == [rotated["secret"], secret]
    actions = list(AuditEvent.objects.filter(target_id=str(endpoint.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["webhook_endpoint.create", "webhook_endpoint.rotate_secret"]
    assert secret not in str(AuditEvent.objects.filter(target_id=str(endpoint.pk)).values_list("changes", flat=True))


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"url": "http://10.1.2.3/hook", "event_types": ["run.failed"]}, 422, "endpoint_refused"),
        ({"url": "http://169.254.169.254/", "event_types": ["run.failed"]}, 422, "endpoint_refused"),
        ({"url": "https://exa mple.com/", "event_types": ["run.failed"]}, 422, "endpoint_refused"),
        ({"url": HOOK_URL, "event_types": []}, 400, "invalid_input"),
        ({"url": HOOK_URL, "event_types": ["run.exploded"]}, 400, "invalid_input"),
    ],
)
def test_a_bad_endpoint_is_refused(admin_api, body, status, code):
    answer = admin_api.post(f"{API}/endpoints", body, format="json")
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert not Endpoint.objects.exists()


def test_an_endpoint_is_changed_and_turned_on_again(admin_api, workspace, system_actor):
    endpoint, _ = services.endpoint_create(
        workspace=workspace, url=HOOK_URL, event_types=["run.failed"], actor=system_actor
    )
    services.endpoint_disable(endpoint_id=endpoint.pk, reason="Every attempt failed for 23.6 h")
    off = admin_api.get(f"{API}/endpoints/{endpoint.pk}").json()
    assert off["active"] is False and off["disabled_reason"].startswith("Every attempt failed")
    on = admin_api.patch(
        f"{API}/endpoints/{endpoint.pk}", {"active": True, "event_types": ["run.succeeded"]}, format="json"
    )
    assert on.status_code == 200, on.json()
    assert (on.json()["active"], on.json()["disabled_reason"], on.json()["event_types"]) == (
        True,
        "",
        ["run.succeeded"],
    )


def test_the_delivery_log_is_the_workspace_own_and_filters_by_endpoint(
    admin_api, workspace, other_workspace, system_actor
):
    mine, _ = services.endpoint_create(
        workspace=workspace, url=HOOK_URL, event_types=["run.failed"], actor=system_actor
    )
    second, _ = services.endpoint_create(
        workspace=workspace, url=HOOK_URL, event_types=["run.failed"], actor=system_actor
    )
    theirs, _ = services.endpoint_create(
        workspace=other_workspace, url=HOOK_URL, event_types=["run.failed"], actor=system_actor
    )
    services.emit(workspace.pk, "run.failed", {"n": 1})
    services.emit(other_workspace.pk, "run.failed", {"n": 2})
    listed = admin_api.get(f"{API}/deliveries").json()["results"]
    assert sorted(d["endpoint"] for d in listed) == sorted([mine.pk, second.pk])
    one = admin_api.get(f"{API}/deliveries", {"endpoint": mine.pk}).json()["results"]
    assert [d["endpoint"] for d in one] == [mine.pk]
    assert one[0]["request_body"].startswith('{"type":"run.failed"') and one[0]["status"] == "pending"
    foreign = Delivery.objects.get(endpoint=theirs)
    assert admin_api.get(f"{API}/deliveries/{foreign.pk}").status_code == 404
    assert admin_api.post(f"{API}/deliveries/{foreign.pk}/replay").status_code == 404


def test_a_replay_answers_with_the_new_delivery(admin_api, workspace, system_actor):
    endpoint, _ = services.endpoint_create(
        workspace=workspace, url=HOOK_URL, event_types=["run.failed"], actor=system_actor
    )
    first = services.emit(workspace.pk, "run.failed", {}).deliveries.get()
    replayed = admin_api.post(f"{API}/deliveries/{first.pk}/replay")
    assert replayed.status_code == 202
    body = replayed.json()
    assert (body["replay_of"], body["webhook_id"], body["status"]) == (first.pk, first.message.webhook_id, "pending")
    services.endpoint_disable(endpoint_id=endpoint.pk, reason="off")
    refused = admin_api.post(f"{API}/deliveries/{first.pk}/replay")
    assert (refused.status_code, refused.json()["code"]) == (422, "endpoint_inactive")


def test_a_key_needs_the_webhook_scopes(workspace, system_actor):
    _, reader = apikey_create(workspace=workspace, name="r", scopes=["webhooks:read"], actor=system_actor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {reader}")
    assert client.get(f"{API}/endpoints").status_code == 200
    made = client.post(f"{API}/endpoints", {"url": HOOK_URL, "event_types": ["run.failed"]}, format="json")
    assert made.status_code == 403


def test_a_workspace_export_lists_its_endpoints_without_secrets_and_its_deletion_takes_them(
    workspace, other_workspace, system_actor
):
    from raptorflow.accounts.rights import workspace_delete, workspace_export

    endpoint, secret = services.endpoint_create(
        workspace=workspace, url=HOOK_URL, event_types=["run.failed"], actor=system_actor
    )
    services.endpoint_create(workspace=other_workspace, url=HOOK_URL, event_types=["run.failed"], actor=system_actor)
    services.emit(workspace.pk, "run.failed", {})
    exported = workspace_export(workspace=workspace, actor=system_actor)
    assert [e["id"] for e in exported["webhook_endpoints"]] == [endpoint.pk]
    assert secret not in str(exported) and endpoint.secret_encrypted not in str(exported)
    counts = workspace_delete(workspace=workspace, actor=system_actor)
    assert (counts["webhook_endpoints"], counts["webhook_messages"], counts["webhook_deliveries"]) == (1, 1, 1)
    assert Endpoint.objects.get().workspace == other_workspace
