"""/members: everyone in the workspace reads the list; admins add, re-role and remove; owners guard ownership."""

from __future__ import annotations

import pytest

from raptorflow.accounts.choices import Role
from raptorflow.accounts.models import Membership
from raptorflow.audit.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.api import API, count_queries

pytestmark = pytest.mark.django_db

MEMBERS = f"{API}/members"


def _membership(user, workspace) -> Membership:
    return Membership.objects.get(user=user, workspace=workspace)


def test_a_viewer_reads_who_belongs_and_with_which_role(as_user, owner, member, viewer):
    response = as_user(viewer).get(MEMBERS)
    assert response.status_code == 200
    rows = {row["username"]: row["role"] for row in response.json()["results"]}
    assert rows == {"owner": Role.OWNER, "member": Role.MEMBER, "viewer": Role.VIEWER}


def test_a_key_with_workspace_read_lists_members_of_its_workspace_only(as_key, workspace, owner, stranger):
    response = as_key(workspace, ["workspace:read"]).get(MEMBERS)
    assert [row["username"] for row in response.json()["results"]] == ["owner"]


def test_a_stranger_gets_404_for_another_workspaces_members(as_user, stranger, owner, workspace):
    client = as_user(stranger)
    assert client.get(MEMBERS, HTTP_X_WORKSPACE=workspace.slug).status_code == 404
    # Even by id from inside their own workspace: the membership is simply not there.
    target = _membership(owner, workspace)
    assert client.patch(f"{MEMBERS}/{target.pk}", {"role": "viewer"}, format="json").status_code == 404
    assert client.delete(f"{MEMBERS}/{target.pk}").status_code == 404
    assert _membership(owner, workspace).role == Role.OWNER


@pytest.mark.parametrize("persona", ["viewer", "member"])
def test_viewers_and_members_cannot_add_members(request, as_user, persona):
    UserFactory(username="newbie")
    response = as_user(request.getfixturevalue(persona)).post(MEMBERS, {"user": "newbie"}, format="json")
    assert response.status_code == 403
    assert not Membership.objects.filter(user__username="newbie").exists()


def test_an_owner_adds_a_member_by_username_or_email_and_it_is_audited(as_user, owner, workspace):
    UserFactory(username="ann", email="ann@example.com")
    UserFactory(username="bob", email="Bob@Example.com")
    client = as_user(owner)
    by_name = client.post(MEMBERS, {"user": "ann", "role": "admin"}, format="json")
    by_email = client.post(MEMBERS, {"user": "bob@example.com"}, format="json")
    assert (by_name.status_code, by_name.json()["role"]) == (201, Role.ADMIN)
    assert (by_email.status_code, by_email.json()["role"]) == (201, Role.MEMBER)
    assert AuditEvent.objects.filter(action="membership.create", workspace=workspace).count() == 2


