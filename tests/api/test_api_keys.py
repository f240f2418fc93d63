"""/api-keys: admins create keys (the secret is shown once), list them and revoke them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from raptorflow.accounts.models import APIKey
from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent

from .conftest import API, count_queries, with_key

pytestmark = pytest.mark.django_db

KEYS = f"{API}/api-keys"


def _create(client, **body):
    return client.post(KEYS, {"name": "ci", "scopes": ["runs:read"], **body}, format="json")


def test_the_secret_is_shown_once_and_then_works_for_runs(as_user, owner, workspace):
    client = as_user(owner)
    created = _create(client)
    assert created.status_code == 201
    assert created["Cache-Control"] == "no-store"
    body = created.json()
    assert body["key"].startswith(f"rfk_{body['prefix']}_")
    assert body["scopes"] == ["runs:read"] and body["created_by"] == "owner"
    assert "key" not in client.get(KEYS).json()["results"][0]
    assert "key" not in client.get(f"{KEYS}/{body['id']}").json()
    runs = with_key(APIClient(), body["key"]).get(f"{API}/runs")
    assert runs.status_code == 200


def test_the_secret_never_reaches_the_audit_trail(as_user, owner):
    plaintext = _create(as_user(owner)).json()["key"]
    event = AuditEvent.objects.get(action="apikey.create")
    assert plaintext.split("_", 2)[2] not in str(event.changes)


def test_an_unknown_scope_is_a_400_naming_the_field(as_user, owner):
    response = _create(as_user(owner), scopes=["runs:read", "runs:delete"])
    assert response.status_code == 400
    assert "scopes" in response.json()["errors"]
    assert not APIKey.objects.exists()


@pytest.mark.parametrize("body", [{"scopes": []}, {"name": ""}, {"expires_at": "2001-01-01T00:00:00Z"}])
def test_a_key_needs_a_name_a_scope_and_a_future_expiry(as_user, owner, body):
    assert _create(as_user(owner), **body).status_code == 400


def test_an_expiry_in_the_future_is_kept(as_user, owner):
    expires = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    response = _create(as_user(owner), expires_at=expires.isoformat())
    assert APIKey.objects.get(pk=response.json()["id"]).expires_at == expires


def test_revoking_keeps_the_key_listed_and_the_key_then_gets_401(as_user, owner, make_key, workspace):
    key, plaintext = make_key(workspace, ["runs:read"])
    client = as_user(owner)
    revoked = client.post(f"{KEYS}/{key.pk}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None and revoked.json()["active"] is False
    listed = client.get(KEYS).json()["results"]
    assert [(row["id"], row["revoked_at"] is not None) for row in listed] == [(key.pk, True)]
    response = with_key(APIClient(), plaintext).get(f"{API}/runs")
    assert (response.status_code, response.json()["code"]) == (401, "api_key_revoked")


def test_delete_revokes_rather_than_deletes_and_twice_is_harmless(as_user, owner, make_key, workspace):
    key, _ = make_key(workspace, ["runs:read"])
    client = as_user(owner)
    assert client.delete(f"{KEYS}/{key.pk}").status_code == 204
    assert client.delete(f"{KEYS}/{key.pk}/").status_code == 204
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEvent.objects.filter(action="apikey.revoke").count() == 1


def test_an_expired_key_gets_401(make_key, workspace):
    _, plaintext = make_key(workspace, ["runs:read"], expires_at=timezone.now() - timedelta(seconds=1))
    response = with_key(APIClient(), plaintext).get(f"{API}/runs")
    assert (response.status_code, response.json()["code"]) == (401, "api_key_expired")


@pytest.mark.parametrize("persona", ["member", "viewer"])
def test_members_and_viewers_cannot_see_or_create_keys(request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(KEYS).status_code == 403
    assert _create(client).status_code == 403


def test_a_stranger_gets_404_for_another_workspaces_keys(as_user, stranger, make_key, workspace):
    key, _ = make_key(workspace, ["runs:read"])
    client = as_user(stranger)
    assert client.get(KEYS, HTTP_X_WORKSPACE=workspace.slug).status_code == 404
    assert client.get(f"{KEYS}/{key.pk}").status_code == 404
    assert client.post(f"{KEYS}/{key.pk}/revoke").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_only_an_admin_scoped_key_manages_keys(as_key, workspace):
    assert as_key(workspace, ["runs:read", "runs:write"]).get(KEYS).status_code == 403
    created = _create(as_key(workspace, ["admin"]))
    assert created.status_code == 201
    assert AuditEvent.objects.get(action="apikey.create", target_id=str(created.json()["id"])).actor_type == "api_key"


def test_listing_keys_costs_the_same_queries_for_5_or_50(as_user, owner, make_key, workspace):
    client = as_user(owner)
    by_owner = Actor.for_user(owner)  # created_by set, so a missing select_related would show
    for _ in range(5):
        make_key(workspace, ["runs:read"], actor=by_owner)
    five = count_queries(client, f"{KEYS}?limit=50")
    for _ in range(45):
        make_key(workspace, ["runs:read"], actor=by_owner)
    assert count_queries(client, f"{KEYS}?limit=50") == five
