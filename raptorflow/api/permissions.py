"""The one permission check every workspace endpoint uses: role × scope for the action."""

from __future__ import annotations

from rest_framework import exceptions, permissions

from raptorflow.audit.actors import Actor

from . import workspace as workspace_context
from .access import READ_AGENTS, Access


class WorkspaceAccess(permissions.BasePermission):
    """Requires the view's `access` entry for the current action (see access.py)."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        access: Access = view.access_for(request)
        context = workspace_context.resolve(request)
        allowed = context.api_key.has_scope(access.scope) if context.api_key else access.allows_role(context.role)
        if not allowed:
            who = f"API key needs the '{access.scope}' scope" if context.api_key else f"needs the {access.role} role"
            raise exceptions.PermissionDenied(f"Not allowed: this {who}.", code="permission_denied")
        return True


class StaffOrReadOnly(permissions.BasePermission):
    """Catalogue endpoints: everybody signed in (or a key with agents:read) reads; staff write."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            key = getattr(request.user, "api_key", None)
            return key is None or key.has_scope(READ_AGENTS.scope)
        return bool(request.user.is_staff)


def actor_for(request) -> Actor:
    key = getattr(request.user, "api_key", None)
    return Actor.for_api_key(key) if key is not None else Actor.for_user(request.user)