def test_adding_an_unknown_user_is_a_422_user_not_found(as_user, owner):
    response = as_user(owner).post(MEMBERS, {"user": "nobody@example.com"}, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "user_not_found"
    assert "user" in response.json()["errors"]


def test_a_blank_user_names_nobody_even_one_with_a_blank_email(as_user, owner):
    UserFactory(email="")
    response = as_user(owner).post(MEMBERS, {"user": "  "}, format="json")
    assert (response.status_code, response.json()["code"]) == (422, "user_not_found")


def test_a_user_is_a_string_not_a_number(as_user, owner):
    response = as_user(owner).post(MEMBERS, {"user": 1}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_input")


def test_adding_someone_already_in_is_a_409(as_user, owner, member):
    response = as_user(owner).post(MEMBERS, {"user": "member", "role": "viewer"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "already_member")


def test_an_admin_changes_roles_and_removes_members(as_user, workspace_admin, member, viewer, workspace):
    client = as_user(workspace_admin)
    promoted = client.patch(f"{MEMBERS}/{_membership(viewer, workspace).pk}/", {"role": "member"}, format="json")
    assert (promoted.status_code, promoted.json()["role"]) == (200, Role.MEMBER)
    assert client.delete(f"{MEMBERS}/{_membership(member, workspace).pk}").status_code == 204
    assert not Membership.objects.filter(user=member, workspace=workspace).exists()
    assert AuditEvent.objects.filter(action__in=["membership.update", "membership.delete"]).count() == 2


def test_only_an_owner_grants_or_takes_away_ownership(as_user, owner, workspace_admin, member, workspace):
    client = as_user(workspace_admin)
    assert client.post(MEMBERS, {"user": UserFactory().username, "role": "owner"}, format="json").status_code == 403
    owner_row = _membership(owner, workspace)
    assert client.patch(f"{MEMBERS}/{owner_row.pk}", {"role": "member"}, format="json").status_code == 403
    assert client.delete(f"{MEMBERS}/{owner_row.pk}").status_code == 403
    member_row = _membership(member, workspace)
    assert client.patch(f"{MEMBERS}/{member_row.pk}", {"role": "owner"}, format="json").status_code == 403
    response = as_user(owner).patch(f"{MEMBERS}/{member_row.pk}", {"role": "owner"}, format="json")
    assert response.status_code == 200
    assert _membership(member, workspace).role == Role.OWNER


def test_the_last_owner_can_neither_be_demoted_nor_removed(as_user, owner, workspace):
    client = as_user(owner)
    row = _membership(owner, workspace)
    demoted = client.patch(f"{MEMBERS}/{row.pk}", {"role": "admin"}, format="json")
    removed = client.delete(f"{MEMBERS}/{row.pk}")
    assert (demoted.status_code, demoted.json()["code"]) == (409, "last_owner")
    assert (removed.status_code, removed.json()["code"]) == (409, "last_owner")
    assert _membership(owner, workspace).role == Role.OWNER


def test_an_owner_may_step_down_once_another_owner_exists(as_user, owner, workspace):
    MembershipFactory(workspace=workspace, role=Role.OWNER)
    response = as_user(owner).patch(f"{MEMBERS}/{_membership(owner, workspace).pk}", {"role": "admin"}, format="json")
    assert response.status_code == 200
    assert _membership(owner, workspace).role == Role.ADMIN


def test_an_admin_key_manages_members_but_never_ownership(as_key, workspace, owner):
    UserFactory(username="carol")
    client = as_key(workspace, ["admin"])
    assert client.post(MEMBERS, {"user": "carol", "role": "member"}, format="json").status_code == 201
    assert client.post(MEMBERS, {"user": UserFactory().username, "role": "owner"}, format="json").status_code == 403
    assert client.delete(f"{MEMBERS}/{_membership(owner, workspace).pk}").status_code == 403


def test_an_unknown_role_is_a_400(as_user, owner, member, workspace):
    response = as_user(owner).patch(f"{MEMBERS}/{_membership(member, workspace).pk}", {"role": "god"}, format="json")
    assert response.status_code == 400


def test_a_patch_is_partial_so_an_empty_one_changes_nothing(as_user, owner, member, workspace):
    """The schema makes every field of a PATCH optional: ``{}`` is a valid request that leaves the row as it is."""
    row = _membership(member, workspace)
    response = as_user(owner).patch(f"{MEMBERS}/{row.pk}", {}, format="json")
    assert (response.status_code, response.json()["role"]) == (200, row.role)
    assert _membership(member, workspace).role == row.role
    assert not AuditEvent.objects.filter(action__startswith="membership.").exists()


def test_listing_members_costs_the_same_queries_for_5_or_50(as_user, owner, workspace):
    client = as_user(owner)
    MembershipFactory.create_batch(4, workspace=workspace)
    five = count_queries(client, f"{MEMBERS}?limit=50")
    MembershipFactory.create_batch(45, workspace=workspace)
    assert count_queries(client, f"{MEMBERS}?limit=50") == five
