"""A workspace always keeps an owner, whichever door the change comes through (the API's: test_members.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from raptorflow.accounts.models import Membership
from raptorflow.accounts.services import LastOwnerError, membership_remove, membership_set


def test_services_refuse_to_remove_or_demote_the_last_owner(workspace, owner, member, system_actor):
    only = Membership.objects.get(user=owner, workspace=workspace)
    with pytest.raises(LastOwnerError):
        membership_set(workspace=workspace, user=owner, role="admin", actor=system_actor)
    with pytest.raises(LastOwnerError):
        membership_remove(membership=only, actor=system_actor)
    membership_set(workspace=workspace, user=member, role="owner", actor=system_actor)
    membership_set(workspace=workspace, user=owner, role="admin", actor=system_actor)  # another owner exists now
    assert Membership.objects.get(user=owner, workspace=workspace).role == "admin"


def test_the_admin_form_will_not_demote_the_last_owner(admin_client, workspace, owner):
    membership = Membership.objects.get(user=owner, workspace=workspace)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    response = admin_client.post(url, {"user": owner.pk, "workspace": workspace.pk, "role": "member"})
    assert response.status_code == 200
    assert "last owner" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "owner"


def test_the_admin_will_not_delete_the_last_owner(admin_client, workspace, owner):
    membership = Membership.objects.get(user=owner, workspace=workspace)
    url = reverse("admin:accounts_membership_delete", args=[membership.pk])
    page = admin_client.post(url, {"post": "yes"})
    assert "last owner" in page.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
