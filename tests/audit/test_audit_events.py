"""/audit-events: the workspace's trail for its admins, all of it for staff; filterable; read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent
from raptorflow.audit.services import audit_log
from tests.factories import MembershipFactory
from tests.fixtures.api import API, count_queries

pytestmark = pytest.mark.django_db

EVENTS = f"{API}/audit-events"


def _event(workspace, action: str = "thing.happen", **fields) -> AuditEvent:
    defaults = {"actor_type": "user", "actor_label": "owner", "target_type": "accounts.workspace"}
    return AuditEvent.objects.create(workspace=workspace, action=action, **{**defaults, **fields})


def _actions(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["action"] for row in response.json()["results"]]


def test_an_owner_reads_the_workspace_trail_newest_first_and_nothing_else(as_user, owner, workspace, other_workspace):
    _event(workspace, "first")
    _event(other_workspace, "elsewhere")
    _event(None, "platform")
    _event(workspace, "second")
    response = as_user(owner).get(EVENTS)
    assert _actions(response) == ["second", "first"]
    assert response.json()["results"][0]["workspace"] == workspace.slug


def test_events_written_by_services_carry_who_did_it(as_user, owner, workspace):
    audit_log("workspace.touch", actor=Actor.for_user(owner), workspace=workspace, target=workspace)
    row = as_user(owner).get(EVENTS).json()["results"][0]
    assert (row["actor_type"], row["actor_label"], row["target_id"]) == ("user", "owner", str(workspace.pk))


@pytest.mark.parametrize("persona", ["member", "viewer"])
def test_members_and_viewers_cannot_read_the_trail(request, as_user, persona):
    assert as_user(request.getfixturevalue(persona)).get(EVENTS).status_code == 403


def test_a_stranger_gets_404_for_another_workspaces_trail(as_user, stranger, workspace):
    event = _event(workspace)
    client = as_user(stranger)
    assert client.get(EVENTS, HTTP_X_WORKSPACE=workspace.slug).status_code == 404
    assert client.get(f"{EVENTS}?workspace={workspace.slug}").status_code == 404
    assert client.get(f"{EVENTS}/{event.pk}").status_code == 404


def test_a_key_needs_the_audit_scope(as_key, workspace):
    _event(workspace, "seen")
    assert as_key(workspace, ["runs:read"]).get(EVENTS).status_code == 403
    # Creating and first using each key audited it; those events are the workspace's too (newest first).
    assert _actions(as_key(workspace, ["audit:read"]).get(EVENTS)) == [
        "apikey.use",
        "apikey.create",
        "apikey.use",
        "apikey.create",
        "seen",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=apikey.revoke", ["revoke"]),
        ("actor=ALI", ["revoke", "create"]),
        ("target_type=accounts.apikey&target_id=7", ["revoke"]),
        ("outcome=denied", ["denied"]),
        ("created_before={cut}", ["create"]),
        ("created_after={cut}", ["denied", "revoke"]),
    ],
)
def test_filters_narrow_the_trail(as_user, owner, workspace, query, expected):
    cut = timezone.now() - timedelta(hours=1)
    _event(workspace, "apikey.create", actor_label="alice", target_id="6", created_at=cut - timedelta(hours=1))
    _event(workspace, "apikey.revoke", actor_label="Alice", target_type="accounts.apikey", target_id="7")
    _event(workspace, "run.create", actor_label="bob", outcome="denied")
    response = as_user(owner).get(f"{EVENTS}?{query.format(cut=cut.isoformat().replace('+00:00', 'Z'))}")
    labels = {"apikey.create": "create", "apikey.revoke": "revoke", "run.create": "denied"}
    assert [labels[action] for action in _actions(response)] == expected


def test_a_bad_filter_value_is_a_400(as_user, owner):
    assert as_user(owner).get(f"{EVENTS}?outcome=maybe").status_code == 400


def test_staff_without_a_workspace_read_every_event(as_user, superuser, workspace, other_workspace):
    _event(workspace, "ours")
    _event(other_workspace, "theirs")
    _event(None, "platform")
    # Every workspace's and the platform's (the test database also holds the migrations' own events).
    assert {"ours", "platform", "theirs"} <= set(_actions(as_user(superuser).get(f"{EVENTS}?limit=200")))


def test_staff_naming_a_workspace_read_only_that_one_and_only_as_a_member(as_user, superuser, workspace):
    _event(workspace, "ours")
    client = as_user(superuser)
    assert client.get(EVENTS, HTTP_X_WORKSPACE=workspace.slug).status_code == 404
    MembershipFactory(user=superuser, workspace=workspace, role="admin")
    assert _actions(client.get(EVENTS, HTTP_X_WORKSPACE=workspace.slug)) == ["ours"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_trail_cannot_be_written(as_user, owner, superuser, workspace, method):
    event = _event(workspace)
    for client in (as_user(owner), as_user(superuser)):
        assert getattr(client, method)(f"{EVENTS}/{event.pk}", {}, format="json").status_code == 405
        assert getattr(client, method)(EVENTS, {}, format="json").status_code == 405
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_trail_pages_with_a_cursor(as_user, owner, workspace):
    for number in range(5):
        _event(workspace, f"e{number}")
    client = as_user(owner)
    first = client.get(f"{EVENTS}?limit=3").json()
    second = client.get(first["next"]).json()
    assert [r["action"] for r in first["results"] + second["results"]] == ["e4", "e3", "e2", "e1", "e0"]


@pytest.mark.parametrize("persona", ["owner", "superuser"])
def test_listing_events_costs_the_same_queries_for_5_or_50(request, as_user, workspace, persona):
    request.getfixturevalue("owner")
    client = as_user(request.getfixturevalue(persona))
    for _ in range(5):
        _event(workspace)
    five = count_queries(client, f"{EVENTS}?limit=50")
    for _ in range(45):
        _event(workspace)
    assert count_queries(client, f"{EVENTS}?limit=50") == five
