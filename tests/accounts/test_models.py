"""Constraints the accounts data model must enforce whatever code writes to it: memberships and workspaces."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from raptorflow.accounts.models import Membership
from tests.factories import MembershipFactory, WorkspaceFactory


def test_a_user_has_one_membership_per_workspace(db):
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, workspace=membership.workspace, role="viewer")


def test_foundation_is_validated_against_its_schema(db):
    workspace = WorkspaceFactory.build(slug="valid", foundation={"company": "Acme", "stage": "unicorn", "extra": 1})
    with pytest.raises(ValidationError) as excinfo:
        workspace.full_clean()
    messages = " ".join(excinfo.value.message_dict["foundation"])
    assert "stage: 'unicorn' is not one of" in messages
    assert "'extra' was unexpected" in messages
