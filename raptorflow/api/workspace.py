"""Which workspace a request acts on.

An API key belongs to exactly one workspace. A signed-in person names one with
the `X-Workspace` header or the `workspace` query parameter (its slug), or
gets their only workspace by default. A workspace the caller is not a member of
is reported as not found, never as forbidden, so its existence is not confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework import exceptions

from raptorflow.accounts.models import APIKey, Membership, Workspace

HEADER = "X-Workspace"
QUERY = "workspace"


class WorkspaceRequired(exceptions.APIException):
    status_code = 400
    default_detail = "Name the workspace with the X-Workspace header or ?workspace=<slug>; you belong to several."
    default_code = "workspace_required"


@dataclass(frozen=True)
class WorkspaceContext:
    workspace: Workspace
    role: str | None  # the person's role; None for an API key
    api_key: APIKey | None


def resolve(request) -> WorkspaceContext:
    cached = getattr(request, "_raptorflow_workspace", None)
    if cached is not None:
        return cached
    key = request.auth if isinstance(request.auth, APIKey) else None
    slug = request.headers.get(HEADER) or request.query_params.get(QUERY)
    if slug and "\x00" in slug:  # no slug has one, and PostgreSQL cannot even compare with it (a DataError, 500)
        raise exceptions.NotFound("No such workspace.", code="workspace_not_found")
    context = _for_key(key, slug) if key is not None else _for_user(request.user, slug)
    request._raptorflow_workspace = context
    return context


def _for_key(key: APIKey, slug: str | None) -> WorkspaceContext:
    if slug and slug != key.workspace.slug:
        raise exceptions.NotFound("No such workspace.", code="workspace_not_found")
    return WorkspaceContext(key.workspace, None, key)


def _for_user(user, slug: str | None) -> WorkspaceContext:
    memberships = Membership.objects.filter(user=user).select_related("workspace")
    if slug:
        membership = memberships.filter(workspace__slug=slug).first()
    else:
        found = list(memberships[:2])
        if len(found) > 1:
            raise WorkspaceRequired()
        membership = found[0] if found else None
    if membership is None:
        raise exceptions.NotFound("No such workspace.", code="workspace_not_found")
    return WorkspaceContext(membership.workspace, membership.role, None)
