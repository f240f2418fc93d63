"""Reads for workspaces, memberships and API keys."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import APIKey, Membership, User, Workspace


def workspace_list_for_user(user: User) -> QuerySet[Workspace]:
    return Workspace.objects.filter(memberships__user=user)


def membership_get(*, user: User, workspace: Workspace) -> Membership | None:
    return Membership.objects.filter(user=user, workspace=workspace).first()


def apikey_get_by_plaintext(plaintext: str) -> APIKey | None:
    """Find the key a client presented, or None. Constant-time on the secret."""
    try:
        marker, prefix, _secret = plaintext.split("_", 2)
    except ValueError:
        return None
    if marker != APIKey.PREFIX:
        return None
    key = APIKey.objects.select_related("workspace", "created_by").filter(prefix=prefix).first()
    if key is None or not key.check_secret(plaintext):
        return None
    return key
