"""Workspaces, their members and their API keys over REST; a person's own data rights under /me.

`/workspaces/{slug}` names the workspace in its path, so it resolves
membership of that slug itself; members and keys act on the request's
workspace (the API key's own, or X-Workspace) through WorkspaceScopedViewSet.
`/me/export` and `/me/erase` act on the signed-in person, whatever workspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib.auth import logout
from django.db import transaction
from django.db.models import CharField, F, QuerySet, Value
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from raptorflow.accounts.choices import Role, Scope
from raptorflow.accounts.erasure import CONFIRMATION, user_erase
from raptorflow.accounts.models import APIKey, Membership, User, Workspace
from raptorflow.accounts.rights import (
    export_filename,
    user_export_filename,
    user_export_stream,
    workspace_delete,
    workspace_export_stream,
)
from raptorflow.accounts.services import (
    apikey_create,
    apikey_revoke,
    membership_remove,
    membership_set,
    workspace_create_owned,
    workspace_update,
    workspace_update_foundation,
)
from raptorflow.api.access import MANAGE, READ_WORKSPACE, Access
from raptorflow.api.pagination import CreatedCursorPagination
from raptorflow.api.permissions import actor_for
from raptorflow.api.schema import CONFLICT, ERRORS, UNPROCESSABLE, WORKSPACE_PARAMS, ErrorSerializer, request_example
from raptorflow.api.viewsets import WorkspaceScopedViewSet
from raptorflow.audit.actors import Actor

from . import serializers as s

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


INVALID_TIMEZONE = {
    422: OpenApiResponse(
        ErrorSerializer,
        description="Valid, but refused: a time zone the zone database does not know",
        examples=[OpenApiExample("invalid_timezone", {"code": "invalid_timezone",
                                                      "message": "'Europe/Atlantis' is not an IANA time zone name."})],
    )
}  # fmt: skip


def _conflict(description: str, code: str, message: str) -> dict[int, OpenApiResponse]:
    example = OpenApiExample(code, {"code": code, "message": message})
    return {409: OpenApiResponse(ErrorSerializer, description=description, examples=[example])}


LAST_OWNER = _conflict("Would leave the workspace without an owner", "last_owner", "A workspace keeps one owner.")
ALREADY_MEMBER = _conflict("Already a member", "already_member", "This user is already a member; PATCH the role.")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


_NO_ROLE = Value(None, output_field=CharField())  # keys have scopes, not a role


class CallerRole(TypedDict):
    role: str | None  # the caller's role in the workspace; None for an API key


# Deleting a workspace is the owner's alone; an API key is refused even with `admin` (see destroy).
OWN_WORKSPACE = Access(Role.OWNER, Scope.ADMIN)

EXPORT_DOC = (
    "`format`, `format_version`, `exported_at`, then `workspace` (name, slug, budget, foundation), `memberships`, "
    "`api_keys` (never their secret or its hash), `runs` (each with its `steps`, `events` and `approvals`), "
    "`daily_rollups` and `audit_events`."
)


# --- workspaces -------------------------------------------------------------------------------


class WorkspaceMemberAccess(permissions.BasePermission):
    """The view's Access for the action: an API key needs the scope; a person needs the role in *that* workspace.

    A workspace the caller does not belong to never reaches the object check: the
    queryset only holds the caller's workspaces, so it is a 404, as everywhere.
    """

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        key = getattr(request.user, "api_key", None)
        scope = view.access_for(request).scope
        if key is not None and not key.has_scope(scope):
            raise exceptions.PermissionDenied(f"Not allowed: this API key needs the '{scope}' scope.")
        return True

    def has_object_permission(self, request, view, obj: WithAnnotations[Workspace, CallerRole]) -> bool:
        access: Access = view.access_for(request)
        if getattr(request.user, "api_key", None) is None and not access.allows_role(obj.role):
            raise exceptions.PermissionDenied(f"Not allowed: this needs the {access.role} role.")
        return True


@extend_schema_view(
    list=extend_schema(summary="List your workspaces", responses={200: s.WorkspaceSerializer, **ERRORS}),
    create=extend_schema(
        summary="Create a workspace; you become its owner",
        request=s.WorkspaceCreateSerializer,
        responses={201: s.WorkspaceSerializer, **ERRORS, **CONFLICT, **UNPROCESSABLE},
        examples=request_example(
            "With a foundation",
            {
                "name": "Acme Analytics",
                "slug": "acme",
                "foundation": {"company": "Acme Analytics", "industry": "B2B SaaS", "stage": "seed"},
            },
        ),
        description="Signed in only (an API key belongs to one workspace and gets 403). 409 `slug_taken` when the "
        "slug is in use, 409 `workspace_limit` past `RAPTORFLOW_MAX_OWNED_WORKSPACES` owned workspaces, 422 "
        "`slug_needed` when the name gives no slug and none is sent.",
    ),
    retrieve=extend_schema(summary="Get a workspace", responses={200: s.WorkspaceSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change a workspace's name, budget, time zone or foundation",
        request=s.WorkspaceUpdateSerializer,
        responses={200: s.WorkspaceSerializer, **ERRORS, **INVALID_TIMEZONE},
        examples=request_example("A new monthly budget", {"monthly_budget": "250.00"}),
        description="Needs the admin role (or an API key with the `admin` scope). The foundation is replaced "
        "whole and validated against its JSON Schema; problems come back as a 400 under `errors.foundation`. "
        "`timezone` is an IANA name (`Europe/Paris`); the workspace's schedules fire in it from then on, and a name "
        "the zone database does not know is a 422 `invalid_timezone`.",
    ),
    destroy=extend_schema(
        summary="Delete a workspace with all its runs",
        responses={204: None, **ERRORS},
        description="Owners only, signed in: an admin gets 403, and so does every API key (even with `admin`). "
        "Deletes the workspace's runs with their steps, events and approvals, its members, keys and usage "
        "rollups, in one transaction; cannot be undone (export first). The audit trail of the workspace is kept, "
        "with a `workspace.delete` event counting what was deleted.",
    ),
)
class WorkspaceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's workspaces with their role in each; an API key sees only its own workspace."""

    access = {
        "create": READ_WORKSPACE,  # any signed-in person (keys are refused in create())
        "list": READ_WORKSPACE,
        "retrieve": READ_WORKSPACE,
        "partial_update": MANAGE,
        "export": MANAGE,
        "destroy": OWN_WORKSPACE,
    }
    permission_classes = [WorkspaceMemberAccess]
    serializer_class = s.WorkspaceSerializer
    pagination_class = CreatedCursorPagination
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"  # slugs only: a NUL byte in the path never reaches PostgreSQL
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def access_for(self, request) -> Access:
        if self.action in (None, "metadata"):  # a method the route does not offer (OPTIONS included)
            raise exceptions.MethodNotAllowed(request.method)
        return self.access[self.action]

    def get_queryset(self) -> QuerySet[Workspace]:
        if getattr(self, "swagger_fake_view", False):
            return Workspace.objects.none()
        key = getattr(self.request.user, "api_key", None)
        if key is not None:
            return Workspace.objects.filter(pk=key.workspace_id).annotate(role=_NO_ROLE)
        # filter() then annotate() on the same relation reuses its join: the role is the caller's own.
        user = cast(User, self.request.user)  # not anonymous: the permission checks ran first
        return Workspace.objects.filter(memberships__user=user).annotate(role=F("memberships__role"))

    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        if getattr(request.user, "api_key", None) is not None:
            raise exceptions.PermissionDenied("An API key belongs to one workspace; sign in to create another.")
        body = s.WorkspaceCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = cast(User, request.user)
        workspace = workspace_create_owned(owner=user, actor=actor_for(request), **body.validated_data)
        workspace.role = Role.OWNER  # type: ignore[attr-defined]  # as the list's annotation
        return Response(s.WorkspaceSerializer(workspace).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args: Any, **kwargs: Any) -> Response:
        workspace = self.get_object()
        body = s.WorkspaceUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        _apply_workspace_changes(workspace, dict(body.validated_data), actor=actor_for(request))
        return Response(s.WorkspaceSerializer(workspace).data)

    def destroy(self, request, *args: Any, **kwargs: Any) -> Response:
        # A leaked key must never be able to erase a workspace, whatever its scopes: a person, signed in, must.
        if getattr(request.user, "api_key", None) is not None:
            raise exceptions.PermissionDenied("An API key cannot delete a workspace; an owner must, signed in.")
        workspace_delete(workspace=self.get_object(), actor=actor_for(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Export everything of a workspace (JSON download)",
        responses={(200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description=EXPORT_DOC), **ERRORS},
        description="Needs the admin role (or an API key with the `admin` scope). Streams one JSON document "
        "as an attachment; the export is audited as `workspace.export`.",
    )
    @action(detail=True, methods=["get"])
    def export(self, request, *args: Any, **kwargs: Any) -> StreamingHttpResponse:
        workspace = self.get_object()
        pieces = workspace_export_stream(workspace=workspace, actor=actor_for(request))
        response = StreamingHttpResponse(pieces, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(workspace)}"'
        response["Cache-Control"] = "no-store"  # workspace data must not linger in a shared cache
        return response


def _apply_workspace_changes(workspace: Workspace, fields: dict[str, Any], *, actor: Actor) -> None:
    """One transaction, two audited services: the foundation has its own (validated whole)."""
    with transaction.atomic():
        if "foundation" in fields:
            foundation = fields.pop("foundation")
            if foundation != workspace.foundation:
                workspace_update_foundation(workspace=workspace, foundation=foundation, actor=actor)
        if fields:
            workspace_update(workspace=workspace, actor=actor, **fields)


# --- members ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List the workspace's members",
        parameters=WORKSPACE_PARAMS,
        responses={200: s.MembershipSerializer, **ERRORS},
    ),
    create=extend_schema(
        summary="Add a member",
        parameters=WORKSPACE_PARAMS,
        request=s.MembershipCreateSerializer,
        responses={201: s.MembershipSerializer, **ERRORS, **UNPROCESSABLE, **ALREADY_MEMBER},
        examples=request_example("By email", {"user": "grace@example.com", "role": "member"}),
        description="Adds an existing user, named by username or email. Only an owner may grant `owner`.",
    ),
    partial_update=extend_schema(
        summary="Change a member's role",
        parameters=WORKSPACE_PARAMS,
        request=s.MembershipUpdateSerializer,
        responses={200: s.MembershipSerializer, **ERRORS, **LAST_OWNER},
        examples=request_example("Make an admin", {"role": "admin"}),
        description="Only an owner may grant or take away `owner`; the last owner cannot be demoted (409).",
    ),
    destroy=extend_schema(
        summary="Remove a member",
        parameters=WORKSPACE_PARAMS,
        responses={204: None, **ERRORS, **LAST_OWNER},
        description="Only an owner may remove an owner; the last owner cannot be removed (409).",
    ),
)
class MembershipViewSet(mixins.ListModelMixin, WorkspaceScopedViewSet):
    """Who belongs to the workspace and with which role. Reading needs viewer; changing needs admin."""

    access = {"list": READ_WORKSPACE, "create": MANAGE, "partial_update": MANAGE, "destroy": MANAGE}
    serializer_class = s.MembershipSerializer
    pagination_class = CreatedCursorPagination
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_workspace_queryset(self, workspace: Workspace) -> QuerySet[Membership]:
        return Membership.objects.filter(workspace=workspace).select_related("user")

    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        body = s.MembershipCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, role = body.validated_data["user"], body.validated_data["role"]
        self._require_owner_if(role == Role.OWNER)
        with transaction.atomic():
            if Membership.objects.filter(workspace=self.workspace, user=user).exists():
                raise Conflict("This user is already a member; change the role with PATCH.", code="already_member")
            membership = membership_set(workspace=self.workspace, user=user, role=role, actor=self.actor)
        return Response(s.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        body = s.MembershipUpdateSerializer(data=request.data, partial=True)  # PATCH: every field optional
        body.is_valid(raise_exception=True)
        role = body.validated_data.get("role")
        if role is None:  # nothing to change
            return Response(s.MembershipSerializer(membership).data)
        with transaction.atomic():
            self._guard_owner_change(membership, new_role=role)
            membership_set(workspace=self.workspace, user=membership.user, role=role, actor=self.actor)
        membership.role = role
        return Response(s.MembershipSerializer(membership).data)

    def destroy(self, request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        with transaction.atomic():
            self._guard_owner_change(membership, new_role=None)
            membership_remove(membership=membership, actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _guard_owner_change(self, membership: Membership, *, new_role: str | None) -> None:
        """Only an owner grants or takes away ownership; the services keep the last owner in place."""
        self._require_owner_if(membership.role == Role.OWNER or new_role == Role.OWNER)

    def _require_owner_if(self, needed: bool) -> None:
        # An API key has no role, so it can never grant or take away ownership.
        if needed and self.workspace_context.role != Role.OWNER:
            raise exceptions.PermissionDenied("Only an owner may grant or remove the owner role.")


# --- API keys ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List API keys (revoked ones too)",
        parameters=WORKSPACE_PARAMS,
        responses={200: s.APIKeySerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get an API key", parameters=WORKSPACE_PARAMS, responses={200: s.APIKeySerializer, **ERRORS}
    ),
    create=extend_schema(
        summary="Create an API key",
        parameters=WORKSPACE_PARAMS,
        request=s.APIKeyCreateSerializer,
        responses={201: s.APIKeyCreatedSerializer, **ERRORS, **UNPROCESSABLE},
        examples=request_example(
            "A CI key that expires",
            {"name": "ci", "scopes": ["runs:read", "runs:write"], "expires_at": "2027-06-30T00:00:00Z"},
        ),
        description="The response holds the secret `key`, this once only: it is stored as a hash and never shown "
        "again.",
    ),
    destroy=extend_schema(
        summary="Revoke an API key",
        parameters=WORKSPACE_PARAMS,
        responses={204: None, **ERRORS},
        description="Revokes, never deletes: the key stays listed with `revoked_at` so its audit trail stays "
        "readable. Revoking twice is harmless.",
    ),
)
class APIKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    """The workspace's API keys. Everything here needs the admin role (or a key with the `admin` scope)."""

    access = {"list": MANAGE, "retrieve": MANAGE, "create": MANAGE, "destroy": MANAGE, "revoke": MANAGE}
    serializer_class = s.APIKeySerializer
    pagination_class = CreatedCursorPagination
    lookup_value_regex = r"\d+"

    def get_workspace_queryset(self, workspace: Workspace) -> QuerySet[APIKey]:
        return APIKey.objects.filter(workspace=workspace).select_related("created_by")

    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        body = s.APIKeyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key, plaintext = apikey_create(workspace=self.workspace, actor=self.actor, **body.validated_data)
        data = {**s.APIKeySerializer(key).data, "key": plaintext}
        # The secret must not linger in a shared or browser cache.
        return Response(data, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    def destroy(self, request, *args: Any, **kwargs: Any) -> Response:
        apikey_revoke(key=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Revoke an API key",
        parameters=WORKSPACE_PARAMS,
        request=None,
        responses={200: s.APIKeySerializer, **ERRORS},
        description="Same as DELETE, but answers with the revoked key. Revoking twice is harmless.",
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args: Any, **kwargs: Any) -> Response:
        key = self.get_object()
        apikey_revoke(key=key, actor=self.actor)
        key.refresh_from_db(fields=["revoked_at"])
        return Response(s.APIKeySerializer(key).data)


# --- a person's own data (GDPR Articles 15 and 17) ----------------------------------------------

PERSON_EXPORT_DOC = (
    "`format`, `format_version`, `exported_at`, then `account` (username, email, names, dates), `memberships`, "
    "`api_keys` you created (never their secret or its hash), `runs` you started (each with its `steps`, "
    "`events` and `approvals`) and `audit_events` you are the actor of (with their address and user agent)."
)
ERASED_LAST_OWNER = _conflict(
    "You are the last owner of a workspace", "last_owner", "This person is the last owner of the workspace 'acme'."
)


class PersonOnly(permissions.BasePermission):
    """A signed-in person acting on their own data. Never an API key: a key is not a person, and a leaked one
    must neither take nor erase anybody's personal data."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(request.user, "api_key", None) is not None:
            raise exceptions.PermissionDenied("An API key is not a person: sign in to export or erase your own data.")
        return True


class MeViewSet(viewsets.ViewSet):
    """The signed-in person's own data: what Raptorflow holds about them, and their erasure."""

    permission_classes = [PersonOnly]

    @extend_schema(
        summary="Export what Raptorflow holds about you (JSON download)",
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description=PERSON_EXPORT_DOC),
            **ERRORS,
        },
        description="Any signed-in person, for themselves (not with an API key). Streams one JSON document as an "
        "attachment; the export is audited as `user.export`.",
    )
    @action(detail=False, methods=["get"])
    def export(self, request, *args: Any, **kwargs: Any) -> StreamingHttpResponse:
        user = cast(User, request.user)
        pieces = user_export_stream(user=user, actor=actor_for(request))
        response = StreamingHttpResponse(pieces, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{user_export_filename(user)}"'
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        summary="Erase your account",
        request=s.EraseSerializer,
        responses={204: None, **ERRORS, **ERASED_LAST_OWNER},
        examples=request_example("Confirmed", {"confirm": CONFIRMATION}),
        description=f'Send `{{"confirm": "{CONFIRMATION}"}}`. Your account is anonymised (username, email '
        "and name replaced, password unusable), your API keys revoked, your memberships and sessions ended (this "
        "one too), your sign-in records deleted, and the audit trail keeps only keyed digests of your name, "
        "addresses and user agents. Runs you started stay in their workspaces, attributed to the erased user. "
        "Refused with 409 `last_owner` while you are a workspace's last owner. Audited as `user.erase`. "
        "Cannot be undone: export first.",
    )
    @action(detail=False, methods=["post"])
    def erase(self, request, *args: Any, **kwargs: Any) -> Response:
        body = s.EraseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user_erase(user=cast(User, request.user), actor=actor_for(request))
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
