"""GET/PATCH /workspaces: your workspaces and your role; admins change name, budget and foundation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from raptorflow.accounts.choices import Role
from raptorflow.accounts.models import Membership, Workspace
from raptorflow.accounts.services import workspace_update
from raptorflow.audit.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.fixtures.api import API, count_queries

pytestmark = pytest.mark.django_db


def _slugs(response) -> list[str]:
    return sorted(row["slug"] for row in response.json()["results"])


def test_a_person_lists_every_workspace_they_belong_to_with_their_own_role(
    as_user, owner, member, viewer, workspace, other_workspace
):
    MembershipFactory(user=owner, workspace=other_workspace, role=Role.VIEWER)
    response = as_user(owner).get(f"{API}/workspaces")
    assert response.status_code == 200
    rows = [(row["slug"], row["role"]) for row in response.json()["results"]]
    assert sorted(rows) == sorted([(workspace.slug, Role.OWNER), (other_workspace.slug, Role.VIEWER)])


def test_a_person_does_not_see_workspaces_they_do_not_belong_to(as_user, member, workspace, stranger):
    assert _slugs(as_user(member).get(f"{API}/workspaces")) == [workspace.slug]


def test_an_api_key_sees_only_its_own_workspace_and_has_no_role(as_key, workspace, other_workspace):
    client = as_key(workspace, ["workspace:read"])
    listed = client.get(f"{API}/workspaces")
    assert _slugs(listed) == [workspace.slug]
    assert listed.json()["results"][0]["role"] is None
    assert client.get(f"{API}/workspaces/{workspace.slug}").json()["foundation"] == workspace.foundation
    assert client.get(f"{API}/workspaces/{other_workspace.slug}").status_code == 404


def test_an_api_key_without_workspace_read_is_forbidden(as_key, workspace):
    response = as_key(workspace, ["runs:read"]).get(f"{API}/workspaces")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_another_workspace_is_not_found_even_to_change(as_user, stranger, workspace):
    client = as_user(stranger)
    assert client.get(f"{API}/workspaces/{workspace.slug}").status_code == 404
    assert client.patch(f"{API}/workspaces/{workspace.slug}", {"name": "Mine"}, format="json").status_code == 404
    workspace.refresh_from_db()
    assert workspace.name != "Mine"


def test_signing_in_is_required(api_client, workspace):
    assert api_client.get(f"{API}/workspaces").status_code == 401


def test_an_owner_changes_name_budget_and_foundation_and_each_change_is_audited(as_user, owner, workspace):
    foundation = {"company": "Acme", "stage": "series_a", "goals": ["pipeline"]}
    body = {"name": "Acme Inc", "monthly_budget": "250.00", "foundation": foundation}
    response = as_user(owner).patch(f"{API}/workspaces/{workspace.slug}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Acme Inc"
    assert response.json()["role"] == Role.OWNER
    workspace.refresh_from_db()
    assert (workspace.name, workspace.monthly_budget, workspace.foundation) == ("Acme Inc", Decimal("250"), foundation)
    actions = set(AuditEvent.objects.filter(workspace=workspace).values_list("action", flat=True))
    assert {"workspace.update", "workspace.foundation_update"} <= actions


def test_an_invalid_foundation_is_a_400_with_the_schema_messages_and_nothing_changes(as_user, owner, workspace):
    body = {"name": "Renamed", "foundation": {"stage": "unicorn", "mascot": "owl"}}
    response = as_user(owner).patch(f"{API}/workspaces/{workspace.slug}", body, format="json")
    assert response.status_code == 400
    messages = " ".join(response.json()["errors"]["foundation"])
    assert "stage" in messages and "mascot" in messages
    workspace.refresh_from_db()
    assert workspace.name != "Renamed"


@pytest.mark.parametrize("budget", ["-1", "-0", " 5", "1e3", 12, 12.5, True])
def test_a_budget_is_a_decimal_string_and_never_negative(as_user, owner, workspace, budget):
    response = as_user(owner).patch(f"{API}/workspaces/{workspace.slug}", {"monthly_budget": budget}, format="json")
    assert response.status_code == 400
    assert "monthly_budget" in response.json()["errors"]


def test_a_budget_as_a_decimal_string_is_kept_as_written(as_user, owner, workspace):
    response = as_user(owner).patch(f"{API}/workspaces/{workspace.slug}", {"monthly_budget": "12.30"}, format="json")
    assert (response.status_code, response.json()["monthly_budget"]) == (200, "12.30")


@pytest.mark.parametrize("persona", ["member", "viewer"])
def test_members_and_viewers_cannot_change_the_workspace(request, as_user, workspace, persona):
    client = as_user(request.getfixturevalue(persona))
    response = client.patch(f"{API}/workspaces/{workspace.slug}", {"name": "Nope"}, format="json")
    assert response.status_code == 403


def test_an_admin_key_may_change_the_workspace_but_a_read_key_may_not(as_key, make_key, workspace):
    assert (
        as_key(workspace, ["workspace:read"])
        .patch(f"{API}/workspaces/{workspace.slug}", {"name": "Nope"}, format="json")
        .status_code
        == 403
    )
    response = as_key(workspace, ["admin"]).patch(f"{API}/workspaces/{workspace.slug}", {"name": "Bot"}, format="json")
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="workspace.update").actor_type == "api_key"


def test_put_is_not_offered(as_user, owner, workspace):
    assert as_user(owner).put(f"{API}/workspaces/{workspace.slug}", {"name": "X"}, format="json").status_code == 405


def test_workspace_update_audits_only_what_changed(workspace, system_actor):
    workspace_update(workspace=workspace, actor=system_actor, name=workspace.name, monthly_budget=Decimal("7.00"))
    event = AuditEvent.objects.get(action="workspace.update")
    assert event.changes == {"monthly_budget": ["100.00", "7.00"]}
    workspace_update(workspace=workspace, actor=system_actor, monthly_budget=Decimal("7.00"))
    assert AuditEvent.objects.filter(action="workspace.update").count() == 1


def test_workspace_update_refuses_fields_it_does_not_own(workspace, system_actor):
    with pytest.raises(TypeError, match="slug"):
        workspace_update(workspace=workspace, actor=system_actor, slug="other")


def test_listing_workspaces_costs_the_same_queries_for_5_or_50(as_user, owner):
    client = as_user(owner)
    for _ in range(4):
        MembershipFactory(user=owner, workspace=WorkspaceFactory(), role=Role.MEMBER)
    five = count_queries(client, f"{API}/workspaces?limit=50")
    for _ in range(45):
        MembershipFactory(user=owner, workspace=WorkspaceFactory(), role=Role.MEMBER)
    assert count_queries(client, f"{API}/workspaces?limit=50") == five


# --- Creating a workspace -----------------------------------------------------------------------------------------


@pytest.fixture
def newcomer():
    return UserFactory(username="newcomer")  # signed up, member of nothing yet


def test_a_signed_in_person_creates_a_workspace_and_owns_it(as_user, newcomer):
    response = as_user(newcomer).post(f"{API}/workspaces", {"name": "Fellside Bakery"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["slug"], response.json()["role"]) == ("fellside-bakery", Role.OWNER)
    assert _slugs(as_user(newcomer).get(f"{API}/workspaces")) == ["fellside-bakery"]
    assert Membership.objects.get(workspace__slug="fellside-bakery").user == newcomer
    assert AuditEvent.objects.filter(action="workspace.create", workspace__slug="fellside-bakery").exists()


def test_a_taken_slug_is_a_conflict_and_an_invalid_foundation_a_400(as_user, newcomer, workspace):
    client = as_user(newcomer)
    taken = client.post(f"{API}/workspaces", {"name": "Mine", "slug": workspace.slug}, format="json")
    assert (taken.status_code, taken.json()["code"]) == (409, "slug_taken")
    bad = client.post(f"{API}/workspaces", {"name": "Mine", "foundation": {"stage": "giant"}}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_input") and "foundation" in bad.json()["errors"]
    assert not Membership.objects.filter(user=newcomer).exists()


def test_an_api_key_cannot_create_a_workspace(as_key, workspace):
    response = as_key(workspace, ["admin"]).post(f"{API}/workspaces", {"name": "Elsewhere"}, format="json")
    assert response.status_code == 403
    assert not Workspace.objects.filter(name="Elsewhere").exists()


def test_one_person_owns_at_most_the_configured_number(as_user, newcomer, settings):
    settings.RAPTORFLOW_MAX_OWNED_WORKSPACES = 2
    client = as_user(newcomer)
    codes = [client.post(f"{API}/workspaces", {"name": f"W{n}"}, format="json").status_code for n in range(3)]
    assert codes == [201, 201, 409]
    assert client.post(f"{API}/workspaces", {"name": "W9"}, format="json").json()["code"] == "workspace_limit"


def test_a_name_that_gives_no_slug_needs_one_and_a_number_is_not_a_name(as_user, newcomer):
    client = as_user(newcomer)
    unnamed = client.post(f"{API}/workspaces", {"name": "!!!"}, format="json")
    assert (unnamed.status_code, unnamed.json()["code"]) == (422, "slug_needed")
    assert client.post(f"{API}/workspaces", {"name": "!!!", "slug": "bangs"}, format="json").status_code == 201
    assert client.post(f"{API}/workspaces", {"name": 7}, format="json").status_code == 400  # the schema says text
