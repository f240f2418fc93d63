"""API keys: the secret is shown once and only a hash is stored; /api-keys, where admins create, list and revoke
them; and the cache of keys between requests, where every change to what a key says takes effect on the next one.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from agents.models import Agent
from agents.runs.lifecycle import run_charge
from raptorflow.accounts.models import APIKey
from raptorflow.accounts.selectors import apikey_get_by_plaintext
from raptorflow.accounts.services import ScopeError, apikey_create, apikey_revoke, workspace_update
from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent
from tests.factories import RunFactory, UserFactory
from tests.fixtures.api import API, count_queries, with_key

KEYS = f"{API}/api-keys"
RUNS = "/api/v1/runs"
UNIT = {"spend": 1000, "leads": 100, "conversion_rate": 0.1, "arpu": 50, "churn": 0.05}


# --- The service: what is stored -------------------------------------------------------------------


def test_the_plain_secret_is_never_stored(workspace, system_actor):
    key, plaintext = apikey_create(workspace=workspace, name="ci", scopes=["runs:read"], actor=system_actor)
    assert plaintext.startswith(f"rfk_{key.prefix}_")
    secret_part = plaintext.split("_", 2)[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apikey")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
        cursor.execute("SELECT changes FROM audit_auditevent")
        audited = " ".join(str(row[0]) for row in cursor.fetchall())
    assert secret_part not in stored
    assert secret_part not in audited
    assert key.secret_hash in stored


def test_a_key_is_found_by_its_plaintext_and_not_by_a_guess(workspace, system_actor):
    key, plaintext = apikey_create(workspace=workspace, name="ci", scopes=["runs:read"], actor=system_actor)
    assert apikey_get_by_plaintext(plaintext) == key
    assert apikey_get_by_plaintext(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert apikey_get_by_plaintext(f"rfk_{key.prefix}") is None
    assert apikey_get_by_plaintext("Bearer nonsense") is None


def test_revoked_and_expired_keys_are_inactive(workspace, system_actor):
    key, _ = apikey_create(workspace=workspace, name="ci", scopes=["runs:read"], actor=system_actor)
    assert key.is_active
    assert apikey_revoke(key=key, actor=system_actor) is True
    assert apikey_revoke(key=key, actor=system_actor) is False
    key.refresh_from_db()
    assert not key.is_active
    expired, _ = apikey_create(
        workspace=workspace,
        name="old",
        scopes=["runs:read"],
        actor=system_actor,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert not expired.is_active
    assert list(AuditEvent.objects.filter(action="apikey.revoke").values_list("target_id", flat=True)) == [str(key.pk)]


def test_scopes_are_checked(workspace, system_actor):
    with pytest.raises(ScopeError, match="Unknown scope"):
        apikey_create(workspace=workspace, name="bad", scopes=["runs:delete"], actor=system_actor)
    key, _ = apikey_create(workspace=workspace, name="adm", scopes=["admin"], actor=system_actor)
    assert key.has_scope("runs:write")
    reader, _ = apikey_create(workspace=workspace, name="r", scopes=["runs:read"], actor=system_actor)
    assert reader.has_scope("runs:read") and not reader.has_scope("runs:write")
    assert APIKey.objects.count() == 2


# --- /api-keys -------------------------------------------------------------------------------------


def _create(client, **body):
    return client.post(KEYS, {"name": "ci", "scopes": ["runs:read"], **body}, format="json")


class TestTheApiKeysEndpoint:
    """/api-keys: admins create keys (the secret is shown once), list them and revoke them."""

    pytestmark = pytest.mark.django_db

    def test_the_secret_is_shown_once_and_then_works_for_runs(self, as_user, owner, workspace):
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

    def test_the_secret_never_reaches_the_audit_trail(self, as_user, owner):
        plaintext = _create(as_user(owner)).json()["key"]
        event = AuditEvent.objects.get(action="apikey.create")
        assert plaintext.split("_", 2)[2] not in str(event.changes)

    def test_an_unknown_scope_is_a_400_naming_the_field(self, as_user, owner):
        response = _create(as_user(owner), scopes=["runs:read", "runs:delete"])
        assert response.status_code == 400
        assert "scopes" in response.json()["errors"]
        assert not APIKey.objects.exists()

    @pytest.mark.parametrize("body", [{"scopes": []}, {"name": ""}, {"name": "  "}, {"name": 7}])
    def test_a_key_needs_a_name_and_a_scope(self, as_user, owner, body):
        response = _create(as_user(owner), **body)
        assert (response.status_code, response.json()["code"]) == (400, "invalid_input")

    def test_an_expiry_in_the_past_is_a_422(self, as_user, owner):
        response = _create(as_user(owner), expires_at="2001-01-01T00:00:00Z")
        assert (response.status_code, response.json()["code"]) == (422, "expires_in_past")
        assert "expires_at" in response.json()["errors"]
        assert not APIKey.objects.exists()

    def test_an_expiry_in_the_future_is_kept(self, as_user, owner):
        expires = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
        response = _create(as_user(owner), expires_at=expires.isoformat())
        assert APIKey.objects.get(pk=response.json()["id"]).expires_at == expires

    def test_revoking_keeps_the_key_listed_and_the_key_then_gets_401(self, as_user, owner, make_key, workspace):
        key, plaintext = make_key(workspace, ["runs:read"])
        client = as_user(owner)
        revoked = client.post(f"{KEYS}/{key.pk}/revoke")
        assert revoked.status_code == 200
        assert revoked.json()["revoked_at"] is not None and revoked.json()["active"] is False
        listed = client.get(KEYS).json()["results"]
        assert [(row["id"], row["revoked_at"] is not None) for row in listed] == [(key.pk, True)]
        response = with_key(APIClient(), plaintext).get(f"{API}/runs")
        assert (response.status_code, response.json()["code"]) == (401, "api_key_revoked")

    def test_delete_revokes_rather_than_deletes_and_twice_is_harmless(self, as_user, owner, make_key, workspace):
        key, _ = make_key(workspace, ["runs:read"])
        client = as_user(owner)
        assert client.delete(f"{KEYS}/{key.pk}").status_code == 204
        assert client.delete(f"{KEYS}/{key.pk}/").status_code == 204
        key.refresh_from_db()
        assert key.revoked_at is not None
        assert AuditEvent.objects.filter(action="apikey.revoke").count() == 1

    def test_an_expired_key_gets_401(self, make_key, workspace):
        _, plaintext = make_key(workspace, ["runs:read"], expires_at=timezone.now() - timedelta(seconds=1))
        response = with_key(APIClient(), plaintext).get(f"{API}/runs")
        assert (response.status_code, response.json()["code"]) == (401, "api_key_expired")

    @pytest.mark.parametrize("persona", ["member", "viewer"])
    def test_members_and_viewers_cannot_see_or_create_keys(self, request, as_user, persona):
        client = as_user(request.getfixturevalue(persona))
        assert client.get(KEYS).status_code == 403
        assert _create(client).status_code == 403

    def test_a_stranger_gets_404_for_another_workspaces_keys(self, as_user, stranger, make_key, workspace):
        key, _ = make_key(workspace, ["runs:read"])
        client = as_user(stranger)
        assert client.get(KEYS, HTTP_X_WORKSPACE=workspace.slug).status_code == 404
        assert client.get(f"{KEYS}/{key.pk}").status_code == 404
        assert client.post(f"{KEYS}/{key.pk}/revoke").status_code == 404
        key.refresh_from_db()
        assert key.revoked_at is None

    def test_only_an_admin_scoped_key_manages_keys(self, as_key, workspace):
        assert as_key(workspace, ["runs:read", "runs:write"]).get(KEYS).status_code == 403
        created = _create(as_key(workspace, ["admin"]))
        assert created.status_code == 201
        assert (
            AuditEvent.objects.get(action="apikey.create", target_id=str(created.json()["id"])).actor_type == "api_key"
        )

    def test_listing_keys_costs_the_same_queries_for_5_or_50(self, as_user, owner, make_key, workspace):
        client = as_user(owner)
        by_owner = Actor.for_user(owner)  # created_by set, so a missing select_related would show
        for _ in range(5):
            make_key(workspace, ["runs:read"], actor=by_owner)
        five = count_queries(client, f"{KEYS}?limit=50")
        for _ in range(45):
            make_key(workspace, ["runs:read"], actor=by_owner)
        assert count_queries(client, f"{KEYS}?limit=50") == five


# --- Keys cached between requests -------------------------------------------------------------------


def _apikey_queries(client: APIClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(RUNS).status_code == 200
    return sum('"accounts_apikey"' in q["sql"] and q["sql"].startswith("SELECT") for q in queries.captured_queries)


def test_a_used_key_is_not_looked_up_again(workspace, make_key):
    client = with_key(APIClient(), make_key(workspace, ["runs:read"])[1])
    assert _apikey_queries(client) == 1
    assert _apikey_queries(client) == 0


def test_a_cached_key_revoked_is_refused_on_the_next_request(workspace, make_key, system_actor):
    key, plaintext = make_key(workspace, ["runs:read"])
    client = with_key(APIClient(), plaintext)
    assert client.get(RUNS).status_code == 200
    apikey_revoke(key=key, actor=system_actor)
    response = client.get(RUNS)
    assert (response.status_code, response.json()["code"]) == (401, "api_key_revoked")


def test_a_cached_key_edited_in_the_admin_takes_the_new_expiry_and_scopes(workspace, make_key):
    key, plaintext = make_key(workspace, ["runs:read"])
    client = with_key(APIClient(), plaintext)
    assert client.get(RUNS).status_code == 200
    key.scopes = ["agents:read"]
    key.save()
    assert client.get(RUNS).status_code == 403
    key.expires_at = timezone.now() - timedelta(seconds=1)
    key.save()
    assert client.get(RUNS).json()["code"] == "api_key_expired"


def test_a_deleted_key_is_not_served_from_the_cache(workspace, make_key):
    key, plaintext = make_key(workspace, ["runs:read"])
    client = with_key(APIClient(), plaintext)
    assert client.get(RUNS).status_code == 200
    APIKey.objects.filter(pk=key.pk).delete()
    assert client.get(RUNS).json()["code"] == "invalid_api_key"


def test_a_new_workspace_budget_applies_to_the_next_run(workspace, make_key, registry_synced, system_actor):
    client = with_key(APIClient(), make_key(workspace, ["runs:read", "runs:write"])[1])
    assert client.post(RUNS, {"agent": "unit_economics", "input": UNIT}, format="json").status_code == 201
    run_charge(RunFactory(workspace=workspace), cost=Decimal("2"))
    workspace_update(workspace=workspace, actor=system_actor, monthly_budget=Decimal("1"))
    refused = client.post(RUNS, {"agent": "unit_economics", "input": UNIT}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (402, "budget_exceeded")


def test_deleting_the_keys_creator_leaves_the_key_working(workspace, make_key, registry_synced):
    creator = UserFactory()
    client = with_key(APIClient(), make_key(workspace, ["runs:read", "runs:write"], actor=Actor.for_user(creator))[1])
    assert client.get(RUNS).status_code == 200
    creator.delete()
    started = client.post(RUNS, {"agent": "unit_economics", "input": UNIT}, format="json")
    assert started.status_code == 201, started.content
    run = Agent.objects.get(slug="unit_economics").versions.get().runs.get(pk=started.json()["id"])
    assert run.requested_by is None
